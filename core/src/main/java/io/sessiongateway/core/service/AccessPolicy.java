package io.sessiongateway.core.service;

import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import java.util.Locale;
import java.util.Set;

/**
 * Who may do what, in one place. Each dialect then decides which status a refusal becomes.
 *
 * <ul>
 *   <li>A principal acts only inside the tenant its token names.</li>
 *   <li>Only subjects of the configured types (default {@code user}, {@code serviceaccount},
 *       {@code virtualaccount}) may create sessions.</li>
 *   <li>Any subject of the tenant may create sessions with an agent, unless the agent is restricted: then only its
 *       managers may.</li>
 *   <li>TrueFoundry: a session is visible to its owner (same subject type and id) and to the managers of its
 *       agent.</li>
 *   <li>Everruns: a session is visible to every principal of its organisation (tenant).</li>
 *   <li>Agentcloud: a session is read under a team (resourceSlug). {@code public}: anyone, even without
 *       credentials; {@code team}: members of that team; {@code restricted}: its owner. In both, subjects, teams
 *       and the org listed in the session's permissions map may read too (presence is read access).</li>
 *   <li>Recoup: a session is visible to principals of its owning account.</li>
 * </ul>
 */
public final class AccessPolicy {

    private final Set<String> creatorTypes;

    public AccessPolicy(Set<String> creatorTypes) {
        this.creatorTypes = Set.copyOf(creatorTypes);
    }

    public Set<String> creatorTypes() {
        return creatorTypes;
    }

    public boolean isInTenant(Principal principal, String tenantName) {
        return principal.tenant() != null && principal.tenant().equals(tenantName);
    }

    public boolean mayCreateSessions(Principal principal) {
        return creatorTypes.contains(principal.subject().type().toLowerCase(Locale.ROOT));
    }

    public boolean mayUseAgent(Principal principal, Agent agent) {
        return !agent.restricted() || agent.isManagedBy(principal.subject().id());
    }

    public boolean isOwner(Principal principal, Session session) {
        return session.owner().id().equals(principal.subject().id())
                && session.owner().type().equals(principal.subject().type());
    }

    /** Everruns: any principal of the session's organisation. */
    public boolean isInOrganisation(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName());
    }

    /** Agentcloud: whether the principal belongs to the team (and so to its tenant). */
    public boolean isTeamMember(Principal principal, String tenantName, String teamObjectId) {
        return isInTenant(principal, tenantName) && principal.teams().contains(teamObjectId);
    }

    /**
     * Agentcloud: whether the session, already known to belong to the team of the resourceSlug, may be read by
     * this caller (absent for a request without credentials).
     */
    public boolean mayReadInTeam(java.util.Optional<Principal> caller, Session session) {
        if (session.sharing().mode() == io.sessiongateway.core.model.SharingMode.PUBLIC) {
            return true;
        }
        if (caller.isEmpty()) {
            return false;
        }
        Principal p = caller.get();
        if (!isInTenant(p, session.scope().tenantName())) {
            return false;
        }
        java.util.Map<String, String> grants = session.sharing().permissions();
        boolean granted = grants.containsKey(p.subject().id()) || grants.containsKey(session.scope().tenantObjectId())
                || p.teams().stream().anyMatch(grants::containsKey);
        return switch (session.sharing().mode()) {
            case PUBLIC -> true;
            case TEAM -> p.teams().contains(session.scope().teamObjectId()) || granted;
            case RESTRICTED -> isOwner(p, session) || granted;
        };
    }

    /** Recoup: a principal of the session's owning account. */
    public boolean isAccountOwner(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName()) && principal.account() != null
                && principal.account().equals(session.accountId());
    }

    public boolean isOwnerOrManager(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName())
                && (isOwner(principal, session) || session.agent().managers().contains(principal.subject().id()));
    }
}
