package io.sessiongateway.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceWorkerTest {
    @Test
    void splitsIntoAtMostNPiecesThatConcatenateToTheText() {
        assertEquals(List.of("he", "ll", "o"), ReferenceWorker.split("hello", 3));
        assertEquals(List.of("a"), ReferenceWorker.split("a", 3));
        assertEquals(List.of(), ReferenceWorker.split("", 3));
        assertEquals(List.of("😀", "é"), ReferenceWorker.split("😀é", 3));
    }

    @Test
    void parsesItsOptions() {
        ReferenceWorker.Settings s = ReferenceWorker.parse(
                new String[] {"--url", "http://h:1", "--responder", "ext", "--lease", "2", "--step-delay", "50"},
                "sgw_wk_x");
        assertEquals(
                new ReferenceWorker.Settings("http://h:1", "sgw_wk_x", "ext", null, 2, Duration.ofMillis(50), 3, 10),
                s);
        assertThrows(IllegalArgumentException.class, () -> ReferenceWorker.parse(new String[] {"--url", "u"}, null));
        assertThrows(IllegalArgumentException.class, () -> ReferenceWorker.parse(new String[] {"--bogus", "1"}, "k"));
    }

    @Test
    void aConflictMeansStop() {
        assertEquals(true, new RuntimeApiException(409, "lease_lost", "m").isStop());
        assertEquals(false, new RuntimeApiException(404, "turn_not_found", "m").isStop());
    }
}
