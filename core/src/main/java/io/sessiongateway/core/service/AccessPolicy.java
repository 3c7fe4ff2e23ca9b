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
 *   <li>A session is visible to its owner (same subject type and id) and to the managers of its agent.</li>
 * </ul>
 */
public final class AccessPolicy {
    public static final Set<String> DEFAULT_CREATOR_TYPES = Set.of("user", "serviceaccount", "virtualaccount");

    private final Set<String> creatorTypes;

    public AccessPolicy(Set<String> creatorTypes) {
        this.creatorTypes = Set.copyOf(creatorTypes);
    }

    public static AccessPolicy defaults() {
        return new AccessPolicy(DEFAULT_CREATOR_TYPES);
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

    public boolean isOwnerOrManager(Principal principal, Session session) {
        return isInTenant(principal, session.scope().tenantName())
                && (isOwner(principal, session) || session.agent().managers().contains(principal.subject().id()));
    }
}
