package io.sessiongateway.core.ids;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;

/**
 * Identifier generation and the lossless encodings the dialects use.
 *
 * <p>Every entity has one canonical UUIDv7. Everruns shows it as {@code <prefix>_<32 lowercase hex>}; the same
 * {@code session_<32 hex>} string is the session id of TrueFoundry and Recoup. Agentcloud's 24-hex ObjectId cannot
 * hold 128 bits, so it is a second stored key, generated here.
 */
public final class Ids {
    public static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    public static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");

    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    private Ids() {}

    /** A new time-ordered UUIDv7. */
    public static UUID newId() {
        return UUID_V7.generate();
    }

    /** A new 24-hex ObjectId as MongoDB (and so Agentcloud) makes them. */
    public static String newObjectId() {
        return new ObjectId().toHexString();
    }

    /** {@code prefix_<32 lowercase hex>} for a UUID, e.g. {@code session_0193…}. */
    public static String prefixed(String prefix, UUID id) {
        return prefix + "_" + hex(id);
    }

    /** The 32 lowercase hex digits of a UUID. */
    public static String hex(UUID id) {
        String s = id.toString();
        return (s.substring(0, 8) + s.substring(9, 13) + s.substring(14, 18) + s.substring(19, 23) + s.substring(24))
                .toLowerCase(Locale.ROOT);
    }

    /** Parses {@code prefix_<32 lowercase hex>}; empty when the string is not exactly that. */
    public static Optional<UUID> parsePrefixed(String prefix, String value) {
        if (value == null || value.length() != prefix.length() + 33 || !value.startsWith(prefix + "_")) {
            return Optional.empty();
        }
        String hex = value.substring(prefix.length() + 1);
        if (!HEX32.matcher(hex).matches()) {
            return Optional.empty();
        }
        byte[] b = HexFormat.of().parseHex(hex);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (b[i] & 0xff);
        }
        return Optional.of(new UUID(msb, lsb));
    }

    /** True for exactly 24 lowercase hex digits. */
    public static boolean isObjectId(String value) {
        return value != null && OBJECT_ID.matcher(value).matches();
    }

    /** The public session id the gateway issues: {@code session_<hex of the UUIDv7>}. */
    public static String sessionPublicId(UUID id) {
        return prefixed("session", id);
    }
}
