package io.sessiongateway.adapters.recoup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One turn's events as the AI SDK UI message stream's chunks (specs/recoup/chat-stream.yaml): {@code start} (with
 * the agent message's id) and {@code start-step} before the first output; {@code text-start}, {@code text-delta}…,
 * {@code text-end} sharing the agent message's id; {@code tool-input-available} and {@code tool-output-available}
 * or {@code tool-output-error} for tool calls and results; then {@code finish-step} and {@code finish} when the turn
 * is done, {@code abort} when it was cancelled, {@code error} when it failed. The same events always give the same
 * chunks, so a resumed stream counts them ({@code startIndex}) and replays none twice. Not thread-safe: one per
 * stream.
 */
final class RecoupUiStream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UUID turnId;
    private boolean started;
    private String openText;
    private boolean ended;

    RecoupUiStream(UUID turnId) {
        this.turnId = turnId;
    }

    /** True once the turn's last chunk was produced: the stream then ends with {@code [DONE]}. */
    boolean ended() {
        return ended;
    }

    /** The chunks of one event of the log (none for another turn's events, or after the end). */
    List<ObjectNode> chunks(Event e) {
        List<ObjectNode> out = new ArrayList<>();
        if (ended || !turnId.equals(e.turnId())) {
            return out;
        }
        JsonNode p = e.payload();
        switch (e.type()) {
            case OUTPUT_TEXT_DELTA -> {
                String id = p.path("message_id").asText();
                start(out, id);
                if (openText == null) {
                    openText = id;
                    out.add(chunk("text-start").put("id", id));
                }
                out.add(chunk("text-delta")
                        .put("id", id)
                        .put("delta", p.path("delta").asText()));
            }
            case MESSAGE_CREATED -> {
                JsonNode m = p.path("message");
                if (!"agent".equals(m.path("role").asText())) {
                    break;
                }
                String id = m.path("id").asText();
                start(out, id);
                if (openText == null) {
                    String text = text(m);
                    if (!text.isEmpty()) {
                        out.add(chunk("text-start").put("id", id));
                        out.add(chunk("text-delta").put("id", id).put("delta", text));
                        out.add(chunk("text-end").put("id", id));
                    }
                } else {
                    out.add(chunk("text-end").put("id", openText));
                    openText = null;
                }
            }
            case TOOL_CALL -> {
                JsonNode m = p.path("message");
                start(out, m.path("id").asText());
                closeText(out);
                for (JsonNode part : m.path("content")) {
                    if ("tool_call".equals(part.path("type").asText())) {
                        ObjectNode c = chunk("tool-input-available")
                                .put("toolCallId", part.path("id").asText())
                                .put("toolName", part.path("name").asText());
                        c.set(
                                "input",
                                part.path("arguments").isObject() ? part.get("arguments") : JSON.createObjectNode());
                        out.add(c);
                    }
                }
            }
            case TOOL_RESULT -> {
                JsonNode m = p.path("message");
                start(out, m.path("id").asText());
                for (JsonNode part : m.path("content")) {
                    if ("tool_result".equals(part.path("type").asText())) {
                        String callId = part.path("tool_call_id").asText();
                        if (part.path("is_error").asBoolean()) {
                            out.add(chunk("tool-output-error")
                                    .put("toolCallId", callId)
                                    .put("errorText", part.path("output").asText()));
                        } else {
                            out.add(chunk("tool-output-available")
                                    .put("toolCallId", callId)
                                    .put("output", part.path("output").asText()));
                        }
                    }
                }
            }
            case TURN_DONE -> {
                start(out, null);
                closeText(out);
                out.add(chunk("finish-step"));
                out.add(chunk("finish").put("finishReason", "stop"));
                ended = true;
            }
            case TURN_CANCELLED -> {
                start(out, null);
                closeText(out);
                out.add(chunk("abort").put("reason", p.at("/turn/cancel_reason").asText("cancelled")));
                ended = true;
            }
            case TURN_FAILED -> {
                start(out, null);
                closeText(out);
                out.add(chunk("error").put("errorText", p.at("/turn/error").asText("the answer failed")));
                ended = true;
            }
            default -> {
                // queued, started, the user's message: nothing the UI stream shows
            }
        }
        return out;
    }

    private void start(List<ObjectNode> out, String messageId) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode start = chunk("start");
        if (messageId != null) {
            start.put("messageId", messageId);
        }
        out.add(start);
        out.add(chunk("start-step"));
    }

    private void closeText(List<ObjectNode> out) {
        if (openText != null) {
            out.add(chunk("text-end").put("id", openText));
            openText = null;
        }
    }

    private static String text(JsonNode message) {
        StringBuilder b = new StringBuilder();
        for (JsonNode part : message.path("content")) {
            if ("text".equals(part.path("type").asText())) {
                b.append(part.path("text").asText());
            }
        }
        return b.toString();
    }

    private static ObjectNode chunk(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}
