package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Session use cases, independent of any dialect. Failures are {@link GatewayException}s whose kinds each dialect
 * turns into its own status and envelope.
 */
public final class SessionService {
    private final SessionStore store;
    private final AccessPolicy policy;
    private final Clock clock;

    public SessionService(SessionStore store, AccessPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    public AccessPolicy policy() {
        return policy;
    }

    /**
     * Creates a session for the named agent of the principal's tenant, owned by the principal.
     *
     * <p>Checks, in order: the principal acts in {@code tenantName} (else UNAUTHENTICATED); its subject type may
     * create sessions (UNSUPPORTED_SUBJECT_TYPE); the agent exists (NOT_FOUND); the principal may use it (FORBIDDEN);
     * the requested id, if any, is free (CONFLICT).
     */
    public Session createForAgentName(Principal principal, String tenantName, String agentName, NewSession request) {
        requireTenant(principal, tenantName);
        if (!policy.mayCreateSessions(principal)) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_SUBJECT_TYPE, "unsupported_subject_type",
                    "subject type '" + principal.subject().type() + "' may not create sessions; allowed: "
                            + String.join(", ", policy.creatorTypes().stream().sorted().toList()));
        }
        Optional<Tenant> tenant = store.findTenant(tenantName);
        Agent agent = tenant.flatMap(t -> store.findAgentByName(t.id(), agentName))
                .orElseThrow(() -> new GatewayException(ErrorKind.NOT_FOUND, "agent_not_found",
                        "agent '" + agentName + "' not found", "agent_name"));
        if (!policy.mayUseAgent(principal, agent)) {
            throw new GatewayException(ErrorKind.FORBIDDEN, "agent_forbidden",
                    "not authorized to create sessions for agent '" + agentName + "'", "agent_name");
        }
        UUID id = Ids.newId();
        String publicId = Ids.sessionPublicId(id);
        if (request.requestedId() != null) {
            publicId = request.requestedId();
            // A chosen id of the gateway's own form names the canonical id too, so Everruns shows the same string.
            id = Ids.parsePrefixed("session", publicId).orElse(id);
        }
        return store.createSession(id, publicId, agent, principal.subject(), principal.account(), request,
                SessionStatus.CREATED, now());
    }

    /**
     * The session with this public id, if the principal may read it: it acts in {@code tenantName}
     * (else UNAUTHENTICATED), the session is in that tenant (else NOT_FOUND) and the principal owns it or manages
     * its agent (else FORBIDDEN).
     */
    public Session getForOwnerOrManager(Principal principal, String tenantName, String publicId) {
        requireTenant(principal, tenantName);
        Session session = store.findByPublicId(publicId)
                .filter(s -> s.scope().tenantName().equals(tenantName))
                .orElseThrow(() -> GatewayException.notFound("session_not_found",
                        "session '" + publicId + "' not found"));
        if (!policy.isOwnerOrManager(principal, session)) {
            throw GatewayException.forbidden("session_forbidden",
                    "not authorized to access session '" + publicId + "'");
        }
        return session;
    }

    private void requireTenant(Principal principal, String tenantName) {
        if (!policy.isInTenant(principal, tenantName)) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED, "tenant_mismatch",
                    "token is not valid for tenant '" + tenantName + "'");
        }
    }

    /** Millisecond precision: what every dialect renders and every database stores exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
