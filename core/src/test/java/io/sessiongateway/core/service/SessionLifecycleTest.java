package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.service.SessionLifecycle.Cancellable;
import io.sessiongateway.core.store.InMemorySessionStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every access rule of every lifecycle operation, over the in-memory store (no database). */
class SessionLifecycleTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final String T = "acme";

    private final InMemorySessionStore store = new InMemorySessionStore();
    private final TickingClock clock = new TickingClock();
    private final AccessPolicy policy = new AccessPolicy(Set.of("user", "serviceaccount", "virtualaccount"));
    private final SessionLifecycle life = new SessionLifecycle(store, policy, clock);
    private final Tenant tenant = store.ensureTenant(T);
    private final Tenant otherTenant = store.ensureTenant("globex");
    private final Agent coder = store.createAgent(tenant, new NewAgent("coder", List.of("manager"), false), START);
    private final Agent secret = store.createAgent(tenant, new NewAgent("secret", List.of("manager"), true), START);
    private final UUID aliceAccount = UUID.randomUUID();

    /** Each reading one millisecond later: creations get distinct, increasing times. */
    private static final class TickingClock extends Clock {
        private Instant now = START;

        @Override
        public Instant instant() {
            now = now.plusMillis(1);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static Principal user(String tenant, String id) {
        return new Principal(new SubjectRef("user", id, null), tenant, Set.of(), null, false);
    }

    private static Principal admin(String tenant) {
        return new Principal(new SubjectRef("user", "root", null), tenant, Set.of(), null, true);
    }

    private static Principal member(String id, String... teams) {
        return new Principal(new SubjectRef("user", id, null), T, Set.of(teams), null, false);
    }

    private Principal alice() {
        return new Principal(new SubjectRef("user", "alice", null), T, Set.of(), aliceAccount, false);
    }

    private Session create(Agent agent, Principal owner, String title) {
        return store.createSession(
                Ids.newId(),
                Ids.sessionPublicId(Ids.newId()),
                agent,
                owner.subject(),
                owner.account(),
                NewSession.builder().title(title).build(),
                SessionStatus.CREATED,
                clock.instant());
    }

    private Session create(Agent agent, Principal owner, SharingMode mode) {
        return store.createSession(
                Ids.newId(),
                Ids.sessionPublicId(Ids.newId()),
                agent,
                owner.subject(),
                owner.account(),
                NewSession.builder().sharingMode(mode).build(),
                SessionStatus.CREATED,
                clock.instant());
    }

    private void status(Session s, SessionStatus status) {
        store.updateSession(s.id(), new SessionChange(null, status, null, null, null, null, null), clock.instant());
    }

    private static GatewayException refused(ErrorKind kind, String code, Executable op) {
        GatewayException e = assertThrows(GatewayException.class, op);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    private static List<UUID> ids(SessionPage page) {
        return page.items().stream().map(Session::id).toList();
    }

    private static List<UUID> ids(Session... sessions) {
        return Arrays.stream(sessions).map(Session::id).toList();
    }

    private SessionQuery.Builder query(AccessRule rule) {
        return SessionQuery.builder(rule).tenantName(T).order(Order.CREATED_ASC).limit(100);
    }

    // ---- owner, manager or admin (TrueFoundry)

    @Test
    void ownerManagerOrAdminMayReadAndWriteOthersMayNot() {
        Session s = create(coder, alice(), "mine");
        SessionKey key = SessionKey.publicId(T, s.publicId());
        AccessRule rule = AccessRule.OWNER_MANAGER_OR_ADMIN;
        assertEquals(s.id(), life.read(alice(), rule, key).id());
        assertEquals(s.id(), life.read(user(T, "manager"), rule, key).id());
        assertEquals(s.id(), life.read(admin(T), rule, key).id());
        assertTrue(life.cancel(user(T, "manager"), rule, key, Cancellable.UNFINISHED)
                .changed());
        refused(ErrorKind.FORBIDDEN, "session_forbidden", () -> life.read(user(T, "mallory"), rule, key));
        refused(
                ErrorKind.FORBIDDEN,
                "session_forbidden",
                () -> life.cancel(user(T, "mallory"), rule, key, Cancellable.RUNNING));
        refused(
                ErrorKind.FORBIDDEN,
                "session_forbidden",
                () -> life.read(
                        new Principal(new SubjectRef("serviceaccount", "alice", null), T, Set.of(), null, false),
                        rule,
                        key));
        refused(ErrorKind.UNAUTHENTICATED, "tenant_mismatch", () -> life.read(user("globex", "alice"), rule, key));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.read(alice(), rule, SessionKey.publicId(T, "nope")));
        Session elsewhere = create(
                store.createAgent(otherTenant, new NewAgent("coder", List.of(), false), START),
                user("globex", "alice"),
                "x");
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.read(alice(), rule, SessionKey.publicId(T, elsewhere.publicId())));
    }

    @Test
    void listByAgentShowsManagersAndAdminsEverySessionAndOthersTheirOwn() {
        Session mine = create(coder, alice(), "a");
        Session bobs = create(coder, user(T, "bob"), "b");
        create(secret, user(T, "manager"), "c");
        AccessRule rule = AccessRule.OWNER_MANAGER_OR_ADMIN;
        assertEquals(
                ids(mine, bobs),
                ids(life.list(user(T, "manager"), query(rule).agentName("coder").build())));
        assertEquals(
                ids(mine, bobs),
                ids(life.list(admin(T), query(rule).agentName("coder").build())));
        assertEquals(
                ids(mine), ids(life.list(alice(), query(rule).agentName("coder").build())));
        assertEquals(
                List.of(),
                ids(life.list(user(T, "carol"), query(rule).agentName("coder").build())));
        refused(
                ErrorKind.FORBIDDEN,
                "agent_forbidden",
                () -> life.list(alice(), query(rule).agentName("secret").build()));
        refused(
                ErrorKind.NOT_FOUND,
                "agent_not_found",
                () -> life.list(alice(), query(rule).agentName("nope").build()));
        refused(
                ErrorKind.UNAUTHENTICATED,
                "tenant_mismatch",
                () -> life.list(
                        user("globex", "x"), query(rule).agentName("coder").build()));
        // a tenant nothing was created in yet has no agent of that name either (create answers the same)
        refused(
                ErrorKind.NOT_FOUND,
                "agent_not_found",
                () -> life.list(
                        user("globex", "x"),
                        SessionQuery.builder(rule)
                                .tenantName("globex")
                                .agentName("coder")
                                .build()));
        assertEquals(
                List.of(),
                ids(life.list(
                        user("globex", "x"),
                        SessionQuery.builder(rule).tenantName("globex").build())));
    }

    @Test
    void searchShowsAdminsAllManagersTheirAgentsAndOwnAndOthersTheirOwn() {
        Agent other = store.createAgent(tenant, new NewAgent("other", List.of(), false), START);
        Session a = create(coder, alice(), "a");
        Session b = create(other, user(T, "manager"), "b");
        Session c = create(other, alice(), "c");
        Session d = create(secret, user(T, "bob"), "d");
        AccessRule rule = AccessRule.OWNER_MANAGER_OR_ADMIN;
        assertEquals(ids(a, b, c, d), ids(life.list(admin(T), query(rule).build())));
        assertEquals(ids(a, b, d), ids(life.list(user(T, "manager"), query(rule).build())));
        assertEquals(ids(a, c), ids(life.list(alice(), query(rule).build())));
        assertEquals(
                ids(d),
                ids(life.list(
                        user(T, "manager"),
                        query(rule).owner(new SubjectRef(null, "bob", null)).build())),
                "another owner: only on the agents the caller manages");
        // Pages of a manager's union walk every session once.
        List<UUID> walked = new ArrayList<>();
        SessionQuery.Builder q = query(rule).limit(1).order(Order.CREATED_DESC);
        SessionPage page = life.list(user(T, "manager"), q.build());
        walked.addAll(ids(page));
        while (page.next().isPresent()) {
            page = life.list(
                    user(T, "manager"),
                    q.position(page.next().get(), Direction.NEXT).build());
            walked.addAll(ids(page));
        }
        assertEquals(ids(d, b, a), walked);
    }

    @Test
    void ownedSessionsAreTheCallersOnlyEvenForAdminsAndManagers() {
        Session mine = create(coder, alice(), "a");
        create(coder, user(T, "bob"), "b");
        assertEquals(ids(mine), ids(life.list(alice(), query(AccessRule.OWNER).build())));
        assertEquals(
                List.of(),
                ids(life.list(user(T, "manager"), query(AccessRule.OWNER).build())));
        assertEquals(
                List.of(),
                ids(life.list(
                        alice(),
                        query(AccessRule.OWNER)
                                .owner(new SubjectRef(null, "bob", null))
                                .build())));
        refused(
                ErrorKind.FORBIDDEN,
                "session_forbidden",
                () -> life.read(user(T, "manager"), AccessRule.OWNER, SessionKey.publicId(T, mine.publicId())));
    }

    // ---- tenant member (Everruns)

    @Test
    void tenantMembersReachEverySessionOfTheirTenantAndNoOther() {
        Session s = create(coder, alice(), "Fix the build");
        Session t = create(coder, user(T, "bob"), "Review");
        AccessRule rule = AccessRule.TENANT_MEMBER;
        SessionKey key = SessionKey.id(T, s.id());
        Session renamed = life.update(
                user(T, "bob"),
                rule,
                key,
                SessionPatch.builder().title("Renamed").build());
        assertEquals("Renamed", renamed.title());
        assertEquals(renamed, life.read(alice(), rule, key));
        refused(ErrorKind.UNAUTHENTICATED, "tenant_mismatch", () -> life.read(user("globex", "x"), rule, key));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.read(user("globex", "x"), rule, SessionKey.id("globex", s.id())));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.read(alice(), rule, SessionKey.id(T, UUID.randomUUID())));
        SessionPage page =
                life.list(user(T, "carol"), query(rule).withTotal(true).build());
        assertEquals(ids(s, t), ids(page));
        assertEquals(2, page.total().getAsLong());
        SessionPage search = life.list(
                user(T, "carol"),
                query(rule).titleContains("REN").withTotal(true).build());
        assertEquals(ids(s), ids(search));
        assertEquals(1, search.total().getAsLong());
        assertEquals(
                ids(t),
                ids(life.list(alice(), query(rule).agentId(coder.id()).offset(1).build())));
        assertEquals(
                List.of(),
                ids(life.list(alice(), query(rule).agentId(UUID.randomUUID()).build())),
                "an unknown agent id lists nothing");
        assertEquals(2, life.stats(alice(), query(rule).build()).of(SessionStatus.CREATED));
    }

    @Test
    void pinsArePerCallerAndShownOnReadsAndLists() {
        Session s = create(coder, alice(), "a");
        AccessRule rule = AccessRule.TENANT_MEMBER;
        SessionKey key = SessionKey.id(T, s.id());
        assertTrue(life.pin(user(T, "bob"), rule, key).pinned());
        assertTrue(life.pin(user(T, "bob"), rule, key).pinned(), "pinning again changes nothing");
        assertTrue(life.read(user(T, "bob"), rule, key).pinned());
        assertFalse(life.read(alice(), rule, key).pinned());
        assertTrue(life.list(user(T, "bob"), query(rule).withPins(true).build())
                .items()
                .get(0)
                .pinned());
        assertFalse(life.list(alice(), query(rule).withPins(true).build())
                .items()
                .get(0)
                .pinned());
        assertFalse(
                life.list(user(T, "bob"), query(rule).build()).items().get(0).pinned(),
                "a list without pins shows none (only Everruns asks for them)");
        assertFalse(life.unpin(user(T, "bob"), rule, key).pinned());
        assertFalse(life.unpin(user(T, "bob"), rule, key).pinned());
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.pin(user("globex", "x"), rule, SessionKey.id("globex", s.id())));
    }

    @Test
    void cancelStopsWhatItsRuleNamesAndRepeats() {
        Session s = create(coder, alice(), "a");
        AccessRule rule = AccessRule.TENANT_MEMBER;
        SessionKey key = SessionKey.id(T, s.id());
        assertFalse(life.cancel(alice(), rule, key, Cancellable.RUNNING).changed(), "nothing running: no_op");
        status(s, SessionStatus.RUNNING);
        var cancelled = life.cancel(alice(), rule, key, Cancellable.RUNNING);
        assertTrue(cancelled.changed());
        assertEquals(SessionStatus.CANCELLED, cancelled.session().status());
        assertFalse(life.cancel(alice(), rule, key, Cancellable.RUNNING).changed());
        Session waiting = create(coder, alice(), "b");
        status(waiting, SessionStatus.WAITING);
        assertFalse(life.cancel(alice(), rule, SessionKey.id(T, waiting.id()), Cancellable.RUNNING)
                .changed());
        assertTrue(life.cancel(alice(), rule, SessionKey.id(T, waiting.id()), Cancellable.UNFINISHED)
                .changed());
    }

    @Test
    void aForkIsTheCallersCopyWithDefaultTitles() {
        Session titled = create(coder, alice(), "Plan");
        Session untitled = create(coder, alice(), (String) null);
        AccessRule rule = AccessRule.TENANT_MEMBER;
        Session fork = life.fork(user(T, "bob"), rule, SessionKey.id(T, titled.id()), ForkRequest.INHERIT);
        assertEquals("Plan (fork)", fork.title());
        assertEquals(new SubjectRef("user", "bob", null), fork.owner());
        assertEquals(titled.id(), fork.forkedFromId());
        assertNotEquals(titled.id(), fork.id());
        assertEquals(
                "Fork",
                life.fork(alice(), rule, SessionKey.id(T, untitled.id()), ForkRequest.INHERIT)
                        .title());
        assertEquals(
                "Mine",
                life.fork(alice(), rule, SessionKey.id(T, titled.id()), new ForkRequest("Mine", null, null, null, null))
                        .title());
        refused(
                ErrorKind.NOT_FOUND,
                "agent_not_found",
                () -> life.fork(
                        alice(),
                        rule,
                        SessionKey.id(T, titled.id()),
                        new ForkRequest(null, null, null, UUID.randomUUID(), null)));
        refused(
                ErrorKind.NOT_FOUND,
                "agent_not_found",
                () -> life.fork(
                        alice(),
                        rule,
                        SessionKey.id(T, titled.id()),
                        new ForkRequest(null, null, null, secret.id(), null)));
        assertEquals(
                secret.id(),
                life.fork(
                                user(T, "manager"),
                                rule,
                                SessionKey.id(T, titled.id()),
                                new ForkRequest(null, null, null, secret.id(), null))
                        .agent()
                        .id());
        refused(
                ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                "unsupported_subject_type",
                () -> life.fork(
                        new Principal(new SubjectRef("robot", "r", null), T, Set.of(), null, false),
                        rule,
                        SessionKey.id(T, titled.id()),
                        ForkRequest.INHERIT));
        status(titled, SessionStatus.RUNNING);
        refused(
                ErrorKind.CONFLICT,
                "session_running",
                () -> life.fork(alice(), rule, SessionKey.id(T, titled.id()), ForkRequest.INHERIT));
    }

    @Test
    void aDeletedSessionIsNotFoundEverywhereAndDeletingAgainIsNotFound() {
        Session s = create(coder, alice(), "a");
        AccessRule rule = AccessRule.TENANT_MEMBER;
        SessionKey key = SessionKey.id(T, s.id());
        life.delete(alice(), rule, key);
        refused(ErrorKind.NOT_FOUND, "session_not_found", () -> life.delete(alice(), rule, key));
        refused(ErrorKind.NOT_FOUND, "session_not_found", () -> life.read(alice(), rule, key));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.update(
                        alice(), rule, key, SessionPatch.builder().title("x").build()));
        refused(ErrorKind.NOT_FOUND, "session_not_found", () -> life.cancel(alice(), rule, key, Cancellable.RUNNING));
        refused(ErrorKind.NOT_FOUND, "session_not_found", () -> life.pin(alice(), rule, key));
        refused(ErrorKind.NOT_FOUND, "session_not_found", () -> life.fork(alice(), rule, key, ForkRequest.INHERIT));
        assertEquals(List.of(), ids(life.list(alice(), query(rule).build())));
        assertEquals(0, life.stats(alice(), query(rule).build()).total());
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.read(admin(T), AccessRule.OPERATOR, SessionKey.anyId(T, s.publicId())));
    }

    // ---- shared in team (Agentcloud)

    @Test
    void sharedInTeamReadsBySharingAndWritesNeedMembership() {
        Team team = store.listTeams(tenant.id()).get(0);
        String slug = team.objectId();
        Session open = create(coder, member("owner", slug), SharingMode.PUBLIC);
        Session teamOnly = create(coder, member("owner", slug), SharingMode.TEAM);
        Session restricted = create(coder, member("owner", slug), SharingMode.RESTRICTED);
        AccessRule rule = AccessRule.SHARED_IN_TEAM;
        assertEquals(
                open.id(),
                life.read(user(T, "outsider"), rule, SessionKey.objectId(slug, open.objectId()))
                        .id());
        refused(
                ErrorKind.FORBIDDEN,
                "session_forbidden",
                () -> life.cancel(
                        user(T, "outsider"), rule, SessionKey.objectId(slug, open.objectId()), Cancellable.UNFINISHED));
        assertTrue(life.cancel(
                        member("m", slug), rule, SessionKey.objectId(slug, teamOnly.objectId()), Cancellable.UNFINISHED)
                .changed());
        refused(
                ErrorKind.FORBIDDEN,
                "session_forbidden",
                () -> life.update(
                        member("m", slug),
                        rule,
                        SessionKey.objectId(slug, restricted.objectId()),
                        SessionPatch.builder().variables(null).build()));
        assertEquals(
                restricted.id(),
                life.update(
                                member("owner", slug),
                                rule,
                                SessionKey.objectId(slug, restricted.objectId()),
                                SessionPatch.builder().variables(null).build())
                        .id());
        store.updateSession(
                restricted.id(),
                new SessionChange(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        new Session.Sharing(SharingMode.RESTRICTED, Map.of("granted", "read"))),
                clock.instant());
        assertEquals(
                restricted.id(),
                life.read(member("granted", slug), rule, SessionKey.objectId(slug, restricted.objectId()))
                        .id());
        // Absent from the team: members learn it, others do not.
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.delete(member("m", slug), rule, SessionKey.objectId(slug, Ids.newObjectId())));
        refused(
                ErrorKind.FORBIDDEN,
                "team_forbidden",
                () -> life.delete(user(T, "outsider"), rule, SessionKey.objectId(slug, Ids.newObjectId())));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.delete(member("m", slug), rule, SessionKey.objectId(slug, "not-an-object-id")));
        // Lists: members only; restricted sessions to their owner and grantees.
        SessionQuery.Builder q = SessionQuery.builder(rule)
                .teamObjectId(slug)
                .order(Order.OBJECT_ID_DESC)
                .limit(10);
        refused(ErrorKind.FORBIDDEN, "team_forbidden", () -> life.list(user(T, "outsider"), q.build()));
        refused(
                ErrorKind.FORBIDDEN,
                "team_forbidden",
                () -> life.list(
                        member("m", slug),
                        SessionQuery.builder(rule)
                                .teamObjectId(Ids.newObjectId())
                                .order(Order.OBJECT_ID_DESC)
                                .build()));
        assertEquals(Set.of(open.id(), teamOnly.id()), Set.copyOf(ids(life.list(member("m", slug), q.build()))));
        assertEquals(
                Set.of(open.id(), teamOnly.id(), restricted.id()),
                Set.copyOf(ids(life.list(member("granted", slug), q.build()))));
        assertEquals(
                Set.of(open.id(), teamOnly.id(), restricted.id()),
                Set.copyOf(ids(life.list(member("owner", slug), q.build()))));
        life.requireTeamMember(member("m", slug), slug);
        refused(ErrorKind.FORBIDDEN, "team_forbidden", () -> life.requireTeamMember(user(T, "outsider"), slug));
        refused(
                ErrorKind.FORBIDDEN,
                "team_forbidden",
                () -> life.requireTeamMember(member("m", slug), Ids.newObjectId()));
        SessionPage first = life.list(member("owner", slug), q.limit(2).build());
        SessionPage second = life.list(
                member("owner", slug),
                q.position(SessionQuery.Position.ofObjectId(first.items().get(1).objectId()), Direction.NEXT)
                        .build());
        assertEquals(1, second.items().size());
        assertTrue(second.next().isEmpty());
    }

    // ---- account owner (Recoup)

    @Test
    void accountOwnersReachTheirAccountsSessionsOnly() {
        Session s = create(coder, alice(), "a");
        Principal sameAccount =
                new Principal(new SubjectRef("user", "alice-2", null), T, Set.of(), aliceAccount, false);
        Principal otherAccount =
                new Principal(new SubjectRef("user", "eve", null), T, Set.of(), UUID.randomUUID(), false);
        AccessRule rule = AccessRule.ACCOUNT_OWNER;
        SessionKey key = SessionKey.publicId(T, s.publicId());
        Session archived = life.update(
                sameAccount,
                rule,
                key,
                SessionPatch.builder()
                        .status(SessionPatch.StatusWrite.ARCHIVE)
                        .linesAdded(5)
                        .build());
        assertEquals(SessionStatus.ARCHIVED, archived.status());
        assertEquals(5, archived.diff().linesAdded());
        refused(ErrorKind.FORBIDDEN, "session_forbidden", () -> life.delete(otherAccount, rule, key));
        refused(ErrorKind.FORBIDDEN, "session_forbidden", () -> life.delete(user(T, "no-account"), rule, key));
        assertEquals(ids(s), ids(life.list(sameAccount, query(rule).build())));
        assertEquals(List.of(), ids(life.list(otherAccount, query(rule).build())));
        assertEquals(List.of(), ids(life.list(user(T, "no-account"), query(rule).build())));
        assertEquals(
                List.of(),
                ids(life.list(
                        sameAccount,
                        query(rule)
                                .statuses(Set.of(SessionStatus.CREATED, SessionStatus.RUNNING))
                                .build())));
        assertEquals(1, life.stats(sameAccount, query(rule).build()).of(SessionStatus.ARCHIVED));
        assertEquals(0, life.stats(otherAccount, query(rule).build()).total());
        life.delete(sameAccount, rule, key);
        assertEquals(0, life.stats(sameAccount, query(rule).build()).total());
    }

    // ---- operator (admin API)

    @Test
    void operatorsListWithFiltersAndCursorAndDeleteByAnyId() {
        Session a = create(coder, alice(), "a");
        Session b = create(secret, user(T, "bob"), "b");
        Session c = create(coder, user(T, "bob"), "c");
        status(c, SessionStatus.RUNNING);
        AccessRule rule = AccessRule.OPERATOR;
        refused(
                ErrorKind.FORBIDDEN,
                "operator_only",
                () -> life.list(alice(), query(rule).build()));
        refused(
                ErrorKind.FORBIDDEN,
                "operator_only",
                () -> life.delete(alice(), rule, SessionKey.anyId(T, a.publicId())));
        assertEquals(ids(a, b, c), ids(life.list(admin(T), query(rule).build())));
        assertEquals(
                ids(a, c),
                ids(life.list(admin(T), query(rule).agentName("coder").build())));
        assertEquals(
                ids(c),
                ids(life.list(
                        admin(T),
                        query(rule).statuses(Set.of(SessionStatus.RUNNING)).build())));
        assertEquals(
                ids(b, c),
                ids(life.list(
                        admin(T),
                        query(rule).owner(new SubjectRef(null, "bob", null)).build())));
        assertEquals(
                ids(a, b, c),
                ids(life.list(admin(Principal.OPERATOR_TENANT), query(rule).build())));
        refused(
                ErrorKind.UNAUTHENTICATED,
                "tenant_mismatch",
                () -> life.list(admin("globex"), query(rule).build()));
        SessionPage one = life.list(admin(T), query(rule).limit(2).build());
        assertEquals(ids(a, b), ids(one));
        SessionPage two = life.list(
                admin(T),
                query(rule)
                        .limit(2)
                        .position(one.next().orElseThrow(), Direction.NEXT)
                        .build());
        assertEquals(ids(c), ids(two));
        assertTrue(two.next().isEmpty());
        SessionPage back = life.list(
                admin(T),
                query(rule)
                        .limit(2)
                        .position(two.previous().orElseThrow(), Direction.PREVIOUS)
                        .build());
        assertEquals(ids(a, b), ids(back));
        assertTrue(back.previous().isEmpty());

        life.delete(admin(T), rule, SessionKey.anyId(T, a.publicId()));
        life.delete(admin(T), rule, SessionKey.anyId(T, Ids.sessionPublicId(b.id())));
        refused(
                ErrorKind.NOT_FOUND,
                "session_not_found",
                () -> life.delete(admin("globex"), rule, SessionKey.anyId("globex", c.objectId())));
        life.delete(admin(Principal.OPERATOR_TENANT), rule, SessionKey.anyId(null, c.objectId()));
        assertEquals(List.of(), ids(life.list(admin(T), query(rule).build())));
    }

    // ---- pages and arguments

    @Test
    void pagesLinkForwardAndBackInBothOrders() {
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(create(coder, alice(), "s" + i));
        }
        for (Order order : List.of(Order.CREATED_ASC, Order.CREATED_DESC)) {
            List<UUID> expected = made.stream().map(Session::id).toList();
            if (order == Order.CREATED_DESC) {
                expected = new ArrayList<>(expected);
                Collections.reverse(expected);
            }
            SessionQuery.Builder q =
                    query(AccessRule.TENANT_MEMBER).order(order).limit(3);
            List<SessionPage> pages = new ArrayList<>();
            SessionPage page = life.list(alice(), q.build());
            assertTrue(page.previous().isEmpty());
            pages.add(page);
            while (page.next().isPresent()) {
                page = life.list(
                        alice(), q.position(page.next().get(), Direction.NEXT).build());
                pages.add(page);
            }
            assertEquals(expected, pages.stream().flatMap(p -> ids(p).stream()).toList());
            assertEquals(3, pages.size());
            SessionPage before = life.list(
                    alice(),
                    q.position(pages.get(2).previous().orElseThrow(), Direction.PREVIOUS)
                            .build());
            assertEquals(ids(pages.get(1)), ids(before));
            SessionPage first = life.list(
                    alice(),
                    q.position(before.previous().orElseThrow(), Direction.PREVIOUS)
                            .build());
            assertEquals(ids(pages.get(0)), ids(first));
            assertTrue(first.previous().isEmpty());
        }
    }

    @Test
    void malformedListArgumentsAreInvalidArguments() {
        AccessRule rule = AccessRule.TENANT_MEMBER;
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(alice(), query(rule).limit(0).build()));
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(
                        alice(), query(rule).limit(SessionQuery.MAX_LIMIT + 1).build()));
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(alice(), query(rule).offset(-1).build()));
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(
                        alice(),
                        query(rule)
                                .createdFrom(START.plusSeconds(1))
                                .createdTo(START)
                                .build()));
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(
                        alice(),
                        query(rule)
                                .offset(1)
                                .position(new SessionQuery.Position(START, UUID.randomUUID(), null), Direction.NEXT)
                                .build()));
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_argument",
                () -> life.list(
                        alice(),
                        query(rule)
                                .position(SessionQuery.Position.ofObjectId(Ids.newObjectId()), Direction.NEXT)
                                .build()));
    }

    @Test
    void pageTokensRoundTripAndRefuseForgeryAndOtherParameters() {
        PageTokens tokens = new PageTokens("a secret of sixteen+".getBytes(StandardCharsets.UTF_8));
        String q = PageTokens.fingerprint("coder", "desc", 10, null);
        SessionQuery.Position at = new SessionQuery.Position(START, Ids.newId(), null);
        String token = tokens.encode(at, Direction.PREVIOUS, q);
        assertEquals(new PageTokens.Cursor(at, Direction.PREVIOUS), tokens.decode(token, q, "page_token"));
        SessionQuery.Position full = new SessionQuery.Position(START, Ids.newId(), Ids.newObjectId());
        assertEquals(
                new PageTokens.Cursor(full, Direction.NEXT),
                tokens.decode(tokens.encode(full, Direction.NEXT, q), q, "page_token"));
        SessionQuery.Position objectId = SessionQuery.Position.ofObjectId(Ids.newObjectId());
        assertEquals(
                new PageTokens.Cursor(objectId, Direction.NEXT),
                tokens.decode(tokens.encode(objectId, Direction.NEXT, q), q, "page_token"));
        GatewayException other = refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_page_token",
                () -> tokens.decode(token, PageTokens.fingerprint("coder", "asc", 10, null), "page_token"));
        assertEquals("page_token", other.param());
        refused(
                ErrorKind.INVALID_ARGUMENT,
                "invalid_page_token",
                () -> new PageTokens("another secret....".getBytes(StandardCharsets.UTF_8))
                        .decode(token, q, "page_token"));
        String edited = "x" + token.substring(1);
        refused(ErrorKind.INVALID_ARGUMENT, "invalid_page_token", () -> tokens.decode(edited, q, "page_token"));
        for (String junk : List.of("", ".", "abc", "!!!.???", token + "x")) {
            refused(ErrorKind.INVALID_ARGUMENT, "invalid_page_token", () -> tokens.decode(junk, q, "page_token"));
        }
        assertNotEquals(PageTokens.fingerprint("a", null), PageTokens.fingerprint(null, "a"));
    }
}
