package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One API dialect the gateway speaks: the generated interfaces it implements, where they sit, how its errors look,
 * and what it declares about itself (API key prefix, null policy of its models, status projection). The server
 * mounts every enabled dialect under its configured prefix and routes errors raised before any adapter
 * (authentication, unknown route, wrong method or media type) to the dialect that claims the path.
 */
public interface Dialect {

    /** Stable name used in configuration, logs and metrics, e.g. {@code truefoundry}. */
    String name();

    /**
     * The vendor API versions this dialect serves ({@code gateway.dialects.<name>.version}), the default first:
     * {@code seed}, the shapes of the documents in {@code specs/}, unless the dialect serves more.
     */
    default List<String> versions() {
        return List.of("seed");
    }

    /** The generated interfaces this dialect implements, each with its implementation and path prefix. */
    List<Binding> bindings();

    /**
     * Whether a request path (with the configured prefix already removed) falls under this dialect, so that an
     * error raised before any adapter is answered in this dialect's envelope.
     */
    boolean claims(String path);

    /** The HTTP status this dialect gives an error kind. */
    int status(ErrorKind kind);

    /** The error in this dialect's own envelope, with the status of {@link #status(ErrorKind)}. */
    Response render(GatewayException error, String reference);

    /**
     * The error for a request to {@code path} (as the client sent it, prefix included): for a dialect whose
     * documents give one kind of error a different status per operation (TrueFoundry: a bad body is 422 on create
     * and 400 on cancel). By default the path does not matter.
     */
    default Response render(GatewayException error, String reference, String path) {
        return render(error, reference);
    }

    /**
     * The prefix of this dialect's API keys, when it accepts them: keys of this dialect's form (named after it) are
     * created with it and recognised by it.
     */
    default Optional<String> apiKeyPrefix() {
        return Optional.empty();
    }

    /**
     * Whether a response model of this type leaves out properties that are null (the dialect's documents make
     * absent optional properties omitted) rather than writing them as {@code null}.
     */
    default boolean omitsNulls(Class<?> type) {
        return false;
    }

    /**
     * Types whose null values this dialect's models leave out even where they write other nulls: a property of such a
     * type is omitted when it has no value. For an enum whose document does not list {@code null} (so that a null is
     * invalid for the vendor's own clients) on a property that is not required, absence is the only valid way to say
     * "no value".
     */
    default Set<Class<?>> omitsNullsOfType() {
        return Set.of();
    }

    /**
     * Whether this dialect serves, with its configuration, the operation of its bindings at {@code path} (relative to
     * its prefix, as the generated interface writes it). An operation that configuration switches off answers as an
     * unknown path does, and the served API documents leave it out. By default every bound operation is served.
     */
    default boolean serves(String method, String path) {
        return true;
    }

    /** The session's status as this dialect's enum shows it, when the dialect shows one. */
    default Optional<String> sessionStatus(Session session) {
        return Optional.empty();
    }
}
