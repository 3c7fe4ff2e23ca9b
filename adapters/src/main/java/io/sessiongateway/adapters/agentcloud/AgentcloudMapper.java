package io.sessiongateway.adapters.agentcloud;

import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.generated.agentcloud.model.SharingConfig;
import io.sessiongateway.generated.agentcloud.model.SharingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pure translations between Agentcloud's shapes and the canonical model. */
public final class AgentcloudMapper {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private AgentcloudMapper() {
    }

    /**
     * The canonical session as Agentcloud's {@code Session}. Dates are MongoDB extended-JSON date objects
     * ({@code {"$date": "…"}}), since the document declares them {@code type: object}; optional fields that are
     * absent ({@code previewLabel}) are omitted.
     */
    public static io.sessiongateway.generated.agentcloud.model.Session toSession(Session s) {
        return new io.sessiongateway.generated.agentcloud.model.Session()
                .id(s.objectId())
                .orgId(s.scope().tenantObjectId())
                .teamId(s.scope().teamObjectId())
                .name(name(s))
                .startDate(date(s.times().createdAt()))
                .lastUpdatedDate(date(s.times().updatedAt()))
                .tokensUsed(tokens(s))
                .status(io.sessiongateway.generated.agentcloud.model.Session.StatusEnum.fromValue(
                        AgentcloudStatus.of(s.status(), s.warning())))
                .appId(s.agent().objectId())
                .previewLabel(s.preview())
                .sharingConfig(new SharingConfig()
                        .permissions(new LinkedHashMap<>(s.sharing().permissions()))
                        .mode(SharingMode.fromValue(s.sharing().mode().dbValue())));
    }

    /** Agentcloud names a session after its app; a title set elsewhere wins. */
    static String name(Session s) {
        return s.title() != null ? s.title() : s.agent().name();
    }

    static int tokens(Session s) {
        return s.usage() == null ? 0 : (int) Math.min(Integer.MAX_VALUE, s.usage().total());
    }

    static Map<String, Object> date(Instant instant) {
        return Map.of("$date", Timestamps.format(instant));
    }

    /** A 24-hex ObjectId path parameter, else 400. */
    static String objectId(String value, String param) {
        if (!Ids.isObjectId(value)) {
            throw GatewayException.invalidArgument(param + " must be an ObjectId: 24 lowercase hex digits", param);
        }
        return value;
    }

    /**
     * A token in the shape of the vendor's csurf tokens: 8 random alphanumerics, '-', and 27 base64url characters
     * of SHA-1 over the salt and the session. The gateway does not check it: API callers authenticate with
     * {@code Authorization}, for which the vendor skips CSRF checks.
     */
    static String csrf(String sessionObjectId) {
        char[] salt = new char[8];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = ALNUM[RANDOM.nextInt(ALNUM.length)];
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((new String(salt) + "-" + sessionObjectId).getBytes(StandardCharsets.UTF_8));
            return new String(salt) + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }
}
