package io.sessiongateway.core.model;

import java.util.Set;
import java.util.UUID;

/**
 * An authenticated caller, mapped from a token's claims: the subject, the one tenant the token is for, the teams
 * (Agentcloud team ObjectIds) it belongs to, its account (Recoup) and whether it holds the admin role.
 */
public record Principal(SubjectRef subject, String tenant, Set<String> teams, UUID account, boolean admin) {
    /** The tenant of operator tokens: with the admin role, admin of every tenant. */
    public static final String OPERATOR_TENANT = "*";

    public Principal {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }

    /** Whether the token names every tenant ({@link #OPERATOR_TENANT}); it is an operator with the admin role. */
    public boolean everyTenant() {
        return OPERATOR_TENANT.equals(tenant);
    }
}
