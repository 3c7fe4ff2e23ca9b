package io.sessiongateway.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page tokens (docs/lifecycle.md section 5): {@code base64url(json) "." base64url(HMAC-SHA256)} of
 * {@code {"v":1,"k":[created_at, id, object_id],"d":"next"|"prev","q":<fingerprint>}} (the keys the position has).
 * A forged or edited token, or one reused with other query parameters (another fingerprint), is refused.
 */
public final class PageTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** SHA-256 per thread: looking the algorithm up per list page was a measurable share of it (issue #15). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    });

    private final SecretKeySpec key;
    /** The keyed MAC per thread, initialised once (a MAC is not thread-safe; doFinal resets it for the next use). */
    private final ThreadLocal<Mac> macs;

    /** @param secret the server's secret; any length, at least 16 bytes advised */
    public PageTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    /** A position and a direction, as a token carries them. */
    public record Cursor(Position position, Direction direction) {}

    /**
     * A short digest of the query parameters other than the token itself (order matters; nulls allowed), bound into
     * the token so that it cannot be replayed with other parameters.
     */
    public static String fingerprint(Object... parameters) {
        StringBuilder all = new StringBuilder();
        for (Object p : parameters) {
            all.append(p == null ? "\u0000" : p.toString()).append('\u0001');
        }
        // digest() resets the digest for the next use
        byte[] digest = SHA256.get().digest(all.toString().getBytes(StandardCharsets.UTF_8));
        return ENCODER.encodeToString(Arrays.copyOf(digest, 12));
    }

    /** The token of a position, for the query whose {@link #fingerprint} is given. */
    public String encode(Position position, Direction direction, String fingerprint) {
        ObjectNode body = JSON.createObjectNode();
        body.put("v", 1);
        var k = body.putArray("k");
        if (position.createdAt() != null) {
            k.add(position.createdAt().toString()).add(position.id().toString());
        }
        if (position.objectId() != null) {
            k.add(position.objectId());
        }
        body.put("d", direction == Direction.NEXT ? "next" : "prev");
        body.put("q", fingerprint);
        byte[] payload = body.toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /**
     * The cursor in a token.
     *
     * @param param the parameter name to blame in the refusal (e.g. {@code page_token})
     * @throws GatewayException INVALID_ARGUMENT ({@code invalid_page_token}) for a token that is malformed, not
     *     signed by this server, or issued for other query parameters
     */
    public Cursor decode(String token, String fingerprint, String param) {
        try {
            int dot = token.indexOf('.');
            if (dot < 0) {
                throw invalid(param);
            }
            byte[] payload = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(payload))) {
                throw invalid(param);
            }
            JsonNode body = JSON.readTree(payload);
            if (body.path("v").asInt() != 1
                    || !fingerprint.equals(body.path("q").asText())) {
                throw invalid(param);
            }
            JsonNode k = body.path("k");
            Position position = switch (k.size()) {
                case 1 -> Position.ofObjectId(k.get(0).asText());
                case 2, 3 ->
                    new Position(
                            Instant.parse(k.get(0).asText()),
                            UUID.fromString(k.get(1).asText()),
                            k.size() == 3 ? k.get(2).asText() : null);
                default -> throw invalid(param);
            };
            Direction direction = switch (body.path("d").asText()) {
                case "next" -> Direction.NEXT;
                case "prev" -> Direction.PREVIOUS;
                default -> throw invalid(param);
            };
            return new Cursor(position, direction);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw invalid(param);
        }
    }

    private byte[] mac(byte[] payload) {
        return macs.get().doFinal(payload);
    }

    private static GatewayException invalid(String param) {
        return new GatewayException(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_page_token",
                "the page token is invalid or was issued for other parameters",
                param);
    }
}
