package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

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

    /**
     * Creates a session for the named agent of the principal's tenant, owned by the principal.
     *
     * <p>Checks, in order: the principal acts in {@code tenantName} (else UNAUTHENTICATED); its subject type may
     * create sessions (UNSUPPORTED_SUBJECT_TYPE); the agent exists (NOT_FOUND); the principal may use it (FORBIDDEN);
     * the requested id, if any, is free (CONFLICT).
     */
    public Session createForAgentName(Principal principal, String tenantName, String agentName, NewSession request) {
        requireTenant(principal, tenantName);
        requireCreator(principal);
        Optional<Tenant> tenant = store.findTenant(tenantName);
        Agent agent = tenant.flatMap(t -> store.findAgentByName(t.id(), agentName))
                .orElseThrow(() -> new GatewayException(ErrorKind.NOT_FOUND, "agent_not_found",
                        "agent '" + agentName + "' not found", "agent_name"));
        requireAgentUse(principal, agent, () -> new GatewayException(ErrorKind.FORBIDDEN, "agent_forbidden",
                "not authorized to create sessions for agent '" + agentName + "'", "agent_name"));
        return insert(principal, agent, request);
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

    /**
     * Everruns create: the agent with this canonical id in the principal's organisation (NOT_FOUND otherwise,
     * including another organisation's agent and a restricted agent the principal may not use).
     */
    public Session createForAgentId(Principal principal, UUID agentId, NewSession request) {
        requireCreator(principal);
        Supplier<GatewayException> notFound = () -> new GatewayException(ErrorKind.NOT_FOUND,
                "agent_not_found", "agent '" + Ids.prefixed("agent", agentId) + "' not found", "agent_id");
        Agent agent = store.findAgentById(agentId)
                .filter(a -> a.tenantName().equals(principal.tenant()))
                .orElseThrow(notFound);
        // Worded exactly as a missing agent: an Everruns caller cannot tell a restricted agent from none.
        requireAgentUse(principal, agent, notFound);
        return insert(principal, agent, request);
    }

    /**
     * Agentcloud create: an app (agent) of the team named by the resourceSlug. FORBIDDEN unless the principal is a
     * member of that team; NOT_FOUND when the team has no such app.
     */
    public Session createInTeam(Principal principal, String teamObjectId, String appObjectId, NewSession request) {
        Team team = store.findTeamByObjectId(teamObjectId)
                .filter(t -> policy.isTeamMember(principal, tenantNameOf(t), teamObjectId))
                .orElseThrow(() -> GatewayException.forbidden("team_forbidden",
                        "invalid permissions on the resourceSlug"));
        requireCreator(principal);
        Agent agent = store.findAgentByObjectId(appObjectId)
                .filter(a -> a.teamId().equals(team.id()))
                .orElseThrow(() -> new GatewayException(ErrorKind.NOT_FOUND, "app_not_found",
                        "app '" + appObjectId + "' not found in this team", "id"));
        requireAgentUse(principal, agent,
                () -> GatewayException.forbidden("agent_forbidden", "not authorized to create sessions for this app"));
        // Agentcloud names a new session after its app.
        return insert(principal, agent, request.title() == null ? request.withTitle(agent.name()) : request);
    }

    /**
     * Recoup create: a session of the principal's account, bound to the tenant's agent named {@code agentName}
     * (created on first use, since Recoup's sessions name no agent). A missing title becomes a city name the
     * account has not used yet, as the vendor does.
     */
    public Session createForAccount(Principal principal, String agentName, NewSession request) {
        if (principal.account() == null) {
            throw GatewayException.unauthenticated("credential carries no account");
        }
        requireCreator(principal);
        Tenant tenant = store.ensureTenant(principal.tenant());
        if (request.title() == null) {
            request = request.withTitle(SessionTitles.pick(t -> store.titleInUse(tenant.id(), principal.account(), t)));
        }
        Agent agent = store.findAgentByName(tenant.id(), agentName).orElseGet(() -> {
            try {
                return store.createAgent(tenant, new io.sessiongateway.core.model.NewAgent(agentName,
                        java.util.List.of(), false), now());
            } catch (GatewayException e) {
                if (e.kind() != ErrorKind.CONFLICT) {
                    throw e;
                }
                return store.findAgentByName(tenant.id(), agentName).orElseThrow(() -> e);
            }
        });
        // An operator may restrict the Recoup agent like any other: then only its managers create (Recoup's 403).
        requireAgentUse(principal, agent, () -> GatewayException.forbidden("agent_forbidden",
                "not authorized to create sessions for agent '" + agentName + "'"));
        return insert(principal, agent, request);
    }

    /** Everruns read: the session by canonical id, if it belongs to the principal's organisation. */
    public Session getInOrganisation(Principal principal, UUID id) {
        return store.findById(id)
                .filter(s -> policy.isInOrganisation(principal, s))
                .orElseThrow(() -> GatewayException.notFound("session_not_found",
                        "session '" + Ids.sessionPublicId(id) + "' not found"));
    }

    /**
     * Agentcloud read: the session by ObjectId under the team of the resourceSlug. NOT_FOUND when the team holds no
     * such session; FORBIDDEN when the sharing mode and the caller's memberships do not allow it. Credentials are
     * optional: public sessions are readable without any.
     */
    public Session getInTeam(Optional<Principal> caller, String teamObjectId, String sessionObjectId) {
        Session session = store.findByObjectId(sessionObjectId)
                .filter(s -> s.scope().teamObjectId().equals(teamObjectId))
                .orElse(null);
        if (session == null) {
            // Members of the team learn that it does not exist; everyone else learns nothing.
            Optional<Team> team = store.findTeamByObjectId(teamObjectId);
            if (caller.isPresent() && team.isPresent()
                    && policy.isTeamMember(caller.get(), tenantNameOf(team.get()), teamObjectId)) {
                throw GatewayException.notFound("session_not_found", "session not found");
            }
            throw GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug");
        }
        if (!policy.mayReadInTeam(caller, session)) {
            throw GatewayException.forbidden("session_forbidden", "invalid permissions on the resourceSlug");
        }
        return session;
    }

    /** Recoup read: NOT_FOUND when absent or in another tenant; FORBIDDEN when another account owns it. */
    public Session getForAccount(Principal principal, String publicId) {
        Session session = store.findByPublicId(publicId)
                .filter(s -> policy.isInTenant(principal, s.scope().tenantName()))
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session not found"));
        if (!policy.isAccountOwner(principal, session)) {
            throw GatewayException.forbidden("session_forbidden", "the authenticated account does not own this session");
        }
        return session;
    }

    /**
     * A session by any of its ids: public id, {@code session_<hex>} or Agentcloud ObjectId; within the tenant, or
     * in any tenant when {@code tenantName} is null.
     */
    public Optional<Session> findByAnyId(String tenantName, String id) {
        Optional<Session> found = store.findByPublicId(id);
        if (found.isEmpty()) {
            found = Ids.parsePrefixed("session", id).flatMap(store::findById);
        }
        if (found.isEmpty() && Ids.isObjectId(id)) {
            found = store.findByObjectId(id);
        }
        return found.filter(s -> tenantName == null || s.scope().tenantName().equals(tenantName));
    }

    /** The tenant's sessions, oldest first, at most {@code limit}; empty for a tenant that does not exist yet. */
    public java.util.List<Session> listInTenant(String tenantName, int limit) {
        return store.findTenant(tenantName).map(t -> store.listSessions(t.id(), limit)).orElse(java.util.List.of());
    }

    /** Applies an operator's change to a session found by any id (within the tenant, or any when null). */
    public Session update(String tenantName, String anyId, io.sessiongateway.core.model.SessionChange change) {
        Session session = findByAnyId(tenantName, anyId)
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session '" + anyId + "' not found"));
        if (change.isEmpty()) {
            return session;
        }
        return store.updateSession(session.id(), change, now())
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session '" + anyId + "' not found"));
    }

    private String tenantNameOf(Team team) {
        return tenantNames.computeIfAbsent(team.tenantId(), id -> store.findTenantById(id)
                .map(Tenant::name).orElse(""));
    }

    private final java.util.concurrent.ConcurrentHashMap<UUID, String> tenantNames =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The one check of "a restricted agent only by its managers" ({@link AccessPolicy#mayUseAgent}) for every
     * create, whichever dialect; the refusal is the dialect's wording of it.
     */
    private void requireAgentUse(Principal principal, Agent agent,
            Supplier<GatewayException> refusal) {
        if (!policy.mayUseAgent(principal, agent)) {
            throw refusal.get();
        }
    }

    private void requireCreator(Principal principal) {
        if (!policy.mayCreateSessions(principal)) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_SUBJECT_TYPE, "unsupported_subject_type",
                    "subject type '" + principal.subject().type() + "' may not create sessions; allowed: "
                            + String.join(", ", policy.creatorTypes().stream().sorted().toList()));
        }
    }

    private Session insert(Principal principal, Agent agent, NewSession request) {
        UUID id = Ids.newId();
        String publicId = Ids.sessionPublicId(id);
        if (request.requestedId() != null) {
            publicId = request.requestedId();
            id = Ids.parsePrefixed("session", publicId).orElse(id);
        }
        return store.createSession(id, publicId, agent, principal.subject(), principal.account(), request,
                SessionStatus.CREATED, now());
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
