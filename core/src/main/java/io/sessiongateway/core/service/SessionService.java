package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.ConversationStore;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Session use cases in canonical terms, independent of any dialect: creates and reads guarded by access rules named
 * by meaning ({@link AccessPolicy}). A dialect composes them with its own steps (provisioning, title rule) in its
 * adapter. Failures are {@link GatewayException}s whose kinds each dialect turns into its own status and envelope.
 */
public final class SessionService {
    private final SessionStore store;
    private final AccessPolicy policy;
    private final Clock clock;
    private final SessionLifecycle lifecycle;
    /** Null when the store keeps no conversations (the in-memory store). */
    private final ConversationService conversations;
    /** Tenant names by id: a team's tenant never changes, and membership checks need it on every request. */
    private final ConcurrentHashMap<UUID, String> tenantNames = new ConcurrentHashMap<>();

    public SessionService(SessionStore store, AccessPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.lifecycle = new SessionLifecycle(store, policy, clock);
        this.conversations =
                store instanceof ConversationStore c ? new ConversationService(store, c, lifecycle, clock) : null;
    }

    /**
     * The lifecycle after create (list, read, update, delete, cancel, pin, fork, stats) over the same store, rules
     * and clock: what every dialect that already holds this service reaches it through.
     */
    public SessionLifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Conversations (messages, turns, events) over the same store, lifecycle and clock: what every dialect that
     * already holds this service reaches them through. UNAVAILABLE when the store keeps no conversations.
     */
    public ConversationService conversations() {
        if (conversations == null) {
            throw new GatewayException(
                    ErrorKind.UNAVAILABLE, "conversations_unavailable", "this store keeps no conversations");
        }
        return conversations;
    }

    /** {@link #createForAgentName(Principal, String, String, NewSession, TitleRule)} without a title rule. */
    public Session createForAgentName(Principal principal, String tenantName, String agentName, NewSession request) {
        return createForAgentName(principal, tenantName, agentName, request, TitleRule.NONE);
    }

    /**
     * Creates a session for the named agent of the principal's tenant, owned by the principal.
     *
     * <p>Checks, in order: the principal acts in {@code tenantName} (else UNAUTHENTICATED); its subject type may
     * create sessions (UNSUPPORTED_SUBJECT_TYPE); the agent exists (NOT_FOUND); the principal may use it (FORBIDDEN);
     * the requested id, if any, is free (CONFLICT).
     */
    public Session createForAgentName(
            Principal principal, String tenantName, String agentName, NewSession request, TitleRule titles) {
        requireTenant(principal, tenantName);
        checkMayCreate(principal);
        Optional<Tenant> tenant = store.findTenant(tenantName);
        Agent agent = tenant.flatMap(t -> store.findAgentByName(t.id(), agentName))
                .orElseThrow(() -> new GatewayException(
                        ErrorKind.NOT_FOUND, "agent_not_found", "agent '" + agentName + "' not found", "agent_name"));
        requireAgentUse(
                principal,
                agent,
                () -> new GatewayException(
                        ErrorKind.FORBIDDEN,
                        "agent_forbidden",
                        "not authorized to create sessions for agent '" + agentName + "'",
                        "agent_name"));
        return insert(principal, agent, request, titles);
    }

    /**
     * Creates a session for the agent with this canonical id in the principal's tenant (NOT_FOUND otherwise,
     * including another tenant's agent and a restricted agent the principal may not use: the caller cannot tell
     * them from a missing one).
     */
    public Session createForAgentId(Principal principal, UUID agentId, NewSession request) {
        checkMayCreate(principal);
        Supplier<GatewayException> notFound = () -> new GatewayException(
                ErrorKind.NOT_FOUND,
                "agent_not_found",
                "agent '" + Ids.prefixed("agent", agentId) + "' not found",
                "agent_id");
        Agent agent = store.findAgentById(agentId)
                .filter(a -> a.tenantName().equals(principal.tenant()))
                .orElseThrow(notFound);
        requireAgentUse(principal, agent, notFound);
        return insert(principal, agent, request, TitleRule.NONE);
    }

    /**
     * Creates a session for an agent of a team, by a member of that team. FORBIDDEN unless the principal is a
     * member; then its subject type must create sessions (UNSUPPORTED_SUBJECT_TYPE); NOT_FOUND when the team has no
     * such agent; FORBIDDEN when the agent is restricted to others.
     */
    public Session createForTeamMember(
            Principal principal, String teamObjectId, String agentObjectId, NewSession request, TitleRule titles) {
        Team team = store.findTeamByObjectId(teamObjectId)
                .filter(t -> policy.isTeamMember(principal, tenantNameOf(t), teamObjectId))
                .orElseThrow(
                        () -> GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug"));
        checkMayCreate(principal);
        Agent agent = store.findAgentByObjectId(agentObjectId)
                .filter(a -> a.teamId().equals(team.id()))
                .orElseThrow(() -> new GatewayException(
                        ErrorKind.NOT_FOUND,
                        "app_not_found",
                        "app '" + agentObjectId + "' not found in this team",
                        "id"));
        requireAgentUse(
                principal,
                agent,
                () -> GatewayException.forbidden("agent_forbidden", "not authorized to create sessions for this app"));
        return insert(principal, agent, request, titles);
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
                .orElseThrow(
                        () -> GatewayException.notFound("session_not_found", "session '" + publicId + "' not found"));
        if (!policy.isOwnerOrManager(principal, session)) {
            throw GatewayException.forbidden(
                    "session_forbidden", "not authorized to access session '" + publicId + "'");
        }
        return session;
    }

    /** The session by canonical id, if the principal is a member of its tenant (NOT_FOUND otherwise). */
    public Session getForTenantMember(Principal principal, UUID id) {
        return store.findById(id)
                .filter(s -> policy.isTenantMember(principal, s))
                .orElseThrow(() -> GatewayException.notFound(
                        "session_not_found", "session '" + Ids.sessionPublicId(id) + "' not found"));
    }

    /**
     * The session by ObjectId, read under a team by its sharing rules. NOT_FOUND when the team holds no such session
     * (told to members of the team only; others get FORBIDDEN); FORBIDDEN when the sharing mode and the caller's
     * memberships do not allow it. Credentials are optional: public sessions are readable without any.
     */
    public Session getSharedInTeam(Optional<Principal> caller, String teamObjectId, String sessionObjectId) {
        Session session = store.findByObjectId(sessionObjectId)
                .filter(s -> s.scope().teamObjectId().equals(teamObjectId))
                .orElse(null);
        if (session == null) {
            // Members of the team learn that it does not exist; everyone else learns nothing.
            Optional<Team> team = store.findTeamByObjectId(teamObjectId);
            if (caller.isPresent()
                    && team.isPresent()
                    && policy.isTeamMember(caller.get(), tenantNameOf(team.get()), teamObjectId)) {
                throw GatewayException.notFound("session_not_found", "session not found");
            }
            throw GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug");
        }
        if (!policy.mayReadShared(caller, session)) {
            throw GatewayException.forbidden("session_forbidden", "invalid permissions on the resourceSlug");
        }
        return session;
    }

    /** The session by public id: NOT_FOUND when absent or in another tenant; FORBIDDEN unless the account owns it. */
    public Session getForAccountOwner(Principal principal, String publicId) {
        Session session = store.findByPublicId(publicId)
                .filter(s -> policy.isInTenant(principal, s.scope().tenantName()))
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session not found"));
        if (!policy.isAccountOwner(principal, session)) {
            throw GatewayException.forbidden(
                    "session_forbidden", "the authenticated account does not own this session");
        }
        return session;
    }

    /**
     * A session by any of its ids: public id, {@code session_<hex>} or ObjectId; within the tenant, or in any tenant
     * when {@code tenantName} is null.
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
    public List<Session> listInTenant(String tenantName, int limit) {
        return store.findTenant(tenantName)
                .map(t -> store.listSessions(t.id(), limit))
                .orElse(List.of());
    }

    /** Applies an operator's change to a session found by any id (within the tenant, or any when null). */
    public Session update(String tenantName, String anyId, SessionChange change) {
        Session session = findByAnyId(tenantName, anyId)
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session '" + anyId + "' not found"));
        if (change.isEmpty()) {
            return session;
        }
        return store.updateSession(session.id(), change, now())
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "session '" + anyId + "' not found"));
    }

    /**
     * The rule "only subjects of the configured types create sessions": UNSUPPORTED_SUBJECT_TYPE otherwise. Every
     * create checks it; a dialect that provisions before creating checks it first, so that a refused caller
     * provisions nothing.
     */
    public void checkMayCreate(Principal principal) {
        if (!policy.mayCreateSessions(principal)) {
            throw new GatewayException(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    "subject type '" + principal.subject().type() + "' may not create sessions; allowed: "
                            + String.join(
                                    ", ",
                                    policy.creatorTypes().stream().sorted().toList()));
        }
    }

    private String tenantNameOf(Team team) {
        return tenantNames.computeIfAbsent(
                team.tenantId(),
                id -> store.findTenantById(id).map(Tenant::name).orElse(""));
    }

    /**
     * The one check of "a restricted agent only by its managers" ({@link AccessPolicy#mayUseAgent}) for every
     * create, whichever dialect; the refusal is the dialect's wording of it.
     */
    private void requireAgentUse(Principal principal, Agent agent, Supplier<GatewayException> refusal) {
        if (!policy.mayUseAgent(principal, agent)) {
            throw refusal.get();
        }
    }

    private Session insert(Principal principal, Agent agent, NewSession request, TitleRule titles) {
        if (request.title() == null) {
            String title = titles.titleFor(
                    agent, candidate -> store.titleInUse(agent.tenantId(), principal.account(), candidate));
            if (title != null) {
                request = request.withTitle(title);
            }
        }
        UUID id = Ids.newId();
        String publicId = Ids.sessionPublicId(id);
        if (request.requestedId() != null) {
            publicId = request.requestedId();
            id = Ids.parsePrefixed("session", publicId).orElse(id);
        }
        return store.createSession(
                id, publicId, agent, principal.subject(), principal.account(), request, SessionStatus.CREATED, now());
    }

    private void requireTenant(Principal principal, String tenantName) {
        if (!policy.isInTenant(principal, tenantName)) {
            throw new GatewayException(
                    ErrorKind.UNAUTHENTICATED, "tenant_mismatch", "token is not valid for tenant '" + tenantName + "'");
        }
    }

    /** Millisecond precision: what every dialect renders and every database stores exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
