package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/** Agentcloud as its web client calls it ({@code specs/agentcloud/}): team-scoped paths under the resource slug. */
public final class AgentcloudClient extends DialectClient<AgentcloudClient> {
    public static final String ADD_SESSION = "/{resourceSlug}/forms/session/add";
    public static final String SESSION = "/{resourceSlug}/session/{sessionId}.json";

    public AgentcloudClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private AgentcloudClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected AgentcloudClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new AgentcloudClient(route, headers);
    }

    /** {@code POST /{resourceSlug}/forms/session/add}: a session of an app; the answer redirects to it. */
    public Response create(String slug, Object body) {
        return json(body).post(ADD_SESSION, slug);
    }

    /** {@code GET /{resourceSlug}/session/{sessionId}.json}. */
    public Response get(String slug, String id) {
        return request().get(SESSION, slug, id);
    }

    /** The session id at the end of a create's {@code redirect}. */
    public static String createdId(Response created) {
        String redirect = created.jsonPath().getString("redirect");
        return redirect.substring(redirect.lastIndexOf('/') + 1);
    }
}
