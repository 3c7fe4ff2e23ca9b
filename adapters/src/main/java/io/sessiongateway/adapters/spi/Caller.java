package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The credentials a request presented, verified on demand in the form the operation's dialect accepts: a Bearer
 * JWT (TrueFoundry, Agentcloud, admin), a JWT or an {@code evr_} key in {@code Authorization} (Everruns), exactly
 * one of {@code x-api-key} or a Bearer JWT (Recoup). The server's filter leaves one per request; verification
 * failures are UNAUTHENTICATED with a reason safe to show (never the credential itself).
 */
public final class Caller {
    /** Request property under which the authentication filter leaves the caller. */
    public static final String PROPERTY = "io.sessiongateway.caller";

    /** Checks credentials; implemented by the server over the JWT verifier and the API key service. */
    public interface Verifier {
        /** The principal of a JWT, or UNAUTHENTICATED. */
        Principal jwt(String token);

        /** The principal of an API key of the dialect's form, or UNAUTHENTICATED. */
        Principal apiKey(String dialect, String key);
    }

    private static final Caller ANONYMOUS = new Caller(List.of(), List.of(), null);

    private final List<String> authorization;
    private final List<String> xApiKey;
    private final Verifier verifier;

    private Caller(List<String> authorization, List<String> xApiKey, Verifier verifier) {
        this.authorization = authorization == null ? List.of() : List.copyOf(authorization);
        this.xApiKey = xApiKey == null ? List.of() : List.copyOf(xApiKey);
        this.verifier = verifier;
    }

    /** What a request presented in its {@code Authorization} and {@code x-api-key} headers. */
    public static Caller of(List<String> authorization, List<String> xApiKey, Verifier verifier) {
        return new Caller(authorization, xApiKey, verifier);
    }

    /** The caller of a request; anonymous when no filter ran. */
    public static Caller of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof Caller c ? c : ANONYMOUS;
    }

    /** A Bearer JWT is required (TrueFoundry, admin). */
    public Principal require() {
        return bearerJwt().orElseThrow(() -> GatewayException.unauthenticated("missing authentication token"));
    }

    /**
     * The principal of a Bearer JWT if one was presented. A presented but unacceptable credential still fails: a
     * bad token is never silently treated as no token.
     */
    public Optional<Principal> optional() {
        return bearerJwt();
    }

    private Optional<Principal> bearerJwt() {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String token = bearerToken(single(authorization, "Authorization"));
        return Optional.of(verifier.jwt(token));
    }

    /** Everruns: {@code Bearer <jwt>}, or an {@code evr_} key bare, after {@code ApiKey}, or after {@code Bearer}. */
    public Principal everruns() {
        if (authorization.isEmpty()) {
            throw GatewayException.unauthenticated("missing authentication token or API key");
        }
        String value = single(authorization, "Authorization").strip();
        if (value.startsWith("evr_")) {
            return verifier.apiKey("everruns", value);
        }
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : value.substring(space + 1).strip();
        if (scheme.equals("apikey")) {
            return verifier.apiKey("everruns", rest);
        }
        if (scheme.equals("bearer") && rest.startsWith("evr_")) {
            return verifier.apiKey("everruns", rest);
        }
        return verifier.jwt(bearerToken(value));
    }

    /** Recoup: exactly one of {@code x-api-key} or {@code Authorization: Bearer <jwt>}. */
    public Principal recoup() {
        boolean key = !xApiKey.isEmpty();
        boolean bearer = !authorization.isEmpty();
        if (key && bearer) {
            throw GatewayException.unauthenticated("send exactly one of x-api-key or Authorization, not both");
        }
        if (key) {
            return verifier.apiKey("recoup", single(xApiKey, "x-api-key").strip());
        }
        if (bearer) {
            return verifier.jwt(bearerToken(single(authorization, "Authorization")));
        }
        throw GatewayException.unauthenticated("missing x-api-key or Authorization: Bearer token");
    }

    private static String single(List<String> values, String header) {
        if (values.size() > 1) {
            throw GatewayException.unauthenticated("more than one " + header + " header");
        }
        return values.get(0);
    }

    private static String bearerToken(String header) {
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            throw GatewayException.unauthenticated("Authorization header must be 'Bearer <token>'");
        }
        String token = value.substring(space + 1).strip();
        if (token.startsWith("evr_") || token.startsWith("rcp_")) {
            throw GatewayException.unauthenticated("API keys are not accepted here; use a Bearer JWT");
        }
        return token;
    }
}
