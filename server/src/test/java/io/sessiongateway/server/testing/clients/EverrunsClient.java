package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/** Everruns as its clients call it ({@code specs/everruns/}): bearer tokens or {@code evr_} keys in Authorization. */
public final class EverrunsClient extends DialectClient<EverrunsClient> {
    public static final String SESSIONS = "/v1/sessions";
    public static final String SESSION = SESSIONS + "/{session_id}";

    public EverrunsClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private EverrunsClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected EverrunsClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new EverrunsClient(route, headers);
    }

    /** {@code POST /v1/sessions}. */
    public Response create(Object body) {
        return json(body).post(SESSIONS);
    }

    /** {@code GET /v1/sessions/{session_id}}. */
    public Response get(String id) {
        return request().get(SESSION, id);
    }
}
