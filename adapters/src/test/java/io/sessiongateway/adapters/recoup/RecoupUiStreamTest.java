package io.sessiongateway.adapters.recoup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A turn's events as UI message stream chunks, and the frames a resumed stream skips. */
class RecoupUiStreamTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final UUID SESSION = UUID.randomUUID();
    static final UUID TURN = UUID.randomUUID();
    static final String MESSAGE = UUID.randomUUID().toString();

    static long seq;

    static Event event(EventType type, UUID turn, String payload) {
        try {
            return new Event(
                    SESSION, ++seq, UUID.randomUUID(), type, turn, null, JSON.readTree(payload), Instant.EPOCH);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Event> echo() {
        return List.of(
                event(
                        EventType.MESSAGE_CREATED,
                        TURN,
                        "{\"message\":{\"id\":\"u1\",\"role\":\"user\",\"content\":[]}}"),
                event(EventType.TURN_QUEUED, TURN, "{\"turn\":{}}"),
                event(EventType.TURN_STARTED, TURN, "{\"turn\":{}}"),
                event(EventType.OUTPUT_TEXT_DELTA, TURN, "{\"message_id\":\"" + MESSAGE + "\",\"delta\":\"hel\"}"),
                event(EventType.OUTPUT_TEXT_DELTA, UUID.randomUUID(), "{\"message_id\":\"x\",\"delta\":\"other\"}"),
                event(EventType.OUTPUT_TEXT_DELTA, TURN, "{\"message_id\":\"" + MESSAGE + "\",\"delta\":\"lo\"}"),
                event(
                        EventType.MESSAGE_CREATED,
                        TURN,
                        "{\"message\":{\"id\":\"" + MESSAGE
                                + "\",\"role\":\"agent\",\"content\":[{\"type\":\"text\",\"text\":\"hello\"}]}}"),
                event(EventType.TURN_DONE, TURN, "{\"turn\":{\"status\":\"done\"}}"));
    }

    static List<String> chunks(List<Event> events) {
        RecoupUiStream ui = new RecoupUiStream(TURN);
        List<String> out = new ArrayList<>();
        events.forEach(e -> ui.chunks(e).forEach(c -> out.add(c.toString())));
        return out;
    }

    @Test
    void anAnswerIsStartTextAndFinish() {
        String m = MESSAGE;
        assertEquals(
                List.of(
                        "{\"type\":\"start\",\"messageId\":\"" + m + "\"}",
                        "{\"type\":\"start-step\"}",
                        "{\"type\":\"text-start\",\"id\":\"" + m + "\"}",
                        "{\"type\":\"text-delta\",\"id\":\"" + m + "\",\"delta\":\"hel\"}",
                        "{\"type\":\"text-delta\",\"id\":\"" + m + "\",\"delta\":\"lo\"}",
                        "{\"type\":\"text-end\",\"id\":\"" + m + "\"}",
                        "{\"type\":\"finish-step\"}",
                        "{\"type\":\"finish\",\"finishReason\":\"stop\"}"),
                chunks(echo()));
    }

    @Test
    void aMessageWithoutDeltasIsStreamedWhole() {
        List<String> c = chunks(List.of(
                event(
                        EventType.MESSAGE_CREATED,
                        TURN,
                        "{\"message\":{\"id\":\"a1\",\"role\":\"agent\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}"),
                event(EventType.TURN_DONE, TURN, "{}")));
        assertEquals(
                List.of(
                        "{\"type\":\"start\",\"messageId\":\"a1\"}",
                        "{\"type\":\"start-step\"}",
                        "{\"type\":\"text-start\",\"id\":\"a1\"}",
                        "{\"type\":\"text-delta\",\"id\":\"a1\",\"delta\":\"hi\"}",
                        "{\"type\":\"text-end\",\"id\":\"a1\"}",
                        "{\"type\":\"finish-step\"}",
                        "{\"type\":\"finish\",\"finishReason\":\"stop\"}"),
                c);
    }

    @Test
    void cancelledAndFailedTurnsEndWithAbortAndError() {
        assertEquals(
                List.of(
                        "{\"type\":\"start\"}",
                        "{\"type\":\"start-step\"}",
                        "{\"type\":\"abort\",\"reason\":\"client-cancelled\"}"),
                chunks(List.of(
                        event(EventType.TURN_CANCELLED, TURN, "{\"turn\":{\"cancel_reason\":\"client-cancelled\"}}"))));
        assertEquals(
                List.of(
                        "{\"type\":\"start\"}",
                        "{\"type\":\"start-step\"}",
                        "{\"type\":\"error\",\"errorText\":\"boom\"}"),
                chunks(List.of(event(EventType.TURN_FAILED, TURN, "{\"turn\":{\"error\":\"boom\"}}"))));
    }

    @Test
    void toolCallsAndResultsAreToolChunks() {
        List<String> c = chunks(List.of(
                event(
                        EventType.TOOL_CALL,
                        TURN,
                        "{\"message\":{\"id\":\"t1\",\"role\":\"agent\",\"content\":[{\"type\":\"tool_call\",\"id\":\"c1\","
                                + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}]}}"),
                event(
                        EventType.TOOL_RESULT,
                        TURN,
                        "{\"message\":{\"id\":\"t2\",\"role\":\"tool\",\"content\":[{\"type\":\"tool_result\","
                                + "\"tool_call_id\":\"c1\",\"output\":\"sunny\",\"is_error\":false}]}}")));
        assertEquals(
                List.of(
                        "{\"type\":\"start\",\"messageId\":\"t1\"}",
                        "{\"type\":\"start-step\"}",
                        "{\"type\":\"tool-input-available\",\"toolCallId\":\"c1\",\"toolName\":\"get_weather\","
                                + "\"input\":{\"city\":\"Paris\"}}",
                        "{\"type\":\"tool-output-available\",\"toolCallId\":\"c1\",\"output\":\"sunny\"}"),
                c);
    }

    @Test
    void aResumedStreamSkipsWhatTheClientHasAndEndsWithDone() {
        String whole = EventStreams.render(RecoupStreams.mapper(new RecoupUiStream(TURN), 0), echo());
        String resumed = EventStreams.render(RecoupStreams.mapper(new RecoupUiStream(TURN), 5), echo());
        List<String> all = lines(whole);
        assertEquals(9, all.size());
        assertEquals("data: [DONE]", all.get(8));
        assertEquals(all.subList(5, 9), lines(resumed));
        assertTrue(whole.endsWith("data: [DONE]\n\n"));
    }

    static List<String> lines(String frames) {
        return List.of(frames.split("\n\n")).stream().map(String::strip).toList();
    }
}
