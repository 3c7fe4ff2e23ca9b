package io.sessiongateway.adapters.everruns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.adapters.spi.SseFrame;
import io.sessiongateway.adapters.spi.StreamOptions;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Pure translations of the Everruns conversation operations (messages, events, the live stream) between the vendor's
 * shapes (specs/everruns/messages.yaml, events.yaml) and the canonical log (docs/architecture.md, "Conversations").
 * Everruns shows a projection of the log: some canonical events have no Everruns event ({@code turn.queued},
 * {@code session.updated}, a system message, a status move no turn caused) and are left out, so an Everruns
 * {@code sequence} is the canonical seq, increasing with gaps.
 */
public final class EverrunsConversationMapper {
    /** The vendor's bound on {@code limit}; also the default here (the vendor documents none). */
    static final int MAX_LIMIT = 1000;
    /** The vendor's bound on {@code types} and {@code exclude}, each. */
    static final int MAX_TYPES = 25;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Every Everruns event type the documents declare, with the canonical type it is a projection of (or none). */
    private static final Map<String, Optional<EventType>> TYPES = types();

    private EverrunsConversationMapper() {}

    private static Map<String, Optional<EventType>> types() {
        Map<String, Optional<EventType>> m = new LinkedHashMap<>();
        m.put("input.message", Optional.of(EventType.MESSAGE_CREATED));
        m.put("output.message.started", Optional.empty());
        m.put("output.message.delta", Optional.of(EventType.OUTPUT_TEXT_DELTA));
        m.put("output.message.completed", Optional.of(EventType.MESSAGE_CREATED));
        m.put("turn.started", Optional.of(EventType.TURN_STARTED));
        m.put("turn.completed", Optional.of(EventType.TURN_DONE));
        m.put("turn.failed", Optional.of(EventType.TURN_FAILED));
        m.put("turn.cancelled", Optional.of(EventType.TURN_CANCELLED));
        m.put("session.started", Optional.empty());
        m.put("session.activated", Optional.of(EventType.SESSION_STATUS_CHANGED));
        m.put("session.idled", Optional.of(EventType.SESSION_STATUS_CHANGED));
        m.put("tool.started", Optional.of(EventType.TOOL_CALL));
        m.put("tool.completed", Optional.of(EventType.TOOL_RESULT));
        m.put("tool.call_requested", Optional.empty());
        return Map.copyOf(m);
    }

    // ---- Create message

    /**
     * The user message of a create request: {@code message.content} is 1 or more text or image parts
     * ({@code image_file} names an upload, which the gateway does not keep: 400). Other request fields are checked
     * for their declared types and otherwise not kept.
     */
    static NewMessage newMessage(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        JsonNode message = body.get("message");
        if (message == null || !message.isObject()) {
            throw GatewayException.invalidBody("message is required and must be an object", "message");
        }
        JsonNode role = message.get("role");
        if (role != null && !(role.isTextual() && role.asText().equals("user"))) {
            throw GatewayException.invalidBody("message.role must be \"user\"", "message.role");
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isArray() || content.isEmpty()) {
            throw GatewayException.invalidBody("message.content must be a non-empty array", "message.content");
        }
        List<Part> parts = new ArrayList<>();
        for (JsonNode part : content) {
            parts.add(inputPart(part));
        }
        optional(body, "controls", EverrunsConversationMapper::controls, "an object of the documented controls");
        optional(body, "metadata", JsonNode::isObject, "an object");
        optional(body, "addressed_participant_id", JsonNode::isTextual, "a string");
        optional(body, "tags", n -> n.isArray() && allText(n), "an array of strings");
        optional(
                body,
                "external_actor",
                EverrunsConversationMapper::externalActor,
                "an object with actor_id and source strings");
        return new NewMessage(Role.USER, parts, null, null);
    }

    /** {@code Controls}: its declared properties with their declared types (null allowed), any others. */
    private static boolean controls(JsonNode n) {
        return n.isObject()
                && nullOr(n, "error_disclosure", JsonNode::isTextual)
                && nullOr(n, "hints", JsonNode::isObject)
                && nullOr(n, "locale", JsonNode::isTextual)
                && nullOr(n, "model_id", JsonNode::isTextual);
    }

    /** {@code ExternalActor}: {@code actor_id} and {@code source} strings; a name, and metadata of strings. */
    private static boolean externalActor(JsonNode n) {
        return n.isObject()
                && n.path("actor_id").isTextual()
                && n.path("source").isTextual()
                && nullOr(n, "actor_name", JsonNode::isTextual)
                && nullOr(n, "metadata", m -> m.isObject() && allText(m));
    }

    private static boolean nullOr(JsonNode o, String field, Predicate<JsonNode> ok) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() || ok.test(v);
    }

    private static Part inputPart(JsonNode part) {
        String where = "message.content";
        if (part == null || !part.isObject() || !part.path("type").isTextual()) {
            throw GatewayException.invalidBody("each content part must be an object with a type", where);
        }
        return switch (part.get("type").asText()) {
            case "text" -> {
                if (!part.path("text").isTextual()) {
                    throw GatewayException.invalidBody("a text part needs a text string", where);
                }
                yield new Part.Text(part.get("text").asText());
            }
            case "image" -> image(part, where);
            case "image_file" ->
                throw GatewayException.invalidBody(
                        "image_file parts are not supported: send the image as url or base64", where);
            default -> throw GatewayException.invalidBody("content part type must be text or image", where);
        };
    }

    private static Part image(JsonNode part, String where) {
        String url = nullableText(part, "url", where);
        String base64 = nullableText(part, "base64", where);
        String mediaType = nullableText(part, "media_type", where);
        if (url == null && base64 == null) {
            throw GatewayException.invalidBody("an image part needs a url or base64 data", where);
        }
        if (url == null) {
            if (mediaType == null) {
                throw GatewayException.invalidBody("an image part with base64 data needs a media_type", where);
            }
            url = "data:" + mediaType + ";base64," + base64;
        }
        return new Part.Image(url, mediaType);
    }

    private static String nullableText(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw GatewayException.invalidBody(field + " must be a string", where);
        }
        return v.asText();
    }

    private static void optional(JsonNode body, String field, Predicate<JsonNode> ok, String what) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw GatewayException.invalidBody(field + " must be " + what + " or null", field);
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    // ---- Messages

    /** A message as created, and inside events ({@code Message}). */
    public static ObjectNode message(Message m) {
        ObjectNode o = NODES.objectNode();
        o.put("id", Ids.prefixed("message", m.id()));
        o.put("role", role(m.role()));
        o.set("content", content(m.content()));
        o.put("created_at", ConversationJson.time(m.createdAt()));
        return o;
    }

    /** A message as listed ({@code ListedMessage}): with its session and sequence. */
    static ObjectNode listedMessage(Message m) {
        ObjectNode o = NODES.objectNode();
        o.put("id", Ids.prefixed("message", m.id()));
        o.put("session_id", Ids.prefixed("session", m.sessionId()));
        o.put("sequence", m.seq());
        o.put("role", role(m.role()));
        o.set("content", content(m.content()));
        o.put("created_at", ConversationJson.time(m.createdAt()));
        return o;
    }

    /**
     * The list's body. The seed's shape leaves system messages out (another dialect may have posted one): the SDK
     * release that matches the seed (everruns-sdk 0.1.2) knows only the roles user, agent and tool_result.
     */
    static ObjectNode messages(List<Message> messages, EverrunsMapper.Shape shape) {
        ObjectNode o = NODES.objectNode();
        ArrayNode data = o.putArray("data");
        for (Message m : messages) {
            if (shape == EverrunsMapper.Shape.SEED && m.role() == Role.SYSTEM) {
                continue;
            }
            data.add(listedMessage(m));
        }
        return o;
    }

    static String role(Role role) {
        return switch (role) {
            case USER -> "user";
            case AGENT -> "agent";
            case SYSTEM -> "system";
            case TOOL -> "tool_result";
        };
    }

    static ArrayNode content(List<Part> parts) {
        ArrayNode a = NODES.arrayNode();
        for (Part p : parts) {
            ObjectNode o = a.addObject();
            if (p instanceof Part.Text t) {
                o.put("type", "text").put("text", t.text());
            } else if (p instanceof Part.Image i) {
                o.put("type", "image");
                String url = i.url() == null ? "" : i.url();
                int comma = url.indexOf(";base64,");
                if (url.startsWith("data:") && comma > 0) {
                    o.put("base64", url.substring(comma + ";base64,".length()));
                    o.put("media_type", i.mediaType() != null ? i.mediaType() : url.substring(5, comma));
                } else {
                    o.put("url", url);
                    if (i.mediaType() != null) {
                        o.put("media_type", i.mediaType());
                    }
                }
            } else if (p instanceof Part.ToolCall c) {
                o.put("type", "tool_call").put("id", c.id()).put("name", c.name());
                o.set("arguments", arguments(c.arguments()));
            } else if (p instanceof Part.ToolResult r) {
                o.put("type", "tool_result").put("tool_call_id", r.toolCallId());
                if (r.isError()) {
                    o.put("error", r.output());
                } else {
                    o.put("result", r.output());
                }
            }
        }
        return a;
    }

    private static JsonNode arguments(JsonNode arguments) {
        return arguments != null && arguments.isObject() ? arguments : NODES.objectNode();
    }

    // ---- Event filters

    /** The query of an events list or stream, validated. */
    record Filter(Set<String> types, long afterSeq, Long beforeSeq, int limit, UUID sinceId) {
        /** The canonical types whose events may show as one of {@link #types()}; empty when none can. */
        Set<EventType> canonical() {
            Set<EventType> c = EnumSet.noneOf(EventType.class);
            for (String t : types) {
                TYPES.get(t).ifPresent(c::add);
            }
            return c;
        }

        /** Backward paging: {@code limit} keeps the newest events of the selection. */
        boolean backward() {
            return beforeSeq != null;
        }
    }

    /**
     * The types an events list or stream selects: {@code types} (all when absent), then minus {@code exclude}; 400
     * for an unknown type or more than 25 of either.
     */
    static Set<String> selectedTypes(List<String> types, List<String> exclude) {
        Set<String> in = typeList(types, "types");
        Set<String> out = typeList(exclude, "exclude");
        Set<String> selected = new LinkedHashSet<>(in.isEmpty() ? TYPES.keySet() : in);
        selected.removeAll(out);
        return selected;
    }

    private static Set<String> typeList(List<String> values, String name) {
        Set<String> s = new LinkedHashSet<>();
        if (values == null) {
            return s;
        }
        if (values.size() > MAX_TYPES) {
            throw GatewayException.invalidArgument(name + " takes at most " + MAX_TYPES + " types", name);
        }
        for (String v : values) {
            if (v == null || !TYPES.containsKey(v)) {
                throw GatewayException.invalidArgument("unknown event type in " + name + ": " + v, name);
            }
            s.add(v);
        }
        return s;
    }

    /** The canonical id of a {@code since_id}; 400 unless {@code event_<32 lowercase hex>}. */
    static UUID sinceId(String sinceId) {
        return Ids.parsePrefixed("event", sinceId)
                .orElseThrow(
                        () -> GatewayException.invalidArgument("since_id must match ^event_[0-9a-f]{32}$", "since_id"));
    }

    /** The list's filter; {@code since_id} is resolved by the caller and given as a seq. */
    static Filter filter(
            List<String> types,
            List<String> exclude,
            Integer limit,
            Integer beforeSequence,
            Integer afterSequence,
            long sinceSeq) {
        Set<String> selected = selectedTypes(types, exclude);
        int lim = limit == null ? MAX_LIMIT : limit;
        if (lim < 1 || lim > MAX_LIMIT) {
            throw GatewayException.invalidArgument("limit must be an integer from 1 to " + MAX_LIMIT, "limit");
        }
        if (beforeSequence != null && beforeSequence < 0) {
            throw GatewayException.invalidArgument("before_sequence must be at least 0", "before_sequence");
        }
        if (afterSequence != null && afterSequence < 0) {
            throw GatewayException.invalidArgument("after_sequence must be at least 0", "after_sequence");
        }
        long after = Math.max(sinceSeq, afterSequence == null ? 0 : afterSequence);
        return new Filter(selected, after, beforeSequence == null ? null : beforeSequence.longValue(), lim, null);
    }

    /** Single-valued query parameters given twice, or blank integers: 400 (Jersey would take the first or null). */
    static void checkQuery(Map<String, List<String>> query, List<String> single, List<String> integers) {
        for (String name : single) {
            List<String> values = query.get(name);
            if (values != null && values.size() > 1) {
                throw GatewayException.invalidArgument(name + " is given more than once", name);
            }
        }
        for (String name : integers) {
            List<String> values = query.get(name);
            if (values != null && values.stream().anyMatch(v -> v == null || v.isBlank())) {
                throw GatewayException.invalidArgument(name + " must be an integer", name);
            }
        }
    }

    // ---- The stream

    /** The vendor cycles a stream after this long, with a {@code disconnecting} frame first. */
    static final Duration CYCLE = Duration.ofMinutes(5);
    /** What {@code disconnecting} suggests a client waits before it reconnects. */
    static final long RETRY_MS = 1000;

    /** The frame of one event on the stream: none when Everruns does not show it or the client filtered it out. */
    static List<SseFrame> frame(Renderer renderer, Set<String> selected, Event event) {
        Optional<ObjectNode> rendered = renderer.render(event);
        if (rendered.isEmpty()) {
            return List.of();
        }
        ObjectNode e = rendered.get();
        String type = e.get("type").asText();
        if (!selected.contains(type)) {
            return List.of();
        }
        return List.of(SseFrame.of(e.get("id").asText(), type, e.toString()));
    }

    /**
     * {@code connected} first; {@code disconnecting} when the connection is cycled ({@code connection_cycle}) or the
     * gateway stops ({@code server_maintenance}); nothing when the client fell behind or left (it resumes with
     * {@code since_id}).
     */
    static StreamOptions streamOptions() {
        return StreamOptions.defaults()
                .opening(SseFrame.of(null, "connected", "{}"))
                .closing(end -> switch (end) {
                    case MAX_DURATION -> List.of(disconnecting("connection_cycle"));
                    case SHUTDOWN -> List.of(disconnecting("server_maintenance"));
                    default -> List.of();
                })
                .maxDuration(CYCLE);
    }

    static SseFrame disconnecting(String reason) {
        ObjectNode data = NODES.objectNode().put("reason", reason).put("retry_ms", RETRY_MS);
        return SseFrame.of(null, "disconnecting", data.toString());
    }

    // ---- Events

    /** What rendering an event may need to read from the session's log besides the event itself. */
    public interface Lookup {
        /** The event with this seq, if any. */
        Optional<Event> at(long seq);

        /** The turn's events of one type with a seq below {@code beforeSeq}, ascending. */
        List<Event> turnEvents(UUID turnId, EventType type, long beforeSeq);
    }

    /**
     * Renders canonical events as Everruns events, in seq order. Stateful (the accumulated text of a streamed
     * message, the names of tool calls, the last event seen): one renderer per list or stream, fed ascending.
     */
    public static final class Renderer {
        private final Lookup lookup;
        private final Map<String, StringBuilder> accumulated = new HashMap<>();
        private final Map<String, String> toolNames = new HashMap<>();
        /** Turns whose first event this renderer saw: nothing of theirs lies before, no need to read back. */
        private final Set<UUID> seenFromStart = new HashSet<>();

        private Event previous;

        public Renderer(Lookup lookup) {
            this.lookup = lookup;
        }

        /** The Everruns type this event shows as; empty when Everruns shows nothing for it. */
        public Optional<String> type(Event e) {
            Optional<String> type = classify(e);
            previous = e;
            return type;
        }

        private Optional<String> classify(Event e) {
            return switch (e.type()) {
                case MESSAGE_CREATED ->
                    switch (e.payload().path("message").path("role").asText()) {
                        case "user" -> Optional.of("input.message");
                        case "agent" -> Optional.of("output.message.completed");
                        default -> Optional.empty();
                    };
                case OUTPUT_TEXT_DELTA -> Optional.of("output.message.delta");
                case TOOL_CALL -> Optional.of("tool.started");
                case TOOL_RESULT -> Optional.of("tool.completed");
                case TURN_STARTED -> Optional.of("turn.started");
                case TURN_DONE -> Optional.of("turn.completed");
                case TURN_FAILED -> Optional.of("turn.failed");
                case TURN_CANCELLED -> Optional.of("turn.cancelled");
                case SESSION_STATUS_CHANGED -> statusType(e);
                default -> Optional.empty();
            };
        }

        /**
         * A status move shows when a turn caused it, i.e. the event before it (same transaction) is the turn's:
         * to running after {@code turn.queued}/{@code turn.started} is {@code session.activated}, to waiting after
         * the turn's end is {@code session.idled}. A lifecycle write's move shows nothing.
         */
        private Optional<String> statusType(Event e) {
            String to = e.payload().path("to").asText();
            Optional<Event> cause = cause(e);
            if (cause.isEmpty()) {
                return Optional.empty();
            }
            EventType c = cause.get().type();
            if (to.equals("running") && (c == EventType.TURN_QUEUED || c == EventType.TURN_STARTED)) {
                return Optional.of("session.activated");
            }
            if (to.equals("waiting")
                    && (c == EventType.TURN_DONE || c == EventType.TURN_FAILED || c == EventType.TURN_CANCELLED)) {
                return Optional.of("session.idled");
            }
            return Optional.empty();
        }

        private Optional<Event> cause(Event e) {
            Optional<Event> before =
                    previous != null && previous.seq() == e.seq() - 1 ? Optional.of(previous) : lookup.at(e.seq() - 1);
            return before.filter(b -> b.turnId() != null);
        }

        /** The event in Everruns' shape, when it shows; feed every event of the selection, in order. */
        public Optional<ObjectNode> render(Event e) {
            if (e.turnId() != null
                    && (e.type() == EventType.TURN_QUEUED
                            || (e.type() == EventType.MESSAGE_CREATED
                                    && e.payload()
                                            .path("message")
                                            .path("role")
                                            .asText()
                                            .equals("user")))) {
                seenFromStart.add(e.turnId());
            }
            Event before = previous;
            Optional<String> type = classify(e);
            if (type.isEmpty()) {
                previous = e;
                return Optional.empty();
            }
            ObjectNode o = NODES.objectNode();
            o.put("id", Ids.prefixed("event", e.id()));
            o.put("type", type.get());
            o.put("ts", ConversationJson.time(e.createdAt()));
            o.put("session_id", Ids.prefixed("session", e.sessionId()));
            o.put("sequence", e.seq());
            ObjectNode context = o.putObject("context");
            ObjectNode data = NODES.objectNode();
            JsonNode p = e.payload();
            String turn = e.turnId() == null ? null : Ids.prefixed("turn", e.turnId());
            switch (type.get()) {
                case "input.message" -> {
                    Message m = messageOf(p);
                    context.put("turn_id", turn);
                    context.put("input_message_id", Ids.prefixed("message", m.id()));
                    data.set("message", message(m));
                }
                case "output.message.completed" -> {
                    Message m = messageOf(p);
                    context.put("turn_id", turn);
                    accumulated.remove(m.id().toString());
                    data.set("message", message(m));
                }
                case "output.message.delta" -> {
                    context.put("turn_id", turn);
                    String messageId = p.path("message_id").asText();
                    String delta = p.path("delta").asText();
                    StringBuilder text = accumulated.computeIfAbsent(messageId, id -> earlierText(e, id));
                    text.append(delta);
                    data.put("turn_id", turn).put("delta", delta).put("accumulated", text.toString());
                }
                case "tool.started" -> {
                    context.put("turn_id", turn);
                    Part.ToolCall call = toolCall(messageOf(p));
                    toolNames.put(call.id(), call.name());
                    ObjectNode tc = data.putObject("tool_call");
                    tc.put("id", call.id()).put("name", call.name());
                    tc.set("arguments", arguments(call.arguments()));
                }
                case "tool.completed" -> {
                    context.put("turn_id", turn);
                    Part.ToolResult r = toolResult(messageOf(p));
                    data.put("tool_call_id", r.toolCallId());
                    data.put("tool_name", toolName(e, r.toolCallId()));
                    data.put("success", !r.isError());
                    data.put("status", r.isError() ? "error" : "success");
                    if (r.isError()) {
                        data.put("error", r.output());
                    } else {
                        data.putArray("result").addObject().put("type", "text").put("text", r.output());
                    }
                }
                case "turn.started" -> {
                    turnData(context, data, turn, p);
                    data.put("input_message_id", inputMessage(p.path("turn")));
                }
                case "turn.completed" -> {
                    turnData(context, data, turn, p);
                    data.put("iterations", 1);
                    duration(p.path("turn")).ifPresent(ms -> data.put("duration_ms", ms));
                }
                case "turn.failed" -> {
                    turnData(context, data, turn, p);
                    data.put("error", textOr(p.path("turn").path("error"), "turn failed"));
                }
                case "turn.cancelled" -> {
                    turnData(context, data, turn, p);
                    JsonNode reason = p.path("turn").path("cancel_reason");
                    if (reason.isTextual()) {
                        data.put("reason", reason.asText());
                    }
                }
                case "session.activated", "session.idled" -> {
                    Event cause = before != null && before.seq() == e.seq() - 1
                            ? before
                            : lookup.at(e.seq() - 1).orElseThrow();
                    String causeTurn = Ids.prefixed("turn", cause.turnId());
                    context.put("turn_id", causeTurn);
                    data.put("turn_id", causeTurn);
                    if (type.get().equals("session.activated")) {
                        String input = inputMessage(cause.payload().path("turn"));
                        context.put("input_message_id", input);
                        data.put("input_message_id", input);
                    }
                }
                default -> throw new IllegalStateException("no rendering for " + type.get());
            }
            o.set("data", data);
            previous = e;
            return Optional.of(o);
        }

        private void turnData(ObjectNode context, ObjectNode data, String turn, JsonNode p) {
            context.put("turn_id", turn);
            String input = inputMessage(p.path("turn"));
            if (input != null) {
                context.put("input_message_id", input);
            }
            data.put("turn_id", turn);
        }

        /** The text of the message's deltas before this one (a list or stream that starts mid-message). */
        private StringBuilder earlierText(Event e, String messageId) {
            StringBuilder b = new StringBuilder();
            if (seenFromStart.contains(e.turnId())) {
                return b;
            }
            for (Event d : lookup.turnEvents(e.turnId(), EventType.OUTPUT_TEXT_DELTA, e.seq())) {
                if (d.payload().path("message_id").asText().equals(messageId)) {
                    b.append(d.payload().path("delta").asText());
                }
            }
            return b;
        }

        private String toolName(Event e, String callId) {
            String name = toolNames.get(callId);
            if (name != null || seenFromStart.contains(e.turnId())) {
                return name == null ? "unknown" : name;
            }
            for (Event c : lookup.turnEvents(e.turnId(), EventType.TOOL_CALL, e.seq())) {
                Part.ToolCall call = toolCall(messageOf(c.payload()));
                if (call.id().equals(callId)) {
                    return call.name();
                }
            }
            return "unknown";
        }
    }

    private static Message messageOf(JsonNode payload) {
        JsonNode m = payload.path("message");
        return new Message(
                UUID.fromString(m.path("id").asText()),
                UUID.fromString(m.path("session_id").asText()),
                uuid(m.path("turn_id")),
                uuid(m.path("chat_id")),
                m.path("seq").asLong(),
                Role.fromDb(m.path("role").asText()),
                ConversationJson.parts(m.path("content")),
                m.path("object_id").asText(null),
                Instant.parse(m.path("created_at").asText()));
    }

    private static Part.ToolCall toolCall(Message m) {
        for (Part p : m.content()) {
            if (p instanceof Part.ToolCall c) {
                return c;
            }
        }
        return new Part.ToolCall("", "unknown", NODES.objectNode());
    }

    private static Part.ToolResult toolResult(Message m) {
        for (Part p : m.content()) {
            if (p instanceof Part.ToolResult r) {
                return r;
            }
        }
        return new Part.ToolResult("", "", true);
    }

    private static String inputMessage(JsonNode turn) {
        UUID id = uuid(turn.path("input_message_id"));
        return id == null ? null : Ids.prefixed("message", id);
    }

    private static Optional<Long> duration(JsonNode turn) {
        JsonNode started = turn.path("started_at");
        JsonNode finished = turn.path("finished_at");
        if (!started.isTextual() || !finished.isTextual()) {
            return Optional.empty();
        }
        long ms = Duration.between(Instant.parse(started.asText()), Instant.parse(finished.asText()))
                .toMillis();
        return Optional.of(Math.max(0, ms));
    }

    private static String textOr(JsonNode n, String fallback) {
        return n.isTextual() ? n.asText() : fallback;
    }

    private static UUID uuid(JsonNode n) {
        return n == null || !n.isTextual() ? null : UUID.fromString(n.asText());
    }
}
