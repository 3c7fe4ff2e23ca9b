package io.sessiongateway.server.auth;

/** The claim names the gateway reads from tokens and writes into the tokens it mints. */
public final class Claims {
    public static final String SUBJECT = "sub";
    public static final String SUBJECT_TYPE = "sub_type";
    public static final String SUBJECT_SLUG = "sub_slug";
    public static final String TENANT = "tenant";
    public static final String TEAMS = "teams";
    public static final String ACCOUNT = "account";
    public static final String ROLES = "roles";
    public static final String ADMIN_ROLE = "admin";
    /** The role of agent runtimes: such a token is accepted by the runtime API alone. */
    public static final String WORKER_ROLE = "worker";

    public static final String DEFAULT_SUBJECT_TYPE = "user";

    private Claims() {}
}
