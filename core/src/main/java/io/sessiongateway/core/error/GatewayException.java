package io.sessiongateway.core.error;

/**
 * The one exception the core raises for a failure a client can be told about. It carries an {@link ErrorKind},
 * a message safe to show to the client, a stable machine-readable code and, where one field is to blame, that
 * field's name. It never carries secrets, tokens or internals.
 */
public class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String code;
    private final String param;

    public GatewayException(ErrorKind kind, String code, String message) {
        this(kind, code, message, null, null);
    }

    public GatewayException(ErrorKind kind, String code, String message, String param) {
        this(kind, code, message, param, null);
    }

    public GatewayException(ErrorKind kind, String code, String message, String param, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.code = code;
        this.param = param;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Stable snake_case code, e.g. {@code session_not_found}. */
    public String code() {
        return code;
    }

    /** The offending parameter or body field, or null. */
    public String param() {
        return param;
    }

    public static GatewayException notFound(String code, String message) {
        return new GatewayException(ErrorKind.NOT_FOUND, code, message);
    }

    public static GatewayException forbidden(String code, String message) {
        return new GatewayException(ErrorKind.FORBIDDEN, code, message);
    }

    public static GatewayException invalidBody(String message, String param) {
        return new GatewayException(ErrorKind.INVALID_BODY, "invalid_request_body", message, param);
    }

    public static GatewayException invalidArgument(String message, String param) {
        return new GatewayException(ErrorKind.INVALID_ARGUMENT, "invalid_argument", message, param);
    }

    public static GatewayException unauthenticated(String message) {
        return new GatewayException(ErrorKind.UNAUTHENTICATED, "unauthenticated", message);
    }
}
