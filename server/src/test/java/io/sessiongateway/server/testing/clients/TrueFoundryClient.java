package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/**
 * TrueFoundry Agent Harness as its clients call it ({@code specs/truefoundry/}): the tenant is the first path
 * segment, credentials are bearer tokens.
 */
public final class TrueFoundryClient extends DialectClient<TrueFoundryClient> {
    public static final String SESSIONS = "/{tenantName}/v1/agents/sessions";
    public static final String SESSION = SESSIONS + "/{sessionId}";

    public TrueFoundryClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private TrueFoundryClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected TrueFoundryClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new TrueFoundryClient(route, headers);
    }

    /** {@code POST /{tenantName}/v1/agents/sessions}. */
    public Response create(String tenant, Object body) {
        return json(body).post(SESSIONS, tenant);
    }

    /** {@code GET /{tenantName}/v1/agents/sessions/{sessionId}}. */
    public Response get(String tenant, String id) {
        return request().get(SESSION, tenant, id);
    }
}
