package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.model.Usage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The store's contract, run once per backend by a one-line subclass. */
abstract class SessionStoreContract implements StoreLifecycleContract {
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00.123Z");

    /** A store over an empty, migrated database. */
    protected abstract SessionStore store();

    @Override
    public SessionStore lifecycleStore() {
        return store();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void ensureTenantIsIdempotentAndCreatesDefaultTeam() {
        String name = unique("acme");
        Tenant first = store().ensureTenant(name);
        Tenant again = store().ensureTenant(name);
        assertEquals(first, again);
        assertTrue(Ids.isObjectId(first.objectId()));
        assertTrue(Ids.isObjectId(first.defaultTeamObjectId()));
        assertNotEquals(first.objectId(), first.defaultTeamObjectId());
    }

    @Test
    void agentNamesAreUniquePerTenant() {
        Tenant a = store().ensureTenant(unique("a"));
        Tenant b = store().ensureTenant(unique("b"));
        Agent agent = store().createAgent(a, new NewAgent("helper", List.of("alice", "bob"), true), NOW);
        assertEquals(List.of("alice", "bob"), agent.managers());
        assertTrue(agent.restricted());
        assertEquals(a.defaultTeamObjectId(), agent.teamObjectId());
        GatewayException dup = assertThrows(
                GatewayException.class, () -> store().createAgent(a, new NewAgent("helper", List.of(), false), NOW));
        assertEquals(ErrorKind.CONFLICT, dup.kind());
        store().createAgent(b, new NewAgent("helper", List.of(), false), NOW);
        assertEquals(List.of(agent), store().listAgents(a.id()));
        assertEquals(agent, store().findAgentByName(a.id(), "helper").orElseThrow());
        assertTrue(store().findAgentByName(a.id(), "nobody").isEmpty());
    }

    @Test
    void sessionRoundTripsThroughEveryKey() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of("mgr"), false), NOW);
        UUID id = Ids.newId();
        String publicId = Ids.sessionPublicId(id);
        UUID account = UUID.randomUUID();
        NewSession req = NewSession.builder()
                .title("Fix the build")
                .tags(List.of("x", "y"))
                .repository(new Session.Repository("octo", "repo", "main", "https://github.com/octo/repo.git", true))
                .sharingMode(SharingMode.PUBLIC)
                .build();
        Session created = store().createSession(
                        id,
                        publicId,
                        agent,
                        new SubjectRef("user", "alice", "Alice"),
                        account,
                        req,
                        SessionStatus.CREATED,
                        NOW);

        assertEquals(id, created.id());
        assertEquals(publicId, created.publicId());
        assertTrue(Ids.isObjectId(created.objectId()));
        assertEquals(t.name(), created.scope().tenantName());
        assertEquals(t.defaultTeamObjectId(), created.scope().teamObjectId());
        assertEquals("coder", created.agent().name());
        assertEquals(List.of("mgr"), created.agent().managers());
        assertEquals(new SubjectRef("user", "alice", "Alice"), created.owner());
        assertEquals(account, created.accountId());
        assertEquals("Fix the build", created.title());
        assertEquals(SessionStatus.CREATED, created.status());
        assertEquals(NOW, created.times().createdAt());
        assertEquals(NOW, created.times().updatedAt());
        assertNull(created.times().startedAt());
        assertNull(created.usage());
        assertEquals(List.of("x", "y"), created.tags());
        assertEquals(SharingMode.PUBLIC, created.sharing().mode());
        assertEquals("octo", created.repository().owner());
        assertTrue(created.repository().newBranch());
        assertEquals(0, created.lifecycle().version());

        assertEquals(created, store().findByPublicId(publicId).orElseThrow());
        assertEquals(created, store().findById(id).orElseThrow());
        assertEquals(created, store().findByObjectId(created.objectId()).orElseThrow());
        assertTrue(store().findByPublicId("session_" + "0".repeat(32)).isEmpty());
    }

    @Test
    void collidingIdsAreConflictsAndWriteNothing() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        SubjectRef alice = new SubjectRef("user", "alice", null);
        String chosen = unique("chosen-id");
        store().createSession(
                        Ids.newId(), chosen, agent, alice, null, NewSession.defaults(), SessionStatus.CREATED, NOW);
        UUID second = Ids.newId();
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> store().createSession(
                                second,
                                chosen,
                                agent,
                                new SubjectRef("user", "bob", null),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        assertEquals(ErrorKind.CONFLICT, e.kind());
        assertFalse(store().findById(second).isPresent());
    }

    @Test
    void subjectSlugFollowsTheLatestToken() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Session one = store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        new SubjectRef("user", "u1", "old"),
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW);
        store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        new SubjectRef("user", "u1", "new"),
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW.plus(1, ChronoUnit.SECONDS));
        assertEquals("new", store().findById(one.id()).orElseThrow().owner().slug());
    }

    @Test
    void listSessionsIsPerTenantOldestFirstAndBounded() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Agent elsewhere = store().createAgent(other, new NewAgent("coder", List.of(), false), NOW);
        SubjectRef alice = new SubjectRef("user", "alice", null);
        Session second = store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        alice,
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW.plus(1, ChronoUnit.SECONDS));
        Session first = store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        alice,
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW);
        store().createSession(
                        Ids.newId(),
                        unique("s"),
                        elsewhere,
                        alice,
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW);
        assertEquals(List.of(first, second), store().listSessions(t.id(), 10));
        assertEquals(List.of(first), store().listSessions(t.id(), 1));
        assertEquals(List.of(), store().listSessions(UUID.randomUUID(), 10));
    }

    /** Runs the task on {@code n} threads released at once; returns what each returned or threw. */
    private static <T> List<Object> atOnce(int n, IntFunction<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(k);
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFirstUsesOfATenantAllGetTheOneTenant() throws Exception {
        String name = unique("race");
        List<Object> tenants = atOnce(6, i -> store().ensureTenant(name));
        assertEquals(1, tenants.stream().distinct().count(), tenants.toString());
        assertTrue(tenants.get(0) instanceof Tenant, tenants.toString());
        assertEquals(1, store().listTeams(((Tenant) tenants.get(0)).id()).size());
    }

    @Test
    void concurrentFirstSessionsOfOneSubjectAllSucceedWithOneOwner() throws Exception {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        List<Object> sessions = atOnce(
                6,
                i -> store().createSession(
                                Ids.newId(),
                                unique("s"),
                                agent,
                                new SubjectRef("user", "first-timer", null),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        for (Object s : sessions) {
            assertTrue(s instanceof Session, String.valueOf(s));
            assertEquals(new SubjectRef("user", "first-timer", null), ((Session) s).owner());
        }
    }

    @Test
    void concurrentCreatesOfOneIdGiveOneSessionAndConflicts() throws Exception {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        String chosen = unique("chosen");
        List<Object> outcomes = atOnce(
                6,
                i -> store().createSession(
                                Ids.newId(),
                                chosen,
                                agent,
                                new SubjectRef("user", "u" + i, null),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        assertEquals(1, outcomes.stream().filter(o -> o instanceof Session).count(), outcomes.toString());
        assertEquals(
                5,
                outcomes.stream()
                        .filter(o -> o instanceof GatewayException g && g.kind() == ErrorKind.CONFLICT)
                        .count(),
                outcomes.toString());
    }

    // The rules below were read off JooqSessionStore and the migrations; each holds on every backend.

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SubjectRef ALICE = new SubjectRef("user", "alice", null);

    private Session newSession(Agent agent, SubjectRef owner, Instant at) {
        return store().createSession(
                        Ids.newId(), unique("s"), agent, owner, null, NewSession.defaults(), SessionStatus.CREATED, at);
    }

    private static GatewayException refused(ErrorKind kind, String code, Executable op) {
        GatewayException e = assertThrows(GatewayException.class, op);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    /** A value for a {@link SessionChange} field (the one place that names its holder type). */
    private static <T> SessionChange.Value<T> value(T v) {
        return new SessionChange.Value<>(v);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void tenantsAreFoundByNameAndIdWithTheirDefaultTeam() {
        Tenant t = store().ensureTenant(unique("acme"));
        assertEquals(Optional.of(t), store().findTenant(t.name()));
        assertEquals(Optional.of(t), store().findTenantById(t.id()));
        assertTrue(store().findTenant(unique("nobody")).isEmpty());
        assertTrue(store().findTenantById(UUID.randomUUID()).isEmpty());
        Team team = store().findTeamByObjectId(t.defaultTeamObjectId()).orElseThrow();
        assertEquals(
                new Team(t.defaultTeamId(), t.id(), t.defaultTeamObjectId(), "default", true, team.createdAt()), team);
    }

    @Test
    void teamNamesAreUniquePerTenantAndTheDefaultNameIsTaken() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Team later = store().createTeam(t, "ops", NOW.plus(1, ChronoUnit.SECONDS));
        Team earlier = store().createTeam(t, "dev", NOW);
        assertEquals(
                new Team(later.id(), t.id(), later.objectId(), "ops", false, NOW.plus(1, ChronoUnit.SECONDS)), later);
        assertTrue(Ids.isObjectId(later.objectId()));
        GatewayException dup = refused(ErrorKind.CONFLICT, "team_exists", () -> store().createTeam(t, "ops", NOW));
        assertEquals("name", dup.param());
        refused(ErrorKind.CONFLICT, "team_exists", () -> store().createTeam(t, "default", NOW));
        store().createTeam(other, "ops", NOW);
        List<Team> teams = store().listTeams(t.id());
        assertEquals(
                List.of(t.defaultTeamId(), earlier.id(), later.id()),
                teams.stream().map(Team::id).toList(),
                "default first, then oldest first");
        assertEquals(Optional.of(later), store().findTeamByObjectId(later.objectId()));
        assertTrue(store().findTeamByObjectId(Ids.newObjectId()).isEmpty());
        assertEquals(List.of(), store().listTeams(UUID.randomUUID()));
    }

    @Test
    void agentsJoinTheTeamNamedByObjectIdOrNameInTheirTenant() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Team ops = store().createTeam(t, "ops", NOW);
        store().createTeam(other, "elsewhere", NOW);
        Agent byObjectId = store().createAgent(t, new NewAgent("a1", List.of(), false, ops.objectId()), NOW);
        Agent byName = store().createAgent(t, new NewAgent("a2", List.of(), false, "ops"), NOW);
        assertEquals(ops.id(), byObjectId.teamId());
        assertEquals(ops.objectId(), byObjectId.teamObjectId());
        assertEquals(ops.id(), byName.teamId());
        GatewayException missing = refused(
                ErrorKind.NOT_FOUND,
                "team_not_found",
                () -> store().createAgent(t, new NewAgent("a3", List.of(), false, "elsewhere"), NOW));
        assertEquals("team", missing.param());
        assertTrue(store().findAgentByName(t.id(), "a3").isEmpty(), "nothing written");
    }

    @Test
    void agentsAreFoundByIdAndObjectIdInAnyTenantAndListedOldestFirst() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent later = store().createAgent(t, new NewAgent("later", List.of("m"), false), NOW.plusSeconds(1));
        Agent earlier = store().createAgent(t, new NewAgent("earlier", List.of(), false), NOW);
        assertEquals(
                new Agent(
                        later.id(),
                        t.id(),
                        t.name(),
                        t.defaultTeamId(),
                        t.defaultTeamObjectId(),
                        "later",
                        later.objectId(),
                        List.of("m"),
                        false,
                        NOW.plusSeconds(1),
                        NOW.plusSeconds(1)),
                later);
        assertTrue(Ids.isObjectId(later.objectId()));
        assertNotEquals(later.objectId(), earlier.objectId());
        assertEquals(List.of(earlier, later), store().listAgents(t.id()));
        assertEquals(Optional.of(later), store().findAgentById(later.id()));
        assertEquals(Optional.of(later), store().findAgentByObjectId(later.objectId()));
        assertTrue(store().findAgentById(UUID.randomUUID()).isEmpty());
        assertTrue(store().findAgentByObjectId(Ids.newObjectId()).isEmpty());
        assertTrue(store().findAgentByName(UUID.randomUUID(), "later").isEmpty());
        GatewayException dup = refused(
                ErrorKind.CONFLICT,
                "agent_exists",
                () -> store().createAgent(t, new NewAgent("later", List.of(), false), NOW));
        assertEquals("name", dup.param());
    }

    @Test
    void aSessionWithNothingButDefaults() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        UUID id = Ids.newId();
        Session s = store().createSession(
                        id,
                        Ids.sessionPublicId(id),
                        agent,
                        ALICE,
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW);
        assertEquals(
                new Session(
                        id,
                        Ids.sessionPublicId(id),
                        s.objectId(),
                        new Session.Scope(t.id(), t.name(), t.objectId(), t.defaultTeamId(), t.defaultTeamObjectId()),
                        new Session.AgentRef(agent.id(), "coder", agent.objectId(), List.of()),
                        ALICE,
                        null,
                        null,
                        null,
                        null,
                        SessionStatus.CREATED,
                        false,
                        Session.Lifecycle.INITIAL,
                        new Session.Timestamps(NOW, NOW, null, null, null),
                        null,
                        null,
                        null,
                        Session.Sharing.TEAM,
                        null,
                        null,
                        Session.Repository.NONE,
                        null,
                        Session.Sandbox.NONE,
                        Session.DiffStats.NONE,
                        null),
                s);
    }

    @Test
    void aSessionKeepsEveryFieldOfItsRequest() {
        Tenant t = store().ensureTenant(unique("t"));
        Team ops = store().createTeam(t, "ops", NOW);
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of("m1", "m2"), true, "ops"), NOW);
        UUID id = Ids.newId();
        UUID account = UUID.randomUUID();
        UUID artist = UUID.randomUUID();
        UUID model = UUID.randomUUID();
        Session.Repository repo = new Session.Repository("octo", "repo", "dev", "https://example.com/r.git", false);
        String chosen = unique("chosen");
        NewSession request = new NewSession(
                chosen,
                "T",
                model,
                artist,
                List.of(),
                json("{\"a\":[1,2]}"),
                repo,
                SharingMode.RESTRICTED,
                "provisioning",
                json("{\"s\":true}"),
                json("[{\"ref\":\"x\"}]"),
                3,
                4,
                json("{\"chat\":{\"n\":1}}"));
        Session s = store().createSession(
                        id,
                        chosen,
                        agent,
                        new SubjectRef("serviceaccount", "bot", "Bot"),
                        account,
                        request,
                        SessionStatus.RUNNING,
                        NOW);
        assertEquals(
                new Session(
                        id,
                        chosen,
                        s.objectId(),
                        new Session.Scope(t.id(), t.name(), t.objectId(), ops.id(), ops.objectId()),
                        new Session.AgentRef(agent.id(), "coder", agent.objectId(), List.of("m1", "m2")),
                        new SubjectRef("serviceaccount", "bot", "Bot"),
                        account,
                        artist,
                        model,
                        "T",
                        SessionStatus.RUNNING,
                        false,
                        new Session.Lifecycle("provisioning", 0, null, null),
                        new Session.Timestamps(NOW, NOW, null, null, null),
                        null,
                        null,
                        null,
                        new Session.Sharing(SharingMode.RESTRICTED, Map.of()),
                        List.of(),
                        json("{\"a\":[1,2]}"),
                        repo,
                        json("[{\"ref\":\"x\"}]"),
                        new Session.Sandbox(json("{\"s\":true}"), null, null, null, null, null),
                        new Session.DiffStats(3, 4, null, null),
                        json("{\"chat\":{\"n\":1}}")),
                s);
        assertEquals(s, store().findByPublicId(chosen).orElseThrow());
        // The lookups read their row straight from JDBC; the writes read theirs through jOOQ: the same session,
        // every column set (usage, previews, permissions, warning too).
        Session changed = store().updateSession(
                        id,
                        new SessionChange(
                                new SessionChange.Value<>("T2"),
                                SessionStatus.COMPLETED,
                                true,
                                new SessionChange.Value<>("in"),
                                new SessionChange.Value<>("out"),
                                new SessionChange.Value<>(new Usage(5, 6, 7L, 8L)),
                                new Session.Sharing(SharingMode.RESTRICTED, Map.of("bob", "read"))),
                        NOW.plusSeconds(1))
                .orElseThrow();
        assertEquals(new Usage(5, 6, 7L, 8L), changed.usage());
        assertEquals(changed, store().findByPublicId(chosen).orElseThrow());
        assertEquals(changed, store().findById(id).orElseThrow());
        assertEquals(changed, store().findByObjectId(s.objectId()).orElseThrow());
        assertEquals(changed, store().findByPublicId(chosen, ALICE).orElseThrow());
        assertEquals(changed, store().findById(id, ALICE).orElseThrow());
        assertEquals(changed, store().findByObjectId(s.objectId(), ALICE).orElseThrow());
    }

    @Test
    void aSessionReadIsACopyThatLaterChangesToTheRequestDoNotReach() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        ObjectNode extra = (ObjectNode) json("{\"k\":1}");
        NewSession request =
                new NewSession(null, null, null, null, null, null, null, null, null, null, null, null, null, extra);
        Session s = store().createSession(
                        Ids.newId(), unique("s"), agent, ALICE, null, request, SessionStatus.CREATED, NOW);
        extra.put("k", 2);
        ((ObjectNode) s.extra()).put("k", 3);
        assertEquals(json("{\"k\":1}"), store().findById(s.id()).orElseThrow().extra());
    }

    @Test
    void aTakenCanonicalIdIsAConflictToo() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Session first = newSession(agent, ALICE, NOW);
        String otherPublicId = unique("other");
        GatewayException e = refused(
                ErrorKind.CONFLICT,
                "session_exists",
                () -> store().createSession(
                                first.id(),
                                otherPublicId,
                                agent,
                                ALICE,
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        assertEquals("id", e.param());
        assertTrue(store().findByPublicId(otherPublicId).isEmpty());
        assertEquals(first, store().findById(first.id()).orElseThrow());
    }

    @Test
    void aRefusedCreateLeavesTheOwnersSlugAsItWas() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Session first = store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        new SubjectRef("user", "u", "old"),
                        null,
                        NewSession.defaults(),
                        SessionStatus.CREATED,
                        NOW);
        refused(
                ErrorKind.CONFLICT,
                "session_exists",
                () -> store().createSession(
                                Ids.newId(),
                                first.publicId(),
                                agent,
                                new SubjectRef("user", "u", "new"),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        assertEquals("old", store().findById(first.id()).orElseThrow().owner().slug());
    }

    @Test
    void subjectsAreOnePerTenantTypeAndIdAndALaterTokenWithoutSlugClearsIt() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Agent elsewhere = store().createAgent(other, new NewAgent("coder", List.of(), false), NOW);
        Session user = newSession(agent, new SubjectRef("user", "x", "user-x"), NOW);
        Session bot = newSession(agent, new SubjectRef("serviceaccount", "x", "bot-x"), NOW);
        Session away = newSession(elsewhere, new SubjectRef("user", "x", "away-x"), NOW);
        newSession(agent, new SubjectRef("user", "x", null), NOW.plusSeconds(1));
        assertEquals(
                new SubjectRef("user", "x", null),
                store().findById(user.id()).orElseThrow().owner());
        assertEquals("bot-x", store().findById(bot.id()).orElseThrow().owner().slug());
        assertEquals("away-x", store().findById(away.id()).orElseThrow().owner().slug());
    }

    @Test
    void sessionsWithTheSameCreationTimeAreListedByIdAsUnsignedBytes() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        // Random but for the sign bits, so that signed and unsigned orders differ (and reruns on one database do not
        // collide): signed order would be high, low, lowest.
        UUID r = UUID.randomUUID();
        long msb = r.getMostSignificantBits() & Long.MAX_VALUE;
        long lsb = r.getLeastSignificantBits() & Long.MAX_VALUE;
        UUID high = new UUID(msb | Long.MIN_VALUE, lsb);
        UUID low = new UUID(msb, lsb | Long.MIN_VALUE);
        UUID lowest = new UUID(msb, lsb);
        for (UUID id : List.of(high, low, lowest)) {
            store().createSession(
                            id, unique("s"), agent, ALICE, null, NewSession.defaults(), SessionStatus.CREATED, NOW);
        }
        assertEquals(
                List.of(lowest, low, high),
                store().listSessions(t.id(), 10).stream().map(Session::id).toList());
    }

    @Test
    void anUpdateSetsEachGivenFieldBumpsTheVersionAndLeavesTheRestAlone() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Session s = newSession(agent, ALICE, NOW);
        Instant later = NOW.plusSeconds(5);
        Session.Sharing sharing = new Session.Sharing(SharingMode.PUBLIC, Map.of("bob", "read"));
        Session changed = store().updateSession(
                        s.id(),
                        new SessionChange(
                                value("New"),
                                null,
                                true,
                                value("pre"),
                                value("out"),
                                value(new Usage(10, 20, null, 5L)),
                                sharing),
                        later)
                .orElseThrow();
        assertEquals(
                new Session(
                        s.id(),
                        s.publicId(),
                        s.objectId(),
                        s.scope(),
                        s.agent(),
                        s.owner(),
                        null,
                        null,
                        null,
                        "New",
                        SessionStatus.CREATED,
                        true,
                        new Session.Lifecycle(null, 1, null, null),
                        new Session.Timestamps(NOW, later, null, null, null),
                        "pre",
                        "out",
                        new Usage(10, 20, null, 5L),
                        sharing,
                        null,
                        null,
                        Session.Repository.NONE,
                        null,
                        Session.Sandbox.NONE,
                        Session.DiffStats.NONE,
                        null),
                changed);
        assertEquals(changed, store().findById(s.id()).orElseThrow());

        Session untouched = store().updateSession(
                        s.id(), new SessionChange(null, null, null, null, null, null, null), later.plusSeconds(1))
                .orElseThrow();
        assertEquals(2, untouched.lifecycle().version(), "even an empty change bumps the version");
        assertEquals(later.plusSeconds(1), untouched.times().updatedAt());
        assertEquals("New", untouched.title());

        Session cleared = store().updateSession(
                        s.id(),
                        new SessionChange(
                                value(null),
                                null,
                                false,
                                value(null),
                                value(null),
                                value(null),
                                new Session.Sharing(SharingMode.RESTRICTED, Map.of())),
                        later)
                .orElseThrow();
        assertNull(cleared.title());
        assertFalse(cleared.warning());
        assertNull(cleared.preview());
        assertNull(cleared.outputPreview());
        assertNull(cleared.usage());
        assertEquals(new Session.Sharing(SharingMode.RESTRICTED, Map.of()), cleared.sharing());
        assertEquals(3, cleared.lifecycle().version());
    }

    @Test
    void statusChangesStampStartAndFinishTheFirstTimeAndActivityEachTime() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        UUID id = newSession(agent, ALICE, NOW).id();
        Supplier<Session.Timestamps> times =
                () -> store().findById(id).orElseThrow().times();
        BiConsumer<SessionStatus, Instant> set = (status, at) -> assertEquals(
                status,
                store().updateSession(id, new SessionChange(null, status, null, null, null, null, null), at)
                        .orElseThrow()
                        .status());
        Instant t1 = NOW.plusSeconds(1);
        Instant t2 = NOW.plusSeconds(2);
        Instant t3 = NOW.plusSeconds(3);
        Instant t4 = NOW.plusSeconds(4);
        Instant t5 = NOW.plusSeconds(5);
        Instant t6 = NOW.plusSeconds(6);
        Instant t7 = NOW.plusSeconds(7);
        set.accept(SessionStatus.CREATED, t1);
        assertEquals(new Session.Timestamps(NOW, t1, null, null, null), times.get(), "created is no activity");
        set.accept(SessionStatus.RUNNING, t2);
        assertEquals(new Session.Timestamps(NOW, t2, t2, null, t2), times.get());
        set.accept(SessionStatus.WAITING, t3);
        assertEquals(new Session.Timestamps(NOW, t3, t2, null, t3), times.get());
        set.accept(SessionStatus.RUNNING, t4);
        assertEquals(new Session.Timestamps(NOW, t4, t2, null, t4), times.get(), "started once");
        set.accept(SessionStatus.COMPLETED, t5);
        assertEquals(new Session.Timestamps(NOW, t5, t2, t5, t5), times.get());
        set.accept(SessionStatus.FAILED, t6);
        assertEquals(new Session.Timestamps(NOW, t6, t2, t5, t6), times.get(), "finished once");
        set.accept(SessionStatus.ARCHIVED, t7);
        assertEquals(new Session.Timestamps(NOW, t7, t2, t5, t7), times.get());

        UUID archivedFirst = newSession(agent, ALICE, NOW).id();
        Session archived = store().updateSession(
                        archivedFirst,
                        new SessionChange(null, SessionStatus.ARCHIVED, null, null, null, null, null),
                        t1)
                .orElseThrow();
        assertEquals(new Session.Timestamps(NOW, t1, null, null, t1), archived.times(), "archiving is no finish");
        Session cancelled = store().updateSession(
                        archivedFirst,
                        new SessionChange(null, SessionStatus.CANCELLED, null, null, null, null, null),
                        t2)
                .orElseThrow();
        assertEquals(new Session.Timestamps(NOW, t2, null, t2, t2), cancelled.times());
    }

    @Test
    void anUpdateOfNoSessionIsEmpty() {
        assertTrue(store().updateSession(
                        UUID.randomUUID(), new SessionChange(value("x"), null, null, null, null, null, null), NOW)
                .isEmpty());
    }

    @Test
    void titlesInUseArePerTenantAndAccountAndExact() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        UUID account = UUID.randomUUID();
        NewSession tokyo = NewSession.defaults().withTitle("Tokyo");
        store().createSession(Ids.newId(), unique("s"), agent, ALICE, account, tokyo, SessionStatus.CREATED, NOW);
        store().createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        ALICE,
                        null,
                        NewSession.defaults().withTitle("Lima"),
                        SessionStatus.CREATED,
                        NOW);
        assertTrue(store().titleInUse(t.id(), account, "Tokyo"));
        assertFalse(store().titleInUse(t.id(), account, "tokyo"));
        assertFalse(store().titleInUse(t.id(), account, "Tokyo 2"));
        assertFalse(store().titleInUse(t.id(), UUID.randomUUID(), "Tokyo"));
        assertFalse(store().titleInUse(other.id(), account, "Tokyo"));
        assertFalse(store().titleInUse(t.id(), account, "Lima"), "a session without account is no account's");
    }

    private ApiKey newKey(Tenant t, String hash, Instant at) {
        return store().createApiKey(
                        t,
                        new NewApiKey(
                                "everruns", "ci", new SubjectRef("user", "alice", "Alice"), null, List.of(), null),
                        "evr_abcdefgh",
                        hash,
                        at);
    }

    private static String hash() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    @Test
    void apiKeysRoundTripWithoutTheSubjectsSlug() {
        Tenant t = store().ensureTenant(unique("t"));
        UUID account = UUID.randomUUID();
        String hash = hash();
        Instant expires = NOW.plus(1, ChronoUnit.DAYS);
        ApiKey key = store().createApiKey(
                        t,
                        new NewApiKey(
                                "recoup",
                                "ci key",
                                new SubjectRef("user", "u", "U"),
                                account,
                                List.of("t1", "t2"),
                                expires),
                        "rcp_abcdefgh",
                        hash,
                        NOW);
        assertEquals(
                new ApiKey(
                        key.id(),
                        t.name(),
                        "recoup",
                        "ci key",
                        "rcp_abcdefgh",
                        new SubjectRef("user", "u", null),
                        account,
                        List.of("t1", "t2"),
                        NOW,
                        expires,
                        null,
                        null),
                key);
        assertEquals(Optional.of(key), store().findApiKeyByHash(hash));
        assertTrue(store().findApiKeyByHash(hash()).isEmpty());
    }

    @Test
    void apiKeysAreListedPerTenantOldestFirst() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        ApiKey later = newKey(t, hash(), NOW.plusSeconds(1));
        ApiKey earlier = newKey(t, hash(), NOW);
        newKey(other, hash(), NOW);
        assertEquals(List.of(earlier, later), store().listApiKeys(t.id()));
        assertEquals(List.of(), store().listApiKeys(UUID.randomUUID()));
    }

    @Test
    void aSecretHashIsStoredOnce() {
        Tenant t = store().ensureTenant(unique("t"));
        String hash = hash();
        ApiKey first = newKey(t, hash, NOW);
        assertThrows(RuntimeException.class, () -> newKey(t, hash, NOW.plusSeconds(1)));
        assertEquals(List.of(first), store().listApiKeys(t.id()));
    }

    @Test
    void revokingIsPerTenantAndKeepsTheFirstTime() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        String hash = hash();
        ApiKey key = newKey(t, hash, NOW);
        assertFalse(store().revokeApiKey(other.id(), key.id(), NOW), "another tenant's key");
        assertFalse(store().revokeApiKey(t.id(), UUID.randomUUID(), NOW));
        assertNull(store().findApiKeyByHash(hash).orElseThrow().revokedAt());
        assertTrue(store().revokeApiKey(t.id(), key.id(), NOW.plusSeconds(1)));
        assertTrue(store().revokeApiKey(t.id(), key.id(), NOW.plusSeconds(2)), "still there, already revoked");
        assertEquals(
                NOW.plusSeconds(1), store().findApiKeyByHash(hash).orElseThrow().revokedAt());
    }

    @Test
    void aKeysUseIsRecordedAtMostOnceASecond() {
        Tenant t = store().ensureTenant(unique("t"));
        String hash = hash();
        ApiKey key = newKey(t, hash, NOW);
        Supplier<Instant> lastUsed =
                () -> store().findApiKeyByHash(hash).orElseThrow().lastUsedAt();
        store().touchApiKey(key.id(), NOW.plusSeconds(10));
        assertEquals(NOW.plusSeconds(10), lastUsed.get());
        store().touchApiKey(key.id(), NOW.plusSeconds(11));
        assertEquals(NOW.plusSeconds(10), lastUsed.get(), "exactly a second later is not more than a second");
        store().touchApiKey(key.id(), NOW.plusMillis(11_001));
        assertEquals(NOW.plusMillis(11_001), lastUsed.get());
        store().touchApiKey(key.id(), NOW);
        assertEquals(NOW.plusMillis(11_001), lastUsed.get(), "never back in time");
        store().touchApiKey(UUID.randomUUID(), NOW);
    }

    @Test
    void keysWithANulNameNothing() {
        Tenant t = store().ensureTenant(unique("t"));
        store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        assertTrue(store().findTenant(t.name() + "\0").isEmpty());
        assertTrue(store().findAgentByName(t.id(), "coder\0").isEmpty());
        assertTrue(store().findByPublicId("session\0").isEmpty());
    }

    @Test
    void aValueLongerThanItsColumnIsAnInvalidBodyAndWritesNothing() {
        String tenant65 = unique("t") + "x".repeat(65 - unique("t").length());
        refused(ErrorKind.INVALID_BODY, "invalid_request_body", () -> store().ensureTenant(tenant65));
        String tenant64 = tenant65.substring(0, 64);
        Tenant t = store().ensureTenant(tenant64);
        assertEquals(tenant64, t.name());

        String long256 = "é".repeat(256);
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createAgent(t, new NewAgent(long256, List.of(), false), NOW));
        assertEquals(List.of(), store().listAgents(t.id()));
        Agent agent = store().createAgent(t, new NewAgent(long256.substring(1), List.of(), false), NOW);
        refused(ErrorKind.INVALID_BODY, "invalid_request_body", () -> store().createTeam(t, long256, NOW));
        assertEquals(1, store().listTeams(t.id()).size());

        UUID id = Ids.newId();
        String public64 = uniqueOfLength("p", 64);
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createSession(
                                id,
                                public64 + "x",
                                agent,
                                ALICE,
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createSession(
                                id,
                                unique("s"),
                                agent,
                                ALICE,
                                null,
                                NewSession.defaults().withTitle("ü".repeat(1025)),
                                SessionStatus.CREATED,
                                NOW));
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createSession(
                                id,
                                unique("s"),
                                agent,
                                new SubjectRef("user", long256, null),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createSession(
                                id,
                                unique("s"),
                                agent,
                                new SubjectRef("u".repeat(65), "alice", null),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createSession(
                                id,
                                unique("s"),
                                agent,
                                new SubjectRef("user", "alice", long256),
                                null,
                                NewSession.defaults(),
                                SessionStatus.CREATED,
                                NOW));
        assertTrue(store().findById(id).isEmpty());
        Session s = store().createSession(
                        id,
                        public64,
                        agent,
                        new SubjectRef("u".repeat(64), long256.substring(1), long256.substring(1)),
                        null,
                        NewSession.defaults().withTitle("ü".repeat(1024)),
                        SessionStatus.CREATED,
                        NOW);

        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().updateSession(
                                s.id(),
                                new SessionChange(null, null, null, value("p".repeat(4097)), null, null, null),
                                NOW));
        assertEquals(0, store().findById(id).orElseThrow().lifecycle().version());

        refused(
                ErrorKind.INVALID_BODY,
                "invalid_request_body",
                () -> store().createApiKey(
                                t,
                                new NewApiKey("everruns", long256, ALICE, null, List.of(), null),
                                "evr_abcdefgh",
                                hash(),
                                NOW));
        assertEquals(List.of(), store().listApiKeys(t.id()));
    }

    /** {@code prefix-<8 hex>} padded with {@code x} to exactly {@code length} characters. */
    private static String uniqueOfLength(String prefix, int length) {
        String u = unique(prefix);
        return u + "x".repeat(length - u.length());
    }

    @Test
    void aKeyLongerThanItsColumnNamesNothingNotTheRowOfItsFirstCharacters() {
        Tenant t = store().ensureTenant(uniqueOfLength("t", 64));
        Team team = store().createTeam(t, "n".repeat(255), NOW);
        Agent agent = store().createAgent(t, new NewAgent("a".repeat(255), List.of(), false), NOW);
        UUID account = UUID.randomUUID();
        Session s = store().createSession(
                        Ids.newId(),
                        uniqueOfLength("s", 64),
                        agent,
                        ALICE,
                        account,
                        NewSession.defaults().withTitle("T".repeat(1024)),
                        SessionStatus.CREATED,
                        NOW);
        assertEquals(Optional.of(t), store().findTenant(t.name()));
        assertTrue(store().findTenant(t.name() + "x").isEmpty());
        assertTrue(store().findAgentByName(t.id(), agent.name() + "a").isEmpty());
        assertTrue(store().findAgentByObjectId(agent.objectId() + "0").isEmpty());
        assertTrue(store().findTeamByObjectId(team.objectId() + "0").isEmpty());
        assertTrue(store().findByPublicId(s.publicId() + "x").isEmpty());
        assertTrue(store().findByObjectId(s.objectId() + "0").isEmpty());
        assertTrue(store().titleInUse(t.id(), account, s.title()));
        assertFalse(store().titleInUse(t.id(), account, s.title() + "T"));
        refused(
                ErrorKind.NOT_FOUND,
                "team_not_found",
                () -> store().createAgent(t, new NewAgent("b", List.of(), false, team.objectId() + "0"), NOW));
        refused(
                ErrorKind.NOT_FOUND,
                "team_not_found",
                () -> store().createAgent(t, new NewAgent("b", List.of(), false, team.name() + "n"), NOW));
        String hash = hash();
        newKey(t, hash, NOW);
        assertTrue(store().findApiKeyByHash(hash + "0").isEmpty());
    }

    @Test
    void timesAreKeptToTheMicrosecondRounded() {
        Tenant t = store().ensureTenant(unique("t"));
        Instant base = Instant.parse("2026-11-22T08:00:00Z");
        assertEquals(
                base.plusNanos(123_457_000),
                store().createTeam(t, "up", base.plusNanos(123_456_789)).createdAt());
        assertEquals(
                base.plusNanos(123_456_000),
                store().createTeam(t, "down", base.plusNanos(123_456_123)).createdAt());
        assertEquals(
                base.plusSeconds(1),
                store().createTeam(t, "carry", base.plusNanos(999_999_900)).createdAt());
    }
}
