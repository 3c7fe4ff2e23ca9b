package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Recoup as its clients call it ({@code specs/recoup/}): exactly one of a bearer token or an {@code x-api-key}
 * ({@link #apiKey}).
 */
public final class RecoupClient extends DialectClient<RecoupClient> {
    public static final String SESSIONS = "/api/sessions";
    public static final String SESSION = SESSIONS + "/{sessionId}";

    public RecoupClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private RecoupClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected RecoupClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new RecoupClient(route, headers);
    }

    /** The same client authenticating with an {@code rcp_} key in {@code x-api-key}. */
    public RecoupClient apiKey(String key) {
        return withHeaders(Map.of("x-api-key", key));
    }

    /** {@code POST /api/sessions}; a null body sends none. */
    public Response create(Object body) {
        return json(body).post(SESSIONS);
    }

    /** {@code GET /api/sessions/{sessionId}}. */
    public Response get(String id) {
        return request().get(SESSION, id);
    }

    /** {@code PATCH /api/sessions/{sessionId}}; a null body sends none. */
    public Response update(String id, Object body) {
        return json(body).patch(SESSION, id);
    }

    /** {@code DELETE /api/sessions/{sessionId}} (the vendor's web app shape). */
    public Response delete(String id) {
        return request().delete(SESSION, id);
    }

    /**
     * {@code GET /api/sessions} (the vendor's web app shape) with these query parameters ({@code status},
     * {@code limit}, {@code offset}); none for the defaults.
     */
    public Response list(Map<String, ?> query) {
        return request().queryParams(query).get(SESSIONS);
    }

    /** {@code GET /api/sessions} with the defaults. */
    public Response list() {
        return list(Map.of());
    }
}
