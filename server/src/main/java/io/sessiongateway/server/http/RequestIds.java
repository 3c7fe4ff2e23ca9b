package io.sessiongateway.server.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The request id: taken from a well-formed incoming {@code X-Request-Id} (so a caller's or a proxy's id follows the
 * request through our logs), else generated; echoed in the response and kept in the SLF4J MDC while the request runs.
 */
public final class RequestIds {
    /** Request and response header. */
    public static final String HEADER = "X-Request-Id";
    /** MDC key, and the field name in JSON log lines. */
    public static final String MDC_KEY = "request_id";
    /** Longest incoming id accepted; longer ones are replaced, not truncated (a truncated id matches nothing). */
    public static final int MAX_LENGTH = 128;

    /** Letters, digits and the punctuation of UUIDs, ULIDs, trace ids and base64; nothing that breaks a log line. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:=+/~-]{1," + MAX_LENGTH + "}");

    private RequestIds() {}

    /** The incoming id when it is well-formed, else a new one. */
    public static String acceptOrGenerate(String incoming) {
        return incoming != null && WELL_FORMED.matcher(incoming).matches() ? incoming : generate();
    }

    /**
     * A new id: a random (version 4) UUID, 36 characters. From {@link ThreadLocalRandom}, not
     * {@link UUID#randomUUID()}: that one draws from the JVM-wide SecureRandom, whose lock the request threads queued
     * on (JFR: 22 of the 43 monitor waits over 10 ms outside Grizzly's selectors in a GET profile). A request id
     * names a request in logs; it is not a secret and needs no unpredictability.
     */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // IETF variant
        return new UUID(msb, lsb).toString();
    }

    /** The id of the request this thread is serving, or null outside a request. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
