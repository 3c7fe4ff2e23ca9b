package io.sessiongateway.junit5;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The journal of recent requests ({@code /admin/v1/testing/journal}, with an operator token;
 * {@code docs/fixtures.md}), newest first: dialect, operation, method, path, status and session ids of each, to verify
 * what the code under test called. {@link SessionGatewayExtension#reset()} clears it.
 */
public final class Journal {
    private static final String PATH = "/admin/v1/testing/journal";

    private final AdminApi admin;
    private final String token;

    Journal(AdminApi admin, String token) {
        this.admin = admin;
        this.token = token;
    }

    /** The latest entries (at most 100), newest first. */
    public List<JsonNode> entries() {
        return entries(Map.of());
    }

    /**
     * The entries that match the filters ({@code dialect}, {@code operation}, {@code method}, {@code status},
     * {@code session}, {@code limit}), newest first.
     */
    public List<JsonNode> entries(Map<String, ?> filters) {
        StringBuilder query = new StringBuilder();
        new TreeMap<>(filters)
                .forEach((k, v) -> query.append(query.length() == 0 ? '?' : '&')
                        .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
        List<JsonNode> entries = new ArrayList<>();
        admin.get(PATH + query, token).path("data").forEach(entries::add);
        return entries;
    }

    /** The entries of one dialect's operation (its operationId), newest first. */
    public List<JsonNode> entries(String dialect, String operation) {
        return entries(Map.of("dialect", dialect, "operation", operation));
    }

    /** Empties the journal. */
    public void clear() {
        admin.delete(PATH, token, 204);
    }
}
