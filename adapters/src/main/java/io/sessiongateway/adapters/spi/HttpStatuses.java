package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;

/**
 * The statuses every dialect shares: those for failures of HTTP itself, which no vendor document names. Each
 * dialect decides the semantic kinds (authentication, permission, absence, validation) and defers here for the rest.
 */
public final class HttpStatuses {
    private HttpStatuses() {}

    public static int common(ErrorKind kind) {
        return switch (kind) {
            case NO_ROUTE, NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAVAILABLE -> 503;
            case INVALID_ARGUMENT, INVALID_BODY, UNSUPPORTED_SUBJECT_TYPE -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case INTERNAL -> 500;
        };
    }
}
