package io.sessiongateway.junit5;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * JSON calls to the running gateway's admin API, each with a given token; a status other than the expected ones
 * throws {@link AdminCallFailed} quoting the answer.
 */
public final class AdminApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionGatewayExtension gateway;
    private final HttpClient http;

    AdminApi(SessionGatewayExtension gateway) {
        this.gateway = gateway;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The admin API answered another status than the call expected. */
    public static final class AdminCallFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String body;

        AdminCallFailed(String method, String path, int status, String body) {
            super(method + " " + path + " answered " + status + ": " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    /** {@code GET path}; expects one of the statuses (200 when none is given). */
    public JsonNode get(String path, String token, int... expected) {
        return send("GET", path, token, null, expected.length == 0 ? new int[] {200} : expected);
    }

    /** {@code POST path} with a JSON body; expects one of the statuses. */
    public JsonNode post(String path, String token, Object body, int... expected) {
        return send("POST", path, token, body, expected);
    }

    /** {@code DELETE path}; expects one of the statuses (200 or 204 when none is given). */
    public JsonNode delete(String path, String token, int... expected) {
        return send("DELETE", path, token, null, expected.length == 0 ? new int[] {200, 204} : expected);
    }

    /**
     * Sends one request: {@code path} starts with {@code /admin/v1}; {@code body} is serialized as JSON (null: no
     * body). Returns the answer's JSON ({@link MissingNode} when it has none).
     */
    public JsonNode send(String method, String path, String token, Object body, int... expected) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body as JSON", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.adminUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, publisher);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
        int status = response.statusCode();
        if (Arrays.stream(expected).noneMatch(s -> s == status)) {
            throw new AdminCallFailed(method, path, status, response.body());
        }
        if (response.body() == null || response.body().isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(method + " " + path + " answered no JSON: " + response.body(), e);
        }
    }
}
