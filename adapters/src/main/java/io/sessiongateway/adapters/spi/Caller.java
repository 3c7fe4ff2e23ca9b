package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials a request presented, verified on demand in the form the operation's dialect accepts. This class
 * knows the form every dialect shares (a Bearer JWT in {@code Authorization}); a dialect with other forms (API keys,
 * other headers) reads them with {@link #headers(String)} and verifies them with {@link #apiKey}. The server's
 * filter leaves one per request; verification failures are UNAUTHENTICATED with a reason safe to show (never the
 * credential itself).
 */
public final class Caller {
    /** Request property under which the authentication filter leaves the caller. */
    public static final String PROPERTY = "io.sessiongateway.caller";

    /** Checks credentials; implemented by the server over the JWT verifier and the API key service. */
    public interface Verifier {
        /** The principal of a JWT, or UNAUTHENTICATED. */
        Principal jwt(String token);

        /** The principal of an API key of a dialect's form, or UNAUTHENTICATED. */
        Principal apiKey(String form, String key);

        /** Whether a credential has the form of an API key of any dialect (so it is no JWT). */
        boolean isApiKey(String credential);

        /** Whether a credential has the form of a worker API key (the runtime API's own form). */
        default boolean isWorkerKey(String credential) {
            return false;
        }

        /** The principal of a worker API key, or UNAUTHENTICATED. */
        default Principal workerKey(String key) {
            throw GatewayException.unauthenticated("invalid API key");
        }
    }

    private static final Caller ANONYMOUS = new Caller(new MultivaluedHashMap<>(), null);

    private final MultivaluedMap<String, String> headers;
    private final Verifier verifier;
    /**
     * Principals already verified for this request, by credential: an adapter that checks credentials before the
     * body ({@link CredentialsFirst}) and again in its operation verifies them, and records an API key's use, once.
     */
    private final Map<String, Principal> verified = new HashMap<>();

    private Caller(MultivaluedMap<String, String> headers, Verifier verifier) {
        this.headers = headers;
        this.verifier = verifier;
    }

    /** What a request presented in its headers. */
    public static Caller of(MultivaluedMap<String, String> headers, Verifier verifier) {
        return new Caller(headers, verifier);
    }

    /** The caller of a request; anonymous when no filter ran. */
    public static Caller of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof Caller c ? c : ANONYMOUS;
    }

    /** The values of a request header, in order; empty when absent. */
    public List<String> headers(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    /** A Bearer JWT is required. */
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

    /**
     * The principal of an {@code Authorization} value that must be {@code Bearer <jwt>}. Worker credentials (a JWT
     * with the worker role, or a worker API key) are refused: they are for the runtime API alone.
     */
    public Principal bearer(String authorization) {
        return notWorker(anyBearer(authorization));
    }

    /**
     * The principal of an API key of this form (a dialect's name). A worker API key presented where a dialect's key
     * is expected is refused.
     */
    public Principal apiKey(String form, String key) {
        if (key != null && verifier.isWorkerKey(key)) {
            return notWorker(workerKey(key));
        }
        String memo = "key " + form + " " + key;
        Principal p = verified.get(memo);
        if (p == null) {
            p = verifier.apiKey(form, key);
            verified.put(memo, p);
        }
        return p;
    }

    /**
     * The runtime API's caller: {@code Authorization: Bearer} with a worker JWT or a worker API key; UNAUTHENTICATED
     * without a valid one, FORBIDDEN (code {@code worker_required}) for any other valid credential.
     */
    public Principal worker() {
        List<String> authorization = headers(HttpHeaders.AUTHORIZATION);
        if (authorization.isEmpty()) {
            throw GatewayException.unauthenticated("missing authentication token");
        }
        Principal p = anyBearer(single(authorization, HttpHeaders.AUTHORIZATION));
        if (!p.worker()) {
            throw GatewayException.forbidden("worker_required", "worker credentials are required");
        }
        return p;
    }

    private Principal anyBearer(String authorization) {
        String token = bearerToken(authorization);
        if (verifier.isWorkerKey(token)) {
            return workerKey(token);
        }
        Principal p = verified.get("jwt " + token);
        if (p == null) {
            p = verifier.jwt(token);
            verified.put("jwt " + token, p);
        }
        return p;
    }

    private Principal workerKey(String key) {
        String memo = "worker-key " + key;
        Principal p = verified.get(memo);
        if (p == null) {
            p = verifier.workerKey(key);
            verified.put(memo, p);
        }
        return p;
    }

    /**
     * Refuses a worker's credential as UNAUTHENTICATED (code {@code worker_credentials}): a credential that is not
     * valid here, like a token for another audience. Not FORBIDDEN, since the vendors' documents do not declare 403
     * on every operation (Recoup's list declares 400 and 401 only; Everruns shows a forbidden session as 404), and
     * every dialect renders a refused credential in a status its documents declare.
     */
    private static Principal notWorker(Principal p) {
        if (p.worker()) {
            throw new GatewayException(
                    ErrorKind.UNAUTHENTICATED,
                    "worker_credentials",
                    "worker credentials are accepted by the runtime API only");
        }
        return p;
    }

    private Optional<Principal> bearerJwt() {
        List<String> authorization = headers(HttpHeaders.AUTHORIZATION);
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(bearer(single(authorization, HttpHeaders.AUTHORIZATION)));
    }

    /** The one value of a header sent once; UNAUTHENTICATED when it was sent more than once. */
    public static String single(List<String> values, String header) {
        if (values.size() > 1) {
            throw GatewayException.unauthenticated("more than one " + header + " header");
        }
        return values.get(0);
    }

    private String bearerToken(String header) {
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            throw GatewayException.unauthenticated("Authorization header must be 'Bearer <token>'");
        }
        String token = value.substring(space + 1).strip();
        if (verifier.isApiKey(token) && !verifier.isWorkerKey(token)) {
            throw GatewayException.unauthenticated("API keys are not accepted here; use a Bearer JWT");
        }
        return token;
    }
}
