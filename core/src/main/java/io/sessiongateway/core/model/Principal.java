package io.sessiongateway.core.model;

import java.util.Set;
import java.util.UUID;

/**
 * An authenticated caller, mapped from a token's claims: the subject, the one tenant the token is for, the teams
 * (Agentcloud team ObjectIds) it belongs to, its account (Recoup) and whether it holds the admin role.
 */
public record Principal(SubjectRef subject, String tenant, Set<String> teams, UUID account, boolean admin) {
    public Principal {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }
}
