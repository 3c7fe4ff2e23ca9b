package io.sessiongateway.adapters.spi;

import java.util.regex.Pattern;

/**
 * One Server-Sent Events frame: the fields a dialect's stream document names, written by {@link #format()} as the
 * WHATWG standard reads them. {@code data} may span lines: each line becomes its own {@code data:} line and the
 * client joins them with a line feed. A frame without data sets only its other fields (a {@code retry:} alone, say);
 * clients dispatch no event for it.
 *
 * @param id the {@code id:} the client echoes as {@code Last-Event-ID} on reconnect; null: none
 * @param event the {@code event:} type; null: the client's default ({@code message})
 * @param data the payload, usually JSON; null: no {@code data:} line
 * @param retry the reconnection delay in milliseconds the client should use; null: none
 */
public record SseFrame(String id, String event, String data, Long retry) {
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    public SseFrame {
        if (id != null && (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("an SSE id has no line breaks or NUL");
        }
        if (event != null && (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("an SSE event type has no line breaks");
        }
        if (retry != null && retry < 0) {
            throw new IllegalArgumentException("retry is a number of milliseconds");
        }
    }

    /** A frame with an id, an event type and data. */
    public static SseFrame of(String id, String event, String data) {
        return new SseFrame(id, event, data, null);
    }

    /** A frame with data only (no id, the default event type): e.g. the AI SDK's UI message stream parts. */
    public static SseFrame data(String data) {
        return new SseFrame(null, null, data, null);
    }

    /** The frame as written on the wire, ending with its blank line. */
    public String format() {
        StringBuilder b = new StringBuilder(32 + (data == null ? 0 : data.length()));
        appendTo(b);
        return b.toString();
    }

    void appendTo(StringBuilder b) {
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (event != null) {
            b.append("event: ").append(event).append('\n');
        }
        if (retry != null) {
            b.append("retry: ").append(retry).append('\n');
        }
        if (data != null) {
            for (String line : LINE_BREAK.split(data, -1)) {
                b.append("data: ").append(line).append('\n');
            }
        }
        b.append('\n');
    }

    /** A comment line and its blank line ({@code : text}): what heartbeats are; clients ignore it. */
    public static String comment(String text) {
        if (LINE_BREAK.matcher(text).find()) {
            throw new IllegalArgumentException("a comment is one line");
        }
        return text.isEmpty() ? ":\n\n" : ": " + text + "\n\n";
    }
}
