package io.sessiongateway.adapters.truefoundry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.SubjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure translations between TrueFoundry's turns and turn events ({@code specs/truefoundry/turns.yaml},
 * {@code turn-events.yaml}) and the canonical turns, messages and events (docs/architecture.md, "Conversations").
 *
 * <p>How the log reads as TrueFoundry events: a turn's user message is its {@code turn.created} (with the input),
 * streamed agent text is {@code model.message.delta}, an agent message or tool call is {@code model.message}, a tool
 * result is {@code tool.response}, and the turn's end (done, cancelled, error) is {@code turn.done}. The queue and
 * claim events ({@code turn.queued}, {@code turn.started}) and session events have no TrueFoundry form. Every
 * TrueFoundry turn is its own thread ({@code thread_id} = the turn id): the gateway has no sub-agent threads.
 */
public final class TrueFoundryTurnMapper {
    static final String TURN_PREFIX = "turn";
    /** {@code previous_turn_id} values that name no turn. */
    static final String AUTO = "auto";

    static final String NONE = "none";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DATA_URI = Pattern.compile("data:([^;,]+)(;[^,]*)?,.*", Pattern.DOTALL);
    /** The canonical events a finished turn's event list shows (plus no user message). */
    static final Set<EventType> CONTENT = Set.of(EventType.MESSAGE_CREATED, EventType.TOOL_CALL, EventType.TOOL_RESULT);
    /** The canonical events the session's event list shows. */
    static final Set<EventType> SESSION_EVENTS = Set.of(
            EventType.MESSAGE_CREATED,
            EventType.TOOL_CALL,
            EventType.TOOL_RESULT,
            EventType.TURN_DONE,
            EventType.TURN_CANCELLED,
            EventType.TURN_FAILED);
    /** The events that end a turn. */
    static final Set<EventType> TERMINAL = Set.of(EventType.TURN_DONE, EventType.TURN_CANCELLED, EventType.TURN_FAILED);

    private TrueFoundryTurnMapper() {}

    // ---- ids

    /** A turn's id as TrueFoundry shows it: {@code turn_<32 hex>}. */
    public static String turnId(UUID id) {
        return id == null ? null : Ids.prefixed(TURN_PREFIX, id);
    }

    /** The canonical id of a TrueFoundry turn id; empty for any string the gateway never issued. */
    public static Optional<UUID> parseTurnId(String value) {
        return value == null ? Optional.empty() : Ids.parsePrefixed(TURN_PREFIX, value);
    }

    // ---- the create request

    /**
     * A create-turn request in canonical terms.
     *
     * @param parts the user message's content
     * @param previous {@code auto} (also for an absent value), {@code none}, or a turn id as the client sent it
     * @param stream answer the turn's event stream (the default), else the turn as created
     */
    public record NewTurn(List<Part> parts, String previous, boolean stream) {}

    /**
     * Reads a create-turn body: its {@code input} must hold exactly one {@code user.message} (a gateway turn starts
     * with a user message), optionally with {@code user.tool_response} items (stored as tool results). A tool
     * approval has nothing to approve (the gateway's responders ask for none). Everything malformed is
     * {@code INVALID_BODY} (400 on this operation), naming the property.
     */
    public static NewTurn newTurn(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw GatewayException.invalidBody("input is required: a turn starts with a user.message", "input");
        }
        if (!body.isObject()) {
            throw GatewayException.invalidBody("the body must be a JSON object", null);
        }
        String previous = AUTO;
        JsonNode prev = body.get("previous_turn_id");
        if (prev != null) {
            if (!prev.isTextual() || prev.textValue().isEmpty()) {
                throw GatewayException.invalidBody(
                        "previous_turn_id must be auto, none or a turn id", "previous_turn_id");
            }
            previous = prev.textValue();
        }
        boolean stream = true;
        JsonNode streamed = body.get("stream");
        if (streamed != null) {
            if (!streamed.isBoolean()) {
                throw GatewayException.invalidBody("stream must be true or false", "stream");
            }
            stream = streamed.booleanValue();
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw GatewayException.invalidBody("input is required: a turn starts with a user.message", "input");
        }
        if (!input.isArray()) {
            throw GatewayException.invalidBody("input must be an array of input items", "input");
        }
        List<Part> parts = new ArrayList<>();
        List<Part> toolResults = new ArrayList<>();
        int messages = 0;
        for (JsonNode item : input) {
            String type = item.isObject() ? item.path("type").asText("") : "";
            switch (type) {
                case "user.message" -> {
                    messages++;
                    parts.addAll(userContent(item.get("content")));
                }
                case "user.tool_response" -> toolResults.add(toolResponse(item));
                case "user.tool_approval" ->
                    throw GatewayException.invalidBody(
                            "no tool call waits for approval in this session", "input.tool_call_id");
                default ->
                    throw GatewayException.invalidBody(
                            "input items are user.message, user.tool_approval or user.tool_response", "input.type");
            }
        }
        if (messages != 1) {
            throw GatewayException.invalidBody("input must hold exactly one user.message", "input");
        }
        List<Part> all = new ArrayList<>(toolResults);
        all.addAll(parts);
        return new NewTurn(all, previous, stream);
    }

    private static List<Part> userContent(JsonNode content) {
        if (content == null || content.isNull()) {
            throw GatewayException.invalidBody("user.message needs content", "input.content");
        }
        if (content.isTextual()) {
            return List.of(new Part.Text(content.textValue()));
        }
        if (!content.isArray() || content.isEmpty()) {
            throw GatewayException.invalidBody(
                    "content must be a string or a non-empty list of text and file parts", "input.content");
        }
        List<Part> parts = new ArrayList<>();
        for (JsonNode c : content) {
            String type = c.isObject() ? c.path("type").asText("") : "";
            if (type.equals("text") && c.path("text").isTextual() && c.size() == 2) {
                parts.add(new Part.Text(c.get("text").textValue()));
            } else if (type.equals("file")
                    && c.path("name").isTextual()
                    && c.path("data").isTextual()
                    && c.size() == 3) {
                Matcher m = DATA_URI.matcher(c.get("data").textValue());
                if (!m.matches()) {
                    throw GatewayException.invalidBody(
                            "file data must be a data URI: data:<mime>;base64,<payload>", "input.content.data");
                }
                parts.add(new Part.Image(c.get("data").textValue(), m.group(1)));
            } else {
                throw GatewayException.invalidBody(
                        "content parts are {type: text, text} or {type: file, name, data}", "input.content");
            }
        }
        return parts;
    }

    private static Part toolResponse(JsonNode item) {
        if (!item.path("thread_id").isTextual()
                || !item.path("tool_call_id").isTextual()
                || !item.path("content").isTextual()) {
            throw GatewayException.invalidBody(
                    "user.tool_response needs thread_id, tool_call_id and content strings", "input");
        }
        return new Part.ToolResult(
                item.get("tool_call_id").textValue(), item.get("content").textValue(), false);
    }

    // ---- turns

    /** A user message's content as turn input items: one {@code user.message} (and tool responses first). */
    static ArrayNode input(Message user, UUID turnId) {
        return input(user.content(), turnId);
    }

    static ArrayNode input(List<Part> content, UUID turnId) {
        ArrayNode items = NODES.arrayNode();
        List<Part> message = new ArrayList<>();
        for (Part p : content) {
            if (p instanceof Part.ToolResult r) {
                items.addObject()
                        .put("type", "user.tool_response")
                        .put("thread_id", turnId(turnId))
                        .put("tool_call_id", r.toolCallId())
                        .put("content", r.output());
            } else {
                message.add(p);
            }
        }
        ObjectNode m = items.addObject().put("type", "user.message");
        if (message.size() == 1 && message.get(0) instanceof Part.Text t) {
            m.put("content", t.text());
        } else {
            ArrayNode parts = m.putArray("content");
            for (Part p : message) {
                if (p instanceof Part.Text t) {
                    parts.addObject().put("type", "text").put("text", t.text());
                } else if (p instanceof Part.Image i) {
                    parts.addObject()
                            .put("type", "file")
                            .put("name", fileName(i))
                            .put("data", i.url());
                }
            }
        }
        return items;
    }

    /** The gateway keeps no file names: a file shows as {@code attachment} (its media type is in its data URI). */
    private static String fileName(Part.Image image) {
        return "attachment";
    }

    /**
     * A turn as TrueFoundry's {@code Turn}.
     *
     * @param input the turn's user message; null: no {@code input}
     * @param output the turn's last {@code model.message}; null: none
     * @param creator who started it
     */
    public static ObjectNode turn(Turn t, String sessionId, Message input, ObjectNode output, SubjectRef creator) {
        ObjectNode o = NODES.objectNode();
        o.put("id", turnId(t.id()));
        o.put("session_id", sessionId);
        o.put("previous_turn_id", turnId(t.previousTurnId()));
        if (input != null) {
            o.set("input", input(input, t.id()));
        }
        o.set("state", state(t, output));
        o.set("created_by_subject", subject(creator));
        o.put("created_at", Timestamps.format(t.createdAt()));
        return o;
    }

    /** A turn's state: queued and running show as {@code running}; the others carry their end. */
    public static ObjectNode state(Turn t, ObjectNode output) {
        ObjectNode s = NODES.objectNode();
        String completed = Timestamps.format(t.finishedAt() == null ? t.createdAt() : t.finishedAt());
        switch (t.status()) {
            case QUEUED, RUNNING -> s.put("status", "running");
            case DONE -> {
                s.put("status", "done");
                s.set("output", output == null ? NODES.nullNode() : output);
                s.putArray("required_actions");
                s.put("completed_at", completed);
            }
            case CANCELLED -> {
                s.put("status", "cancelled");
                s.put(
                        "reason",
                        t.cancelReason() == null
                                ? "client-cancelled"
                                : t.cancelReason().value());
                s.put("completed_at", completed);
            }
            case ERROR -> {
                s.put("status", "error");
                s.put("message", t.error() == null ? "the turn failed" : t.error());
                s.put("completed_at", completed);
            }
        }
        return s;
    }

    static ObjectNode subject(SubjectRef s) {
        ObjectNode o = NODES.objectNode();
        o.put("subject_id", s.id());
        o.put("subject_type", s.type());
        o.put("subject_slug", s.slug() != null ? s.slug() : s.id());
        return o;
    }

    // ---- events

    /** Whether the event ends its turn. */
    public static boolean isTerminal(Event e) {
        return TERMINAL.contains(e.type());
    }

    /** Whether the event is a user's message (a turn's input: its {@code turn.created}). */
    static boolean isUserMessage(Event e) {
        return e.type() == EventType.MESSAGE_CREATED
                && Role.USER
                        .dbValue()
                        .equals(e.payload().path("message").path("role").asText());
    }

    /**
     * A turn's event as TrueFoundry shows it, or empty where it has no TrueFoundry form.
     *
     * @param t the turn the event belongs to (its chain and state at the time of rendering)
     * @param creator who started the turn
     * @param lastOutput the turn's last {@code model.message} before this event (a {@code turn.done}'s output)
     */
    public static Optional<ObjectNode> event(Event e, Turn t, SubjectRef creator, ObjectNode lastOutput) {
        String thread = turnId(t.id());
        JsonNode payload = e.payload();
        return switch (e.type()) {
            case MESSAGE_CREATED -> {
                JsonNode m = payload.path("message");
                String role = m.path("role").asText();
                if (role.equals(Role.USER.dbValue())) {
                    ObjectNode o = base("turn.created", e);
                    o.put("turn_id", thread);
                    o.put("previous_turn_id", turnId(t.previousTurnId()));
                    o.set("input", input(ConversationJson.parts(m.path("content")), t.id()));
                    o.set("state", NODES.objectNode().put("status", "running"));
                    o.set("created_by", subject(creator));
                    o.put("created_at", created(e));
                    o.put("thread_id", thread);
                    yield Optional.of(o);
                }
                if (role.equals(Role.AGENT.dbValue())) {
                    yield Optional.of(messageId(modelMessage(e, thread, ConversationJson.parts(m.path("content"))), m));
                }
                yield Optional.empty(); // system messages belong to no turn
            }
            case OUTPUT_TEXT_DELTA -> {
                ObjectNode o = base("model.message.delta", e);
                // a delta carries the id of the model.message it builds (the vendor's streaming model: the SDK's
                // merge_event_delta folds deltas into the event of that id)
                o.put("id", payload.path("message_id").asText(e.id().toString()));
                o.put("thread_id", thread);
                o.put("content", payload.path("delta").asText());
                o.put("created_at", created(e));
                yield Optional.of(o);
            }
            case TOOL_CALL ->
                Optional.of(messageId(
                        modelMessage(
                                e,
                                thread,
                                ConversationJson.parts(payload.path("message").path("content"))),
                        payload.path("message")));
            case TOOL_RESULT -> {
                ObjectNode o = base("tool.response", e);
                o.put("thread_id", thread);
                Part.ToolResult r = null;
                for (Part p : ConversationJson.parts(payload.path("message").path("content"))) {
                    if (p instanceof Part.ToolResult tr) {
                        r = tr;
                    }
                }
                o.put("tool_call_id", r == null ? "" : r.toolCallId());
                o.put("content", r == null || r.output() == null ? "" : r.output());
                o.put("created_at", created(e));
                yield Optional.of(o);
            }
            case TURN_DONE, TURN_CANCELLED, TURN_FAILED -> {
                ObjectNode o = base("turn.done", e);
                Turn ended = endedTurn(t, e);
                o.set("state", state(ended, lastOutput));
                o.put("created_at", created(e));
                o.put("thread_id", thread);
                yield Optional.of(o);
            }
            default -> Optional.empty();
        };
    }

    /** The turn as its terminal event says it ended (a stream renders it before re-reading the turn). */
    static Turn endedTurn(Turn t, Event e) {
        JsonNode p = e.payload().path("turn");
        TurnStatus status = switch (e.type()) {
            case TURN_DONE -> TurnStatus.DONE;
            case TURN_CANCELLED -> TurnStatus.CANCELLED;
            default -> TurnStatus.ERROR;
        };
        String reason = p.path("cancel_reason").asText(null);
        String error = p.path("error").asText(null);
        Instant finished =
                p.hasNonNull("finished_at") ? Instant.parse(p.get("finished_at").asText()) : e.createdAt();
        return new Turn(
                t.id(),
                t.sessionId(),
                t.number(),
                t.chatId(),
                t.previousTurnId(),
                status,
                reason == null ? null : CancelReason.fromValue(reason),
                error,
                t.inputMessageId(),
                t.responder(),
                t.createdAt(),
                t.startedAt(),
                finished,
                t.worker(),
                t.leaseUntil(),
                t.claims(),
                t.outputSteps());
    }

    private static ObjectNode modelMessage(Event e, String thread, List<Part> content) {
        ObjectNode o = base("model.message", e);
        o.put("thread_id", thread);
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode calls = NODES.arrayNode();
        for (Part p : content) {
            if (p instanceof Part.Text t) {
                text.append(t.text());
                hasText = true;
            } else if (p instanceof Part.ToolCall c) {
                ObjectNode call = calls.addObject();
                call.put("id", c.id());
                call.put("type", "function");
                call.putObject("function")
                        .put("name", c.name())
                        .put(
                                "arguments",
                                c.arguments() == null || c.arguments().isMissingNode()
                                        ? "{}"
                                        : c.arguments().toString());
                call.putObject("tool_info").put("type", "truefoundry-system").put("name", c.name());
            }
        }
        if (hasText) {
            o.put("content", text.toString());
        } else {
            o.putNull("content");
        }
        if (!calls.isEmpty()) {
            o.set("tool_calls", calls);
        }
        o.put("finish_reason", calls.isEmpty() ? "stop" : "tool_calls");
        o.put("created_at", created(e));
        return o;
    }

    /** A {@code model.message} is identified by its message's id, which its streamed deltas carry too. */
    private static ObjectNode messageId(ObjectNode modelMessage, JsonNode message) {
        if (message.hasNonNull("id")) {
            modelMessage.put("id", message.get("id").asText());
        }
        return modelMessage;
    }

    private static ObjectNode base(String type, Event e) {
        ObjectNode o = NODES.objectNode();
        o.put("type", type);
        o.put("id", e.id().toString());
        return o;
    }

    private static String created(Event e) {
        return Timestamps.format(e.createdAt());
    }
}
