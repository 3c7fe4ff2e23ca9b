package io.sessiongateway.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How stream bodies become the frames their documents describe (specs/README.md, "Streams"). */
class SseFramesTest {

    @Test
    void framesCarryTheirOwnFieldsAndJsonData() {
        String body = "event: connected\ndata: {}\n\n"
                + ": heartbeat\n\n"
                + "id: event_1\r\nevent: turn.started\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
                + "retry: 100\ndata:[DONE]\n\n"
                + "data: not json\n\n"
                + "id: 7\n\n"
                + "data: cut off";
        assertEquals(
                List.of(
                        "{\"event\":\"connected\",\"data\":{}}",
                        "{\"id\":\"event_1\",\"event\":\"turn.started\",\"data\":{\"a\":1}}",
                        "{\"retry\":100,\"data\":\"[DONE]\"}",
                        "{\"data\":\"not json\"}"),
                SseFrames.parse(body).stream().map(Object::toString).toList());
    }

    @Test
    void anEmptyBodyHasNoFrames() {
        assertEquals(List.of(), SseFrames.parse(""));
        assertEquals(List.of(), SseFrames.parse(null));
    }
}
