package io.sessiongateway.core.service;

import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SharingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what, in one place, named by meaning. Each dialect picks the rules its documents describe and decides
 * which status a refusal becomes.
 *
 * <ul>
 *   <li>A principal acts only inside the tenant its token names.</li>
 *   <li>Only subjects of the configured types may create sessions.</li>
 *   <li>Any subject of the tenant may create sessions with an agent, unless the agent is restricted: then only its
 *       managers may.</li>
 *   <li><b>Owner or manager</b>: the session's owner (same subject type and id) and the managers of its agent.</li>
 *   <li><b>Tenant member</b>: every principal of the session's tenant.</li>
 *   <li><b>Team member</b>: a principal whose teams include the team. <b>Shared reading</b> of a session under its
 *       team follows the sharing mode: {@code public}: anyone, even without credentials; {@code team}: members of
 *       that team; {@code restricted}: its owner. In both, subjects, teams and the tenant listed in the session's
 *       permissions map may read too (presence is read access).</li>
 *   <li><b>Account owner</b>: a principal of the session's owning account.</li>
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

    /** Any principal of the session's tenant. */
    public boolean isTenantMember(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName());
    }

    /** Whether the principal belongs to the team (and so to its tenant). */
    public boolean isTeamMember(Principal principal, String tenantName, String teamObjectId) {
        return isInTenant(principal, tenantName) && principal.teams().contains(teamObjectId);
    }

    /**
     * Whether the session, already known to belong to the team it is read under, may be read by this caller
     * (absent for a request without credentials), by its sharing mode and permissions.
     */
    public boolean mayReadShared(Optional<Principal> caller, Session session) {
        if (session.sharing().mode() == SharingMode.PUBLIC) {
            return true;
        }
        if (caller.isEmpty()) {
            return false;
        }
        Principal p = caller.get();
        if (!isInTenant(p, session.scope().tenantName())) {
            return false;
        }
        Map<String, String> grants = session.sharing().permissions();
        boolean granted = grants.containsKey(p.subject().id())
                || grants.containsKey(session.scope().tenantObjectId())
                || p.teams().stream().anyMatch(grants::containsKey);
        return switch (session.sharing().mode()) {
            case PUBLIC -> true;
            case TEAM -> p.teams().contains(session.scope().teamObjectId()) || granted;
            case RESTRICTED -> isOwner(p, session) || granted;
        };
    }

    /** A principal of the session's owning account. */
    public boolean isAccountOwner(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName())
                && principal.account() != null
                && principal.account().equals(session.accountId());
    }

    /** The session's owner, or a manager of its agent, in the session's tenant. */
    public boolean isOwnerOrManager(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName())
                && (isOwner(principal, session)
                        || session.agent()
                                .managers()
                                .contains(principal.subject().id()));
    }
}
