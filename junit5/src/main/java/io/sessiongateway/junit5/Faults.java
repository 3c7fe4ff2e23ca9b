package io.sessiongateway.junit5;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The gateway's fault rules ({@code /admin/v1/testing/faults}, with an operator token): a rule matches requests (by
 * dialect, operation or path) and answers them with a status in the dialect's envelope, adds latency, or resets the
 * connection. {@link SessionGatewayExtension#reset()} clears them.
 */
public final class Faults {
    private static final String PATH = "/admin/v1/testing/faults";

    private final AdminApi admin;
    private final String token;

    Faults(AdminApi admin, String token) {
        this.admin = admin;
        this.token = token;
    }

    /** Adds a rule (the body of {@code POST /admin/v1/testing/faults}); returns it as the gateway stored it. */
    public JsonNode add(Map<String, ?> rule) {
        return admin.post(PATH, token, rule, 200, 201);
    }

    /** The rules in force. */
    public JsonNode list() {
        return admin.get(PATH, token);
    }

    /** Removes every rule. */
    public void clear() {
        admin.delete(PATH, token);
    }
}
