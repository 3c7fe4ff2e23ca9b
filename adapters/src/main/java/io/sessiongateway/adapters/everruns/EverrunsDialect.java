package io.sessiongateway.adapters.everruns;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.HttpStatuses;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.everruns.api.V1Api;
import io.sessiongateway.generated.everruns.api.V1CancelSessionApi;
import io.sessiongateway.generated.everruns.api.V1DeleteSessionApi;
import io.sessiongateway.generated.everruns.api.V1EventsApi;
import io.sessiongateway.generated.everruns.api.V1ForkSessionApi;
import io.sessiongateway.generated.everruns.api.V1ListSessionsApi;
import io.sessiongateway.generated.everruns.api.V1MessagesApi;
import io.sessiongateway.generated.everruns.api.V1PinSessionApi;
import io.sessiongateway.generated.everruns.api.V1SessionStatsApi;
import io.sessiongateway.generated.everruns.api.V1UpdateSessionApi;
import io.sessiongateway.generated.everruns.model.ErrorResponse;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * Everruns: {@code /v1/sessions…}, errors as {@code {"error":"<message>"}}; JWTs or {@code evr_} API keys
 * ({@link EverrunsCredentials}); absent optional properties omitted.
 */
public final class EverrunsDialect extends BaseDialect {
    public static final String NAME = "everruns";

    /** Also the vendor's API 0.2 Session ({@code harness_id}), as everruns-sdk 0.1.3 and later model it. */
    @Override
    public List<String> versions() {
        return List.of("seed", "0.2");
    }

    /** The seed's shape, cursors signed with a key of this instance only (tests, and reading declarations). */
    public EverrunsDialect(SessionService sessions) {
        this(sessions, new PageTokens(randomKey()), EverrunsMapper.Shape.SEED, null);
    }

    /**
     * @param tokens signs the keyset cursors of the list's {@code next_url} and {@code prev_url}
     * @param shape the version of the vendor's API the Session is rendered in (setting {@code version})
     * @param streams the instance's event streams ({@code GET /v1/sessions/{id}/sse}); null: that route answers 503
     */
    public EverrunsDialect(
            SessionService sessions, PageTokens tokens, EverrunsMapper.Shape shape, EventStreams streams) {
        super(
                NAME,
                "^/v1(/.*)?$",
                new EverrunsAdapter(sessions, tokens, shape, streams),
                "",
                V1Api.class,
                V1ListSessionsApi.class,
                V1UpdateSessionApi.class,
                V1DeleteSessionApi.class,
                V1CancelSessionApi.class,
                V1SessionStatsApi.class,
                V1PinSessionApi.class,
                V1ForkSessionApi.class,
                V1MessagesApi.class,
                V1EventsApi.class);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Override
    public Optional<String> apiKeyPrefix() {
        return Optional.of(EverrunsCredentials.KEY_PREFIX);
    }

    /** Everruns omits absent optional properties, in both versions' Session. */
    @Override
    public boolean omitsNulls(Class<?> type) {
        return type.getPackageName().equals(ErrorResponse.class.getPackageName())
                || type == EverrunsMapper.SessionV02.class;
    }

    @Override
    public Optional<String> sessionStatus(Session session) {
        return Optional.of(EverrunsStatus.of(session.status()));
    }

    /** Another organisation's session, or an agent the caller may not use, does not exist for the caller: 404. */
    @Override
    public int status(ErrorKind kind) {
        return switch (kind) {
            case FORBIDDEN -> 404;
            default -> HttpStatuses.common(kind);
        };
    }

    @Override
    public Response render(GatewayException error, String reference) {
        String message =
                error.kind() == ErrorKind.FORBIDDEN ? notFoundMessage(error) : messageWithReference(error, reference);
        return json(status(error.kind()), new ErrorResponse().error(message));
    }

    /** A refusal worded as absence, so that it tells nothing about other organisations. */
    private static String notFoundMessage(GatewayException error) {
        return "agent_forbidden".equals(error.code()) ? "agent not found" : "session not found";
    }
}
