package io.sessiongateway.core.error;

/**
 * What went wrong, in the core's terms. Each dialect decides the HTTP status and envelope for each kind:
 * a session that is not the caller's is a 403 for TrueFoundry and Recoup but a 404 for Everruns.
 */
public enum ErrorKind {
    /** A path or query parameter is malformed (e.g. an id of the wrong format). */
    INVALID_ARGUMENT,
    /** The request body is missing, not JSON, or violates the operation's schema. */
    INVALID_BODY,
    /** No usable credential: missing, malformed, badly signed, expired, or for another tenant. */
    UNAUTHENTICATED,
    /** The caller is authenticated but may not do this to this resource. */
    FORBIDDEN,
    /** The caller's subject type may not perform the operation at all. */
    UNSUPPORTED_SUBJECT_TYPE,
    /** The addressed resource does not exist (or does not exist for this caller). */
    NOT_FOUND,
    /** The resource to create already exists. */
    CONFLICT,
    /** No route under the dialect's mount matches the request path. */
    NO_ROUTE,
    /** The route exists but not for this HTTP method. */
    METHOD_NOT_ALLOWED,
    /** The client accepts no media type the operation produces. */
    NOT_ACCEPTABLE,
    /** The request body's media type is not one the operation consumes. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The request body exceeds the configured limit. */
    PAYLOAD_TOO_LARGE,
    /** A dependency (the database) is unreachable; the request may be retried. */
    UNAVAILABLE,
    /** A bug or an unexpected failure; the client sees only an opaque reference. */
    INTERNAL
}
