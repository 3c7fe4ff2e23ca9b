package io.sessiongateway.adapters.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.Output;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.service.RuntimeService;
import io.sessiongateway.generated.runtime.api.RuntimeApi;
import io.sessiongateway.generated.runtime.model.ClaimRequest;
import io.sessiongateway.generated.runtime.model.FinishRequest;
import io.sessiongateway.generated.runtime.model.LeaseRequest;
import io.sessiongateway.generated.runtime.model.OutputRequest;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The runtime API over {@link RuntimeService}: checks worker credentials before anything else is read, validates the
 * body as the document declares it, calls the service, renders the rows ({@link RuntimeJson}).
 */
public final class RuntimeAdapter implements RuntimeApi, CredentialsFirst {
    static final Pattern RESPONDER = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    static final Pattern WORKER = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final int MAX_TEXT = 262_144;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RuntimeService runtime;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    @Context
    private UriInfo uri;

    RuntimeAdapter(RuntimeService runtime) {
        this.runtime = runtime;
    }

    /** Worker credentials: 401 without valid ones, 403 for a client's or an admin's. */
    @Override
    public void verifyCredentials(Caller caller) {
        caller.worker();
    }

    private Principal worker() {
        return Caller.of(request.get()).worker();
    }

    @Override
    public Response claimTurns(ClaimRequest body) {
        Principal worker = worker();
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        List<String> names = body.getResponders();
        if (names == null || names.isEmpty() || names.size() > 32) {
            throw GatewayException.invalidBody("responders must list 1 to 32 responder names", "responders");
        }
        Set<String> responders = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || !RESPONDER.matcher(name).matches()) {
                throw GatewayException.invalidBody(
                        "responders must be lowercase names ([a-z][a-z0-9._-]{0,63})", "responders");
            }
            responders.add(name);
        }
        int max = range(body.getMax(), 1, 1, 100, "max");
        int lease = range(body.getLeaseSeconds(), 30, 1, 3600, "lease_seconds");
        int wait = range(body.getWaitSeconds(), 0, 0, 30, "wait_seconds");
        String name = workerName(body.getWorker());
        try {
            List<ClaimedTurn> claimed =
                    runtime.claim(worker, name, responders, max, Duration.ofSeconds(lease), Duration.ofSeconds(wait));
            return ok(RuntimeJson.claims(claimed));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorKind.UNAVAILABLE, "shutting_down", "the gateway is stopping");
        }
    }

    @Override
    public Response getTurn(UUID turnId) {
        return ok(RuntimeJson.data(RuntimeJson.turn(runtime.turn(worker(), turnId))));
    }

    @Override
    public Response appendOutput(UUID turnId, OutputRequest body) {
        Principal worker = worker();
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        if (body.getStep() == null) {
            throw GatewayException.invalidBody("step is required", "step");
        }
        int step = range(body.getStep(), 1, 1, 1_000_000, "step");
        if (body.getType() == null) {
            throw GatewayException.invalidBody("type is required", "type");
        }
        String name = workerName(body.getWorker());
        Output output = output(body);
        return ok(RuntimeJson.data(RuntimeJson.event(runtime.append(worker, name, turnId, step, output))));
    }

    @Override
    public Response extendLease(UUID turnId, LeaseRequest body) {
        Principal worker = worker();
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        if (body.getLeaseSeconds() == null) {
            throw GatewayException.invalidBody("lease_seconds is required", "lease_seconds");
        }
        int lease = range(body.getLeaseSeconds(), 30, 1, 3600, "lease_seconds");
        String name = workerName(body.getWorker());
        return ok(RuntimeJson.data(
                RuntimeJson.turn(runtime.extendLease(worker, name, turnId, Duration.ofSeconds(lease)))));
    }

    @Override
    public Response finishTurn(UUID turnId, FinishRequest body) {
        Principal worker = worker();
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        String error = body.getError();
        if (error != null && (error.isEmpty() || error.length() > 4096)) {
            throw GatewayException.invalidBody("error must be 1 to 4096 characters, or null", "error");
        }
        String name = workerName(body.getWorker());
        return ok(RuntimeJson.data(RuntimeJson.turn(runtime.finish(worker, name, turnId, error))));
    }

    @Override
    public Response listTurnEvents(UUID turnId, Long afterSequence, Integer waitSeconds) {
        Principal worker = worker();
        // Jersey reads an empty value (?after_sequence=) as absent and a repeated one as its first; the document's
        // integer admits neither
        for (String name : List.of("after_sequence", "wait_seconds")) {
            List<String> raw = uri.getQueryParameters().get(name);
            if (raw != null && (raw.size() > 1 || raw.stream().anyMatch(String::isEmpty))) {
                throw GatewayException.invalidArgument(name + " must be one integer", name);
            }
        }
        if (afterSequence != null && afterSequence < 0) {
            throw GatewayException.invalidArgument("after_sequence must not be negative", "after_sequence");
        }
        if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > 30)) {
            throw GatewayException.invalidArgument("wait_seconds must be between 0 and 30", "wait_seconds");
        }
        try {
            return ok(RuntimeJson.events(runtime.events(
                    worker,
                    turnId,
                    afterSequence == null ? 0 : afterSequence,
                    Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorKind.UNAVAILABLE, "shutting_down", "the gateway is stopping");
        }
    }

    /**
     * The step's output from the request. Every property given is checked as the document declares it, whatever
     * the type; the type takes the ones it uses: absent text or output is empty, absent arguments {}, and a tool
     * call or result needs its {@code call_id} (and a call its {@code name}).
     */
    static Output output(OutputRequest body) {
        String text = text(body.getText(), "text");
        String output = text(body.getOutput(), "output");
        String callId = name(body.getCallId(), "call_id");
        String name = name(body.getName(), "name");
        JsonNode arguments = arguments(body.getArguments());
        return switch (body.getType()) {
            case TEXT_DELTA -> new Output.TextDelta(text);
            case AGENT_MESSAGE -> new Output.AgentMessage(List.of(new Part.Text(text)));
            case TOOL_CALL -> new Output.ToolCall(required(callId, "call_id"), required(name, "name"), arguments);
            case TOOL_RESULT ->
                new Output.ToolResult(required(callId, "call_id"), output, Boolean.TRUE.equals(body.getIsError()));
        };
    }

    /** A text property: absent is empty. */
    private static String text(String value, String field) {
        if (value == null) {
            return "";
        }
        if (value.length() > MAX_TEXT) {
            throw GatewayException.invalidBody(field + " must be at most " + MAX_TEXT + " characters", field);
        }
        return value;
    }

    /** A name property: absent is null, else 1 to 255 characters. */
    private static String name(String value, String field) {
        if (value != null && (value.isEmpty() || value.length() > 255)) {
            throw GatewayException.invalidBody(field + " must be 1 to 255 characters", field);
        }
        return value;
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw GatewayException.invalidBody(field + " is required for this type", field);
        }
        return value;
    }

    private static JsonNode arguments(Object value) {
        if (value == null) {
            return JSON.createObjectNode();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw GatewayException.invalidBody("arguments must be a JSON object", "arguments");
        }
        return JSON.valueToTree(value);
    }

    private static int range(Integer value, int absent, int min, int max, String field) {
        if (value == null) {
            return absent;
        }
        if (value < min || value > max) {
            throw GatewayException.invalidBody(field + " must be between " + min + " and " + max, field);
        }
        return value;
    }

    private static String workerName(String value) {
        if (value != null && !WORKER.matcher(value).matches()) {
            throw GatewayException.invalidBody("worker must match [A-Za-z0-9._:-]{1,64}", "worker");
        }
        return value;
    }

    private static Response ok(Object body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
