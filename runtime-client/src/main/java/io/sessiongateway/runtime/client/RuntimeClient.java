package io.sessiongateway.runtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A client of the gateway's runtime API ({@code specs/runtime/runtime.yaml}) over {@code java.net.http}: one
 * method per operation, JSON trees in and out. A non-2xx answer raises {@link RuntimeApiException}; thread-safe.
 */
public final class RuntimeClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Added to a long poll's own wait for the request's timeout. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final URI base;
    private final String credential;
    private final String worker;
    private final HttpClient http;

    /**
     * @param baseUrl the gateway, e.g. {@code http://127.0.0.1:8080} (plus the runtime dialect's prefix if any)
     * @param credential a worker API key ({@code sgw_wk_…}) or a worker JWT
     * @param worker this process's name under the credential's subject (its leases are its own), or null
     */
    public RuntimeClient(String baseUrl, String credential, String worker) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b + "/runtime/v1");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.worker = worker;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A claimed turn: the turn row and the user message that started it. */
    public record Claimed(JsonNode turn, JsonNode input) {
        public String turnId() {
            return turn.path("id").asText();
        }

        /** The input message's text parts, concatenated. */
        public String text() {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : input.path("content")) {
                if ("text".equals(part.path("type").asText())) {
                    b.append(part.path("text").asText());
                }
            }
            return b.toString();
        }
    }

    /** {@code POST /claims}: up to {@code max} turns of these responders, waiting up to {@code waitSeconds}. */
    public List<Claimed> claim(Collection<String> responders, int max, int leaseSeconds, int waitSeconds) {
        ObjectNode body = JSON.createObjectNode();
        responders.forEach(body.putArray("responders")::add);
        body.put("max", max).put("lease_seconds", leaseSeconds).put("wait_seconds", waitSeconds);
        named(body);
        JsonNode answer =
                send("POST", "/claims", body, Duration.ofSeconds(waitSeconds).plus(SLACK));
        List<Claimed> claimed = new ArrayList<>();
        for (JsonNode c : answer.path("data")) {
            claimed.add(new Claimed(c.path("turn"), c.path("input")));
        }
        return claimed;
    }

    /** {@code POST /turns/{id}/output} with {@code type: text_delta}; answers the step's event. */
    public JsonNode textDelta(String turnId, int step, String text) {
        return output(turnId, step, "text_delta", JSON.createObjectNode().put("text", text));
    }

    /** {@code type: agent_message}: the agent message, complete (it takes the id its deltas announced). */
    public JsonNode agentMessage(String turnId, int step, String text) {
        return output(turnId, step, "agent_message", JSON.createObjectNode().put("text", text));
    }

    /** {@code type: tool_call}. */
    public JsonNode toolCall(String turnId, int step, String callId, String name, ObjectNode arguments) {
        ObjectNode fields = JSON.createObjectNode().put("call_id", callId).put("name", name);
        fields.set("arguments", arguments == null ? JSON.createObjectNode() : arguments);
        return output(turnId, step, "tool_call", fields);
    }

    /** {@code type: tool_result}. */
    public JsonNode toolResult(String turnId, int step, String callId, String output, boolean isError) {
        return output(
                turnId,
                step,
                "tool_result",
                JSON.createObjectNode()
                        .put("call_id", callId)
                        .put("output", output)
                        .put("is_error", isError));
    }

    private JsonNode output(String turnId, int step, String type, ObjectNode fields) {
        ObjectNode body = JSON.createObjectNode().put("step", step).put("type", type);
        body.setAll(fields);
        named(body);
        return send("POST", "/turns/" + turnId + "/output", body, SLACK).path("data");
    }

    /** {@code POST /turns/{id}/lease}: answers the turn with its new {@code lease_until}. */
    public JsonNode extendLease(String turnId, int leaseSeconds) {
        ObjectNode body = JSON.createObjectNode().put("lease_seconds", leaseSeconds);
        named(body);
        return send("POST", "/turns/" + turnId + "/lease", body, SLACK).path("data");
    }

    /** {@code POST /turns/{id}/finish}: done when {@code error} is null, else failed with it. */
    public JsonNode finish(String turnId, String error) {
        ObjectNode body = JSON.createObjectNode();
        if (error != null) {
            body.put("error", error);
        }
        named(body);
        return send("POST", "/turns/" + turnId + "/finish", body, SLACK).path("data");
    }

    /** {@code GET /turns/{id}}. */
    public JsonNode turn(String turnId) {
        return send("GET", "/turns/" + turnId, null, SLACK).path("data");
    }

    /** {@code GET /turns/{id}/events}: the turn's events after a sequence number, waiting up to waitSeconds. */
    public List<JsonNode> events(String turnId, long afterSequence, int waitSeconds) {
        JsonNode answer = send(
                "GET",
                "/turns/" + turnId + "/events?after_sequence=" + afterSequence + "&wait_seconds=" + waitSeconds,
                null,
                Duration.ofSeconds(waitSeconds).plus(SLACK));
        List<JsonNode> events = new ArrayList<>();
        answer.path("data").forEach(events::add);
        return events;
    }

    private void named(ObjectNode body) {
        if (worker != null) {
            body.put("worker", worker);
        }
    }

    private JsonNode send(String method, String path, JsonNode body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + credential)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode answer;
        try {
            answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RuntimeApiException(response.statusCode(), "unreadable_answer", "the answer is not JSON");
        }
        if (response.statusCode() / 100 != 2) {
            JsonNode error = answer.path("error");
            throw new RuntimeApiException(
                    response.statusCode(),
                    error.path("code").asText("unknown"),
                    error.path("message").asText(""));
        }
        return answer;
    }
}
