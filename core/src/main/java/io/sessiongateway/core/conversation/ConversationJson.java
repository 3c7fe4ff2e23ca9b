package io.sessiongateway.core.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The stored JSON of content parts and of the rows event payloads embed (docs/architecture.md). */
public final class ConversationJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ConversationJson() {}

    public static ArrayNode parts(List<Part> parts) {
        ArrayNode a = NODES.arrayNode();
        for (Part p : parts) {
            ObjectNode o = a.addObject();
            if (p instanceof Part.Text t) {
                o.put("type", "text").put("text", t.text());
            } else if (p instanceof Part.Image i) {
                o.put("type", "image").put("url", i.url()).put("media_type", i.mediaType());
            } else if (p instanceof Part.ToolCall c) {
                o.put("type", "tool_call").put("id", c.id()).put("name", c.name());
                o.set("arguments", c.arguments() == null ? NODES.objectNode() : c.arguments());
            } else if (p instanceof Part.ToolResult r) {
                o.put("type", "tool_result")
                        .put("tool_call_id", r.toolCallId())
                        .put("output", r.output())
                        .put("is_error", r.isError());
            }
        }
        return a;
    }

    public static List<Part> parts(JsonNode array) {
        List<Part> parts = new ArrayList<>();
        for (JsonNode o : array) {
            String type = o.path("type").asText();
            parts.add(
                    switch (type) {
                        case "text" -> new Part.Text(o.path("text").asText());
                        case "image" -> new Part.Image(text(o, "url"), text(o, "media_type"));
                        case "tool_call" -> new Part.ToolCall(text(o, "id"), text(o, "name"), o.path("arguments"));
                        case "tool_result" ->
                            new Part.ToolResult(
                                    text(o, "tool_call_id"),
                                    text(o, "output"),
                                    o.path("is_error").asBoolean());
                        default -> throw new IllegalArgumentException("unknown part type " + type);
                    });
        }
        return parts;
    }

    public static ObjectNode message(Message m) {
        ObjectNode o = NODES.objectNode();
        o.put("id", m.id().toString());
        o.put("session_id", m.sessionId().toString());
        o.put("turn_id", str(m.turnId()));
        o.put("chat_id", str(m.chatId()));
        o.put("seq", m.seq());
        o.put("role", m.role().dbValue());
        o.set("content", parts(m.content()));
        o.put("object_id", m.objectId());
        o.put("created_at", time(m.createdAt()));
        return o;
    }

    public static ObjectNode turn(Turn t) {
        ObjectNode o = NODES.objectNode();
        o.put("id", t.id().toString());
        o.put("session_id", t.sessionId().toString());
        o.put("number", t.number());
        o.put("chat_id", str(t.chatId()));
        o.put("previous_turn_id", str(t.previousTurnId()));
        o.put("status", t.status().dbValue());
        o.put(
                "cancel_reason",
                t.cancelReason() == null ? null : t.cancelReason().value());
        o.put("error", t.error());
        o.put("input_message_id", str(t.inputMessageId()));
        o.put("responder", t.responder());
        o.put("created_at", time(t.createdAt()));
        o.put("started_at", time(t.startedAt()));
        o.put("finished_at", time(t.finishedAt()));
        return o;
    }

    /** RFC 3339 UTC with three fraction digits, as every dialect renders date-times. */
    public static String time(Instant i) {
        return i == null
                ? null
                : RFC3339.format(i.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC));
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
