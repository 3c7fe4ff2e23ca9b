package io.sessiongateway.core.model;

import java.util.Set;
import java.util.UUID;

/**
 * An authenticated caller, mapped from a token's claims: the subject, the one tenant the token is for, the teams
 * (Agentcloud team ObjectIds) it belongs to, its account (Recoup), whether it holds the admin role, and whether it is
 * a worker (an agent runtime: the runtime API's caller, refused by every dialect and the admin API).
 */
public record Principal(
        SubjectRef subject, String tenant, Set<String> teams, UUID account, boolean admin, boolean worker) {
    /** The tenant of operator tokens: with the admin role, admin of every tenant. */
    public static final String OPERATOR_TENANT = "*";

    public Principal {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }

    /** A client (not a worker). */
    public Principal(SubjectRef subject, String tenant, Set<String> teams, UUID account, boolean admin) {
        this(subject, tenant, teams, account, admin, false);
    }

    /**
     * Whether the token names every tenant ({@link #OPERATOR_TENANT}); with the admin role it is an operator, with the
     * worker role a worker for every tenant.
     */
    public boolean everyTenant() {
        return OPERATOR_TENANT.equals(tenant);
    }
}
