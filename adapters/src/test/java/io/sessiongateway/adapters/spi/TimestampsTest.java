package io.sessiongateway.adapters.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsAsTheFormatterDoes() {
        assertNull(Timestamps.format(null));
        assertEquals("2026-12-05T16:07:45.123Z", Timestamps.format(Instant.parse("2026-12-05T16:07:45.123999999Z")));
        for (String edge : new String[] {
            "0000-01-01T00:00:00Z",
            "0999-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.001Z",
            "2000-02-29T12:00:00.010Z",
            "9999-12-31T23:59:59.999999999Z",
            "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59Z"
        }) {
            Instant i = Instant.parse(edge);
            assertEquals(REFERENCE.format(i), Timestamps.format(i), edge);
        }
        Random random = new Random(15);
        long span = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()
                - Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        for (int n = 0; n < 100_000; n++) {
            Instant i = Instant.ofEpochSecond(
                    Instant.parse("0000-01-01T00:00:00Z").getEpochSecond() + Math.floorMod(random.nextLong(), span),
                    random.nextInt(1_000_000_000));
            assertEquals(REFERENCE.format(i), Timestamps.format(i), i.toString());
        }
    }
}
