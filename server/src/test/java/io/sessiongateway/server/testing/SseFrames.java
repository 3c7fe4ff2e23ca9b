package io.sessiongateway.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a {@code text/event-stream} body into frames the way specs/README.md ("Streams") describes them for
 * validation: one object per dispatched event, {@code {"id"?, "event"?, "retry"?, "data"}}, where {@code data} is the
 * event's data lines joined with a line feed and read as JSON when it is JSON (otherwise kept as a string, e.g. the
 * AI SDK's {@code [DONE]}). Field parsing follows the WHATWG Server-Sent Events rules: comment lines (heartbeats) are
 * skipped, one space after the colon is dropped, a blank line dispatches, an event without data lines is not
 * dispatched, and {@code id}/{@code event}/{@code retry} appear on a frame only when that event's lines set them.
 */
public final class SseFrames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SseFrames() {}

    /**
     * The frames of a stream body.
     *
     * @param body the whole response body; null or empty gives no frames
     * @return the frames in order
     */
    public static List<JsonNode> parse(String body) {
        List<JsonNode> frames = new ArrayList<>();
        if (body == null || body.isEmpty()) {
            return frames;
        }
        StringBuilder data = null;
        String id = null;
        String event = null;
        Long retry = null;
        for (String line : body.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    frames.add(frame(id, event, retry, data));
                }
                data = null;
                id = null;
                event = null;
                retry = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data = (data == null ? new StringBuilder() : data.append('\n')).append(value);
                case "id" -> id = value;
                case "event" -> event = value;
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                        retry = Long.parseLong(value);
                    }
                }
                default -> {
                    // unknown fields are ignored, as the standard says
                }
            }
        }
        // a final event without its blank line is not dispatched (the standard discards it)
        return frames;
    }

    private static JsonNode frame(String id, String event, Long retry, StringBuilder data) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        if (id != null) {
            frame.put("id", id);
        }
        if (event != null) {
            frame.put("event", event);
        }
        if (retry != null) {
            frame.put("retry", retry);
        }
        String text = data.toString();
        JsonNode parsed;
        try {
            parsed = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        frame.set("data", parsed == null || parsed.isMissingNode() ? JsonNodeFactory.instance.textNode(text) : parsed);
        return frame;
    }
}
