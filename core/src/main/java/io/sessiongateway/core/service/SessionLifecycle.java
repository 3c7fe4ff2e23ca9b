package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionSelection;
import io.sessiongateway.core.store.SessionSelection.Visibility;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The session lifecycle after create, in canonical terms (docs/lifecycle.md): list, read, update, delete, cancel,
 * pin, fork and stats. Every operation takes the caller's {@link AccessRule}: a caller may write only a session it
 * may read, and a list shows exactly what get shows. A deleted session is, to every operation, one that never
 * existed. Failures are {@link GatewayException}s; each method names the {@link ErrorKind}s it raises.
 *
 * <p>Resolving a {@link SessionKey} (every operation on one session) raises: UNAUTHENTICATED when the caller does not
 * act in the key's tenant (rule {@link AccessRule#OPERATOR} aside); NOT_FOUND ({@code session_not_found}) when the
 * scope holds no such live session, or (rule {@link AccessRule#TENANT_MEMBER}) it is another tenant's; for an
 * ObjectId key, FORBIDDEN ({@code team_forbidden}) instead when the caller is not a member of the key's team;
 * FORBIDDEN ({@code session_forbidden}) when the rule refuses the caller (for writes under
 * {@link AccessRule#SHARED_IN_TEAM}, also when it is not a member of the session's team).
 */
public final class SessionLifecycle {

    /** Which statuses a cancel stops (docs/lifecycle.md section 3). */
    public enum Cancellable {
        /** Only a running turn: {@code running}. */
        RUNNING,
        /** Anything not finished: {@code created}, {@code running}, {@code waiting}. */
        UNFINISHED;

        Set<SessionStatus> statuses() {
            return this == RUNNING
                    ? Set.of(SessionStatus.RUNNING)
                    : Set.of(SessionStatus.CREATED, SessionStatus.RUNNING, SessionStatus.WAITING);
        }
    }

    private final SessionStore store;
    private final AccessPolicy policy;
    private final Clock clock;

    public SessionLifecycle(SessionStore store, AccessPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * One page of the sessions the caller may read in the query's scope, filtered and ordered as asked, in one
     * store statement (plus one for a total when no counter answers it).
     *
     * <p>Raises: INVALID_ARGUMENT for a limit outside 1..{@link SessionQuery#MAX_LIMIT} ({@code limit}), a negative
     * offset or one with a position ({@code offset}), a window whose start is after its end ({@code created_from}),
     * a position that does not fit the order ({@code position}); UNAUTHENTICATED when the caller does not act in the
     * query's tenant; FORBIDDEN ({@code team_forbidden}) for a team list by a non-member, ({@code agent_forbidden})
     * for rule {@link AccessRule#OWNER_MANAGER_OR_ADMIN} on a restricted agent the caller does not manage, and
     * ({@code operator_only}) for rule {@link AccessRule#OPERATOR} without the admin role; NOT_FOUND
     * ({@code agent_not_found}, param {@code agent_name}) for an agent name the tenant does not have (also when the
     * tenant does not exist yet). An agent id the tenant does not have, a tenant that does not exist yet (no agent
     * name asked for) and an account-less caller under
     * {@link AccessRule#ACCOUNT_OWNER} all give an empty page.
     */
    public SessionPage list(Principal caller, SessionQuery query) {
        validate(query);
        Optional<Scope> scope = scope(caller, query);
        if (scope.isEmpty()) {
            return new SessionPage(
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    query.withTotal() ? OptionalLong.of(0) : OptionalLong.empty());
        }
        SessionSelection base = scope.get().selection;
        boolean previous = query.position() != null && query.direction() == Direction.PREVIOUS;
        SessionSelection fetch = new SessionSelection(
                base.tenantId(),
                base.teamId(),
                base.agentIds(),
                base.accountId(),
                base.owner(),
                base.visibility(),
                base.statuses(),
                base.titleContains(),
                base.createdFrom(),
                base.createdTo(),
                previous ? query.order().reversed() : query.order(),
                query.position(),
                query.offset(),
                query.limit() + 1,
                // the pin is a correlated subquery per row: only when the dialect shows it
                query.withPins() ? caller.subject() : null);
        List<Session> rows = new ArrayList<>(store.findSessions(fetch));
        boolean more = rows.size() > query.limit();
        if (more) {
            rows.remove(rows.size() - 1);
        }
        Optional<Position> next;
        Optional<Position> prev;
        if (previous) {
            Collections.reverse(rows);
            prev = more && !rows.isEmpty() ? Optional.of(Position.of(rows.get(0))) : Optional.empty();
            next = rows.isEmpty() ? Optional.of(query.position()) : Optional.of(Position.of(rows.get(rows.size() - 1)));
        } else {
            next = more ? Optional.of(Position.of(rows.get(rows.size() - 1))) : Optional.empty();
            boolean notFirst = query.position() != null || query.offset() > 0;
            prev = !notFirst
                    ? Optional.empty()
                    : rows.isEmpty() ? Optional.ofNullable(query.position()) : Optional.of(Position.of(rows.get(0)));
        }
        OptionalLong total = query.withTotal() ? OptionalLong.of(total(base)) : OptionalLong.empty();
        // The selection already is the rule; checking each row again costs nothing and makes "a list never shows
        // what get would refuse" hold by construction. Positions come from the rows fetched, so paging goes on.
        List<Session> visible = rows.stream()
                .filter(s -> permits(caller, query.rule(), s, false))
                .toList();
        return new SessionPage(visible, next, prev, total);
    }

    /**
     * The live sessions per canonical status in the query's scope that the caller may read (the query's filters
     * and page fields aside from tenant, team, agent and owner are ignored). From counters where the scope is a
     * whole tenant, agent or account; otherwise counted. Raises what {@link #list} raises for the scope.
     */
    public StatusCounts stats(Principal caller, SessionQuery query) {
        Optional<Scope> scope = scope(caller, query);
        if (scope.isEmpty()) {
            return new StatusCounts(Map.of());
        }
        SessionSelection s = scope.get().selection;
        Optional<UUID> counter = counterScope(s);
        if (counter.isPresent()) {
            return store.countByStatus(s.tenantId(), counter.get());
        }
        Map<SessionStatus, Long> counts = new EnumMap<>(SessionStatus.class);
        for (SessionStatus status : SessionStatus.values()) {
            counts.put(status, store.countSessions(withStatuses(s, Set.of(status))));
        }
        return new StatusCounts(counts);
    }

    /**
     * The session the key names, when the caller may write to it (post a message, cancel a turn). Raises as
     * resolving a write does.
     */
    public Session writable(Principal caller, AccessRule rule, SessionKey key) {
        return resolve(caller, rule, key, true);
    }

    /** The session the key names, as the caller may read it, with the caller's pin. Raises as resolving does. */
    public Session read(Principal caller, AccessRule rule, SessionKey key) {
        // The pin comes with the row: one query per read (a separate pin lookup was a second query, rendered by
        // jOOQ per request, on every GET of every dialect: bench/results/profile-2026-12-05.md).
        return resolve(caller, rule, key, false, caller.subject());
    }

    /**
     * Applies the patch (docs/lifecycle.md sections 2 and 3) to the session the key names; an empty patch changes
     * nothing. Returns the session after it, with the caller's pin. Raises as resolving a write does, and NOT_FOUND
     * when the session is deleted while the patch waits for its row.
     */
    public Session update(Principal caller, AccessRule rule, SessionKey key, SessionPatch patch) {
        Session session = resolve(caller, rule, key, true);
        if (patch.isEmpty()) {
            return withPin(caller, session);
        }
        return withPin(caller, store.patchSession(session.id(), patch, now()).orElseThrow(() -> notFound(key)));
    }

    /**
     * Deletes the session the key names (a tombstone): every later read and list, in every dialect, finds nothing.
     * Raises as resolving a write does; deleting again raises NOT_FOUND (the session no longer exists).
     */
    public void delete(Principal caller, AccessRule rule, SessionKey key) {
        Session session = resolve(caller, rule, key, true);
        if (!store.deleteSession(session.id(), now())) {
            throw notFound(key);
        }
    }

    /**
     * Cancels the session if its status is one {@code which} stops (to {@code cancelled}); otherwise nothing
     * changes and {@link CancelResult#changed()} is false. Safe to repeat. The result's session is the session after
     * the cancel without the caller's pin ({@code pinned} false: no dialect's cancel answer shows the session). Raises
     * as resolving a write does.
     *
     * <p>A session the read finds in a status {@code which} does not stop is answered from that read, with no write
     * and no lock: the cancel takes effect at the read, when there was nothing to stop (a write racing it is ordered
     * after it), which is what most cancels of a repeatable cancel are.
     */
    public CancelResult cancel(Principal caller, AccessRule rule, SessionKey key, Cancellable which) {
        Session session = resolve(caller, rule, key, true);
        if (!which.statuses().contains(session.status())) {
            return new CancelResult(session, false);
        }
        return store.cancelSession(session.id(), which.statuses(), now()).orElseThrow(() -> notFound(key));
    }

    /** Pins the session for the caller's subject; repeating changes nothing. Raises as resolving a write does. */
    public Session pin(Principal caller, AccessRule rule, SessionKey key) {
        return setPinned(caller, rule, key, true);
    }

    /** Unpins the session for the caller's subject; repeating changes nothing. Raises as resolving a write does. */
    public Session unpin(Principal caller, AccessRule rule, SessionKey key) {
        return setPinned(caller, rule, key, false);
    }

    /**
     * Forks the session the key names into a new session owned by the caller (docs/lifecycle.md section 2): title
     * {@code "<title> (fork)"} ({@code "Fork"} when untitled) unless given, other overrides as given, the rest
     * copied; status {@code created}. Raises as resolving a read does; UNSUPPORTED_SUBJECT_TYPE when the caller's
     * subject type may not create sessions; CONFLICT ({@code session_running}) while the parent runs a turn;
     * NOT_FOUND ({@code agent_not_found}, param {@code agent_id}) for an agent override the caller's tenant does not
     * have or the caller may not use.
     */
    public Session fork(Principal caller, AccessRule rule, SessionKey key, ForkRequest request) {
        Session parent = resolve(caller, rule, key, false);
        if (!policy.mayCreateSessions(caller)) {
            throw new GatewayException(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    "subject type '" + caller.subject().type() + "' may not create sessions");
        }
        if (parent.status() == SessionStatus.RUNNING) {
            throw new GatewayException(
                    ErrorKind.CONFLICT, "session_running", "cannot fork a session while a turn is running");
        }
        Agent agent = null;
        if (request.agentId() != null) {
            agent = store.findAgentById(request.agentId())
                    .filter(a -> a.tenantId().equals(parent.scope().tenantId()))
                    .filter(a -> policy.mayUseAgent(caller, a))
                    .orElseThrow(() -> new GatewayException(
                            ErrorKind.NOT_FOUND,
                            "agent_not_found",
                            "agent '" + Ids.prefixed("agent", request.agentId()) + "' not found",
                            "agent_id"));
        }
        String title = request.title() != null
                ? request.title()
                : parent.title() == null ? "Fork" : parent.title() + " (fork)";
        ForkRequest resolved =
                new ForkRequest(title, request.tags(), request.locale(), request.agentId(), request.modelId());
        return store.forkSession(parent.id(), Ids.newId(), agent, caller.subject(), caller.account(), resolved, now())
                .orElseThrow(() -> notFound(key));
    }

    private Session setPinned(Principal caller, AccessRule rule, SessionKey key, boolean pinned) {
        Session session = resolve(caller, rule, key, true);
        return store.setPinned(session.id(), caller.subject(), pinned, now()).orElseThrow(() -> notFound(key));
    }

    private Session withPin(Principal caller, Session session) {
        return session.toBuilder()
                .pinned(store.isPinned(session.id(), caller.subject()))
                .build();
    }

    // ---- access

    /**
     * Raises FORBIDDEN ({@code team_forbidden}) unless the caller is a member of the team (an unknown team included):
     * for a dialect whose vendor checks membership of the path's team before it reads the request's body
     * (Agentcloud's {@code checkResourceSlug}), which the writes and the list check again when they run.
     */
    public void requireTeamMember(Principal caller, String teamObjectId) {
        boolean member = store.findTeamInTenant(teamObjectId)
                .filter(t -> policy.isTeamMember(caller, t.tenant().name(), teamObjectId))
                .isPresent();
        if (!member) {
            throw GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug");
        }
    }

    /** Whether the rule lets the caller read (or, with {@code write}, change) the session. */
    public boolean permits(Principal caller, AccessRule rule, Session session, boolean write) {
        return switch (rule) {
            case OWNER_MANAGER_OR_ADMIN ->
                policy.isOwnerOrManager(caller, session)
                        || (caller.admin()
                                && policy.isInTenant(caller, session.scope().tenantName()));
            case OWNER -> policy.isInTenant(caller, session.scope().tenantName()) && policy.isOwner(caller, session);
            case TENANT_MEMBER -> policy.isTenantMember(caller, session);
            case SHARED_IN_TEAM ->
                policy.mayReadShared(Optional.of(caller), session)
                        && (!write
                                || policy.isTeamMember(
                                        caller,
                                        session.scope().tenantName(),
                                        session.scope().teamObjectId()));
            case ACCOUNT_OWNER -> policy.isAccountOwner(caller, session);
            case OPERATOR ->
                caller.admin()
                        && (caller.everyTenant()
                                || policy.isInTenant(caller, session.scope().tenantName()));
        };
    }

    private Session resolve(Principal caller, AccessRule rule, SessionKey key, boolean write) {
        return resolve(caller, rule, key, write, null);
    }

    /** As above; with a subject, the session comes with {@link Session#pinned()} for it (one query). */
    private Session resolve(Principal caller, AccessRule rule, SessionKey key, boolean write, SubjectRef pinFor) {
        if (rule == AccessRule.OPERATOR) {
            requireOperator(caller, key.scope());
        } else if (key.form() != SessionKey.Form.OBJECT_ID && !policy.isInTenant(caller, key.scope())) {
            throw tenantMismatch(key.scope());
        }
        Session session = switch (key.form()) {
            case PUBLIC_ID -> findByPublicId(key.value(), pinFor).orElse(null);
            case ID ->
                Ids.parsePrefixed("session", key.value())
                        .or(() -> parseUuid(key.value()))
                        .flatMap(id -> findById(id, pinFor))
                        .orElse(null);
            case OBJECT_ID ->
                Ids.isObjectId(key.value())
                        ? findByObjectId(key.value(), pinFor).orElse(null)
                        : null;
            case ANY_ID -> findByAnyId(key.value(), pinFor).orElse(null);
        };
        if (key.form() == SessionKey.Form.OBJECT_ID) {
            if (session == null || !session.scope().teamObjectId().equals(key.scope())) {
                Optional<Team> team = store.findTeamByObjectId(key.scope());
                if (team.isPresent() && policy.isTeamMember(caller, tenantName(team.get()), key.scope())) {
                    throw notFound(key);
                }
                throw GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug");
            }
        } else if (session == null
                || (key.scope() != null && !session.scope().tenantName().equals(key.scope()))) {
            throw notFound(key);
        }
        if (!permits(caller, rule, session, write)) {
            if (rule == AccessRule.TENANT_MEMBER) {
                throw notFound(key);
            }
            throw GatewayException.forbidden(
                    "session_forbidden", "not authorized to access session '" + key.value() + "'");
        }
        return session;
    }

    private Optional<Session> findByAnyId(String id, SubjectRef pinFor) {
        Optional<Session> found = findByPublicId(id, pinFor);
        if (found.isEmpty()) {
            found = Ids.parsePrefixed("session", id).flatMap(uuid -> findById(uuid, pinFor));
        }
        if (found.isEmpty() && Ids.isObjectId(id)) {
            found = findByObjectId(id, pinFor);
        }
        return found;
    }

    private Optional<Session> findByPublicId(String publicId, SubjectRef pinFor) {
        return pinFor == null ? store.findByPublicId(publicId) : store.findByPublicId(publicId, pinFor);
    }

    private Optional<Session> findById(UUID id, SubjectRef pinFor) {
        return pinFor == null ? store.findById(id) : store.findById(id, pinFor);
    }

    private Optional<Session> findByObjectId(String objectId, SubjectRef pinFor) {
        return pinFor == null ? store.findByObjectId(objectId) : store.findByObjectId(objectId, pinFor);
    }

    private static Optional<UUID> parseUuid(String value) {
        try {
            return value.length() == 36 ? Optional.of(UUID.fromString(value)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void requireOperator(Principal caller, String tenantName) {
        if (!caller.admin()) {
            throw GatewayException.forbidden("operator_only", "this operation needs the admin role");
        }
        if (!caller.everyTenant() && tenantName != null && !policy.isInTenant(caller, tenantName)) {
            throw tenantMismatch(tenantName);
        }
    }

    private static GatewayException tenantMismatch(String tenantName) {
        return new GatewayException(
                ErrorKind.UNAUTHENTICATED, "tenant_mismatch", "token is not valid for tenant '" + tenantName + "'");
    }

    private static GatewayException agentNotFound(String name) {
        return new GatewayException(
                ErrorKind.NOT_FOUND, "agent_not_found", "agent '" + name + "' not found", "agent_name");
    }

    private static GatewayException notFound(SessionKey key) {
        return GatewayException.notFound("session_not_found", "session '" + key.value() + "' not found");
    }

    // ---- lists

    /** The resolved scope of a list: the selection without order, position and limit. */
    private record Scope(SessionSelection selection) {}

    private static void validate(SessionQuery q) {
        if (q.limit() < 1 || q.limit() > SessionQuery.MAX_LIMIT) {
            throw GatewayException.invalidArgument("limit must be between 1 and " + SessionQuery.MAX_LIMIT, "limit");
        }
        if (q.offset() < 0 || (q.offset() > 0 && q.position() != null)) {
            throw GatewayException.invalidArgument("offset must be 0 or more, and 0 with a page position", "offset");
        }
        if (q.createdFrom() != null && q.createdTo() != null && q.createdFrom().isAfter(q.createdTo())) {
            throw GatewayException.invalidArgument("the window's start is after its end", "created_from");
        }
        Position p = q.position();
        if (p != null && (q.order().byObjectId() ? p.objectId() == null : p.createdAt() == null || p.id() == null)) {
            throw GatewayException.invalidArgument("the page position does not fit the order", "position");
        }
    }

    private Optional<Scope> scope(Principal caller, SessionQuery q) {
        Tenant tenant;
        UUID teamId = null;
        if (q.teamObjectId() != null) {
            // One statement for the team and its tenant (the membership check needs the tenant's name).
            SessionStore.TeamInTenant found =
                    store.findTeamInTenant(q.teamObjectId()).orElse(null);
            boolean member =
                    found != null && policy.isTeamMember(caller, found.tenant().name(), q.teamObjectId());
            if (q.rule() == AccessRule.OPERATOR) {
                requireOperator(caller, found == null ? null : found.tenant().name());
            } else if (!member) {
                throw GatewayException.forbidden("team_forbidden", "invalid permissions on the resourceSlug");
            }
            if (found == null) {
                return Optional.empty();
            }
            teamId = found.team().id();
            tenant = found.tenant();
        } else {
            if (q.rule() == AccessRule.OPERATOR) {
                requireOperator(caller, q.tenantName());
            } else if (!policy.isInTenant(caller, q.tenantName())) {
                throw tenantMismatch(q.tenantName());
            }
            tenant = q.tenantName() == null
                    ? null
                    : store.findTenant(q.tenantName()).orElse(null);
        }
        if (tenant == null) {
            if (q.agentName() != null) {
                // A tenant nothing was created in yet has no agents either: the same answer as create's.
                throw agentNotFound(q.agentName());
            }
            return Optional.empty();
        }
        Agent agent = null;
        if (q.agentName() != null) {
            agent = store.findAgentByName(tenant.id(), q.agentName()).orElseThrow(() -> agentNotFound(q.agentName()));
        }
        if (q.agentId() != null) {
            Optional<Agent> byId =
                    store.findAgentById(q.agentId()).filter(a -> a.tenantId().equals(tenant.id()));
            if (byId.isEmpty()
                    || (agent != null && !agent.id().equals(byId.get().id()))) {
                return Optional.empty();
            }
            agent = byId.get();
        }
        Set<UUID> agentIds = agent == null ? null : Set.of(agent.id());
        SubjectRef owner = q.owner();
        UUID accountId = null;
        Visibility visibility = Visibility.ALL;
        switch (q.rule()) {
            case OWNER_MANAGER_OR_ADMIN -> {
                if (!caller.admin()) {
                    if (agent != null) {
                        if (!agent.isManagedBy(caller.subject().id())) {
                            if (agent.restricted()) {
                                throw new GatewayException(
                                        ErrorKind.FORBIDDEN,
                                        "agent_forbidden",
                                        "not authorized to list sessions of agent '" + agent.name() + "'",
                                        "agent_name");
                            }
                            owner = ownerOrNothing(owner, caller.subject());
                            if (owner == null) {
                                return Optional.empty();
                            }
                        }
                    } else {
                        Set<UUID> managed = store.listAgents(tenant.id()).stream()
                                .filter(a -> a.isManagedBy(caller.subject().id()))
                                .map(Agent::id)
                                .collect(Collectors.toSet());
                        if (owner != null && ownerOrNothing(owner, caller.subject()) == null) {
                            // another owner's sessions: only those of the agents the caller manages
                            if (managed.isEmpty()) {
                                return Optional.empty();
                            }
                            agentIds = managed;
                        } else if (owner != null || managed.isEmpty()) {
                            owner = caller.subject();
                        } else {
                            visibility = new Visibility.OwnerOrAgents(caller.subject(), managed);
                        }
                    }
                }
            }
            case OWNER -> {
                owner = ownerOrNothing(owner, caller.subject());
                if (owner == null) {
                    return Optional.empty();
                }
            }
            case TENANT_MEMBER, OPERATOR -> {}
            case SHARED_IN_TEAM -> {
                Set<String> grantees = new HashSet<>(caller.teams());
                grantees.add(caller.subject().id());
                grantees.add(tenant.objectId());
                visibility = new Visibility.SharedWith(caller.subject(), grantees);
            }
            case ACCOUNT_OWNER -> {
                if (caller.account() == null) {
                    return Optional.empty();
                }
                accountId = caller.account();
            }
        }
        return Optional.of(new Scope(new SessionSelection(
                tenant.id(),
                teamId,
                agentIds,
                accountId,
                owner,
                visibility,
                q.statuses(),
                blankToNull(q.titleContains()),
                q.createdFrom(),
                q.createdTo(),
                q.order(),
                null,
                0,
                q.limit(),
                caller.subject())));
    }

    /**
     * The caller as the owner filter, unless the query already filters by another owner: then nothing is visible
     * (null).
     */
    private static SubjectRef ownerOrNothing(SubjectRef requested, SubjectRef caller) {
        if (requested == null) {
            return caller;
        }
        boolean same = requested.id().equals(caller.id())
                && (requested.type() == null || requested.type().equals(caller.type()));
        return same ? caller : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private long total(SessionSelection s) {
        Optional<UUID> counter = counterScope(s);
        if (counter.isEmpty()) {
            return store.countSessions(s);
        }
        StatusCounts counts = store.countByStatus(s.tenantId(), counter.get());
        if (s.statuses().isEmpty()) {
            return counts.total();
        }
        return s.statuses().stream().mapToLong(counts::of).sum();
    }

    /** The counter that answers a count of this selection, if one does: a whole tenant, agent or account. */
    private static Optional<UUID> counterScope(SessionSelection s) {
        boolean plain = s.visibility() instanceof Visibility.All
                && s.owner() == null
                && s.teamId() == null
                && s.titleContains() == null
                && s.createdFrom() == null
                && s.createdTo() == null;
        if (!plain) {
            return Optional.empty();
        }
        boolean oneAgent = s.agentIds() != null && s.agentIds().size() == 1;
        if (s.accountId() != null) {
            return s.agentIds() == null ? Optional.of(s.accountId()) : Optional.empty();
        }
        if (oneAgent) {
            return Optional.of(s.agentIds().iterator().next());
        }
        return s.agentIds() == null ? Optional.of(s.tenantId()) : Optional.empty();
    }

    private static SessionSelection withStatuses(SessionSelection s, Set<SessionStatus> statuses) {
        return new SessionSelection(
                s.tenantId(),
                s.teamId(),
                s.agentIds(),
                s.accountId(),
                s.owner(),
                s.visibility(),
                statuses,
                s.titleContains(),
                s.createdFrom(),
                s.createdTo(),
                s.order(),
                null,
                0,
                s.limit(),
                null);
    }

    private String tenantName(Team team) {
        return store.findTenantById(team.tenantId()).map(Tenant::name).orElse("");
    }

    /** Millisecond precision: what every dialect renders and every database stores exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
