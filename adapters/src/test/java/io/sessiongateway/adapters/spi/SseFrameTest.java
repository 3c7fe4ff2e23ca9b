package io.sessiongateway.adapters.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SseFrameTest {

    @Test
    void aFrameWritesItsFieldsInOrderThenABlankLine() {
        assertEquals(
                "id: 7\nevent: turn.done\nretry: 3000\ndata: {\"a\":1}\n\n",
                new SseFrame("7", "turn.done", "{\"a\":1}", 3000L).format());
    }

    @Test
    void absentFieldsAreLeftOut() {
        assertEquals("data: [DONE]\n\n", SseFrame.data("[DONE]").format());
        assertEquals("retry: 2000\n\n", new SseFrame(null, null, null, 2000L).format());
        assertEquals(
                "event: connected\ndata: {}\n\n",
                SseFrame.of(null, "connected", "{}").format());
    }

    @Test
    void multiLineDataBecomesOneDataLinePerLine() {
        assertEquals(
                "data: one\ndata: two\ndata: \ndata: four\ndata: five\n\n",
                SseFrame.data("one\ntwo\r\n\rfour\nfive").format());
        assertEquals("data: \n\n", SseFrame.data("").format());
        assertEquals("data: a\ndata: \n\n", SseFrame.data("a\n").format());
    }

    @Test
    void idsAndTypesThatWouldBreakTheFrameAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SseFrame.of("1\n2", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> SseFrame.of("1\r", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> SseFrame.of("1\0", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> SseFrame.of(null, "a\nb", "x"));
        assertThrows(IllegalArgumentException.class, () -> new SseFrame(null, null, "x", -1L));
        assertThrows(IllegalArgumentException.class, () -> SseFrame.comment("a\nb"));
    }

    @Test
    void commentsAreHeartbeats() {
        assertEquals(": heartbeat\n\n", SseFrame.comment("heartbeat"));
        assertEquals(":\n\n", SseFrame.comment(""));
    }

    @Test
    void aMapperRendersEventsAsTheStreamWritesThem() {
        UUID session = UUID.randomUUID();
        List<Event> events =
                List.of(event(session, 1, EventType.MESSAGE_CREATED), event(session, 2, EventType.TURN_DONE));
        FrameMapper onlyTurns = FrameMapper.each(e -> e.type() == EventType.TURN_DONE
                ? SseFrame.of(
                        Long.toString(e.seq()), e.type().value(), e.payload().toString())
                : null);
        assertEquals("id: 2\nevent: turn.done\ndata: {\"n\":2}\n\n", EventStreams.render(onlyTurns, events));
        FrameMapper twoEach = e -> List.of(SseFrame.data("a" + e.seq()), SseFrame.data("b" + e.seq()));
        assertEquals("data: a1\n\ndata: b1\n\ndata: a2\n\ndata: b2\n\n", EventStreams.render(twoEach, events));
    }

    private static Event event(UUID session, long seq, EventType type) {
        return new Event(
                session,
                seq,
                UUID.randomUUID(),
                type,
                null,
                null,
                JsonNodeFactory.instance.objectNode().put("n", seq),
                Instant.parse("2026-12-05T08:00:00Z"));
    }
}
