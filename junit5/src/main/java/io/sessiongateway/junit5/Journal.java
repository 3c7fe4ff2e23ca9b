package io.sessiongateway.junit5;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The journal of recent requests ({@code /admin/v1/testing/journal}, with an operator token): dialect, operation,
 * status and ids of each, to verify what the code under test called. {@link SessionGatewayExtension#reset()} clears
 * it.
 */
public final class Journal {
    private static final String PATH = "/admin/v1/testing/journal";

    private final AdminApi admin;
    private final String token;

    Journal(AdminApi admin, String token) {
        this.admin = admin;
        this.token = token;
    }

    /** The journal as the gateway answers it. */
    public JsonNode list() {
        return admin.get(PATH, token);
    }

    /** Empties the journal. */
    public void clear() {
        admin.delete(PATH, token);
    }
}
