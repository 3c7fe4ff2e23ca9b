package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's own APIs ({@code specs/admin/admin.yaml} and {@code health.yaml}), one method per operation. Not
 * the CLI's {@code server.cli.AdminClient}: this one is rest-assured and spec-validated, for tests.
 */
public final class GatewayAdminClient extends DialectClient<GatewayAdminClient> {
    public static final String AGENTS = "/admin/v1/tenants/{tenant}/agents";
    public static final String TEAMS = "/admin/v1/tenants/{tenant}/teams";
    public static final String API_KEYS = "/admin/v1/tenants/{tenant}/api-keys";
    public static final String API_KEY = API_KEYS + "/{keyId}";
    public static final String SESSIONS = "/admin/v1/tenants/{tenant}/sessions";
    public static final String SESSION = "/admin/v1/sessions/{sessionId}";
    public static final String LIVENESS = "/health/live";
    public static final String READINESS = "/health/ready";
    public static final String METRICS = "/metrics";

    public GatewayAdminClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private GatewayAdminClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected GatewayAdminClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new GatewayAdminClient(route, headers);
    }

    /** {@code createAgent}. */
    public Response createAgent(String tenant, Object body) {
        return json(body).post(AGENTS, tenant);
    }

    /** {@code listAgents}. */
    public Response listAgents(String tenant) {
        return request().get(AGENTS, tenant);
    }

    /** {@code createTeam}. */
    public Response createTeam(String tenant, Object body) {
        return json(body).post(TEAMS, tenant);
    }

    /** {@code listTeams}. */
    public Response listTeams(String tenant) {
        return request().get(TEAMS, tenant);
    }

    /** {@code createApiKey}. */
    public Response createApiKey(String tenant, Object body) {
        return json(body).post(API_KEYS, tenant);
    }

    /** {@code listApiKeys}. */
    public Response listApiKeys(String tenant) {
        return request().get(API_KEYS, tenant);
    }

    /** {@code revokeApiKey}. */
    public Response revokeApiKey(String tenant, String keyId) {
        return request().delete(API_KEY, tenant, keyId);
    }

    /** {@code listSessions}. */
    public Response listSessions(String tenant) {
        return request().get(SESSIONS, tenant);
    }

    /** {@code listSessions} with a {@code limit}. */
    public Response listSessions(String tenant, int limit) {
        return request().queryParam("limit", limit).get(SESSIONS, tenant);
    }

    /** {@code listSessions} with query parameters ({@code limit}, {@code cursor}, {@code agent}, ...). */
    public Response listSessions(String tenant, Map<String, ?> query) {
        return request().queryParams(query).get(SESSIONS, tenant);
    }

    /** {@code deleteSession}: by any of the session's ids. */
    public Response deleteSession(String id) {
        return request().delete(SESSION, id);
    }

    /** {@code showSession}: by any of the session's ids. */
    public Response showSession(String id) {
        return request().get(SESSION, id);
    }

    /** {@code updateSession}. */
    public Response updateSession(String id, Object body) {
        return json(body).patch(SESSION, id);
    }

    /** {@code getLiveness}. */
    public Response liveness() {
        return request().get(LIVENESS);
    }

    /** {@code getReadiness}. */
    public Response readiness() {
        return request().get(READINESS);
    }

    /** {@code getMetrics}. */
    public Response metrics() {
        return request().get(METRICS);
    }
}
