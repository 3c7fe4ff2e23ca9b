package io.sessiongateway.server.testing.clients;

import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every typed client shares: where its dialect is mounted (a supplier of spec-validated rest-assured requests,
 * so every response is checked against the document that declares it) and the credential headers it sends.
 *
 * <p>A client is immutable: {@link #as(String)} and {@link #withHeaders(Map)} return a copy with other credentials.
 * An operation is one method: {@code return request().get(PATH, id);} or {@code return json(body).post(PATH);}.
 *
 * @param <C> the concrete client, returned by the credential methods
 */
public abstract class DialectClient<C extends DialectClient<C>> {
    private final Supplier<RequestSpecification> route;
    private final Map<String, String> headers;

    protected DialectClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        this.route = Objects.requireNonNull(route, "route");
        this.headers = Map.copyOf(headers);
    }

    /** A copy of this client that sends these headers instead. */
    protected abstract C with(Supplier<RequestSpecification> route, Map<String, String> headers);

    /**
     * The same client with an {@code Authorization} header (a bearer token or an API key as the vendor sends it).
     *
     * @param authorization the header's whole value; null sends none
     * @return a client with only that credential
     */
    public C as(String authorization) {
        return withHeaders(authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    /** The same client with a bearer token: {@code as("Bearer " + token)}. */
    public C bearer(String token) {
        return as("Bearer " + token);
    }

    /**
     * The same client with other credential headers (e.g. {@code x-api-key}, or two credentials at once).
     *
     * @param credentials header names and values; empty sends none
     * @return a client with exactly those headers
     */
    public C withHeaders(Map<String, String> credentials) {
        return with(route, new LinkedHashMap<>(credentials));
    }

    /** A request with the client's credentials, to the dialect's base path, validated against the documents. */
    public RequestSpecification request() {
        RequestSpecification request = route.get();
        headers.forEach((name, value) -> request.header(name, value));
        return request;
    }

    /** A request carrying {@code body} as JSON; a null body sends no body and no content type. */
    protected RequestSpecification json(Object body) {
        RequestSpecification request = request();
        return body == null ? request : request.contentType("application/json").body(body);
    }
}
