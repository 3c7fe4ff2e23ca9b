package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The store's contract, run once per backend by a one-line subclass. */
abstract class SessionStoreContract {
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00.123Z");

    /** A store over an empty, migrated database. */
    protected abstract SessionStore store();

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
        GatewayException dup = assertThrows(GatewayException.class,
                () -> store().createAgent(a, new NewAgent("helper", List.of(), false), NOW));
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
        Session created = store().createSession(id, publicId, agent, new SubjectRef("user", "alice", "Alice"),
                account, req, SessionStatus.CREATED, NOW);

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
        store().createSession(Ids.newId(), chosen, agent, alice, null, NewSession.defaults(),
                SessionStatus.CREATED, NOW);
        UUID second = Ids.newId();
        GatewayException e = assertThrows(GatewayException.class, () -> store().createSession(second, chosen,
                agent, new SubjectRef("user", "bob", null), null, NewSession.defaults(), SessionStatus.CREATED, NOW));
        assertEquals(ErrorKind.CONFLICT, e.kind());
        assertFalse(store().findById(second).isPresent());
    }

    @Test
    void subjectSlugFollowsTheLatestToken() {
        Tenant t = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Session one = store().createSession(Ids.newId(), unique("s"), agent, new SubjectRef("user", "u1", "old"),
                null, NewSession.defaults(), SessionStatus.CREATED, NOW);
        store().createSession(Ids.newId(), unique("s"), agent, new SubjectRef("user", "u1", "new"),
                null, NewSession.defaults(), SessionStatus.CREATED, NOW.plus(1, ChronoUnit.SECONDS));
        assertEquals("new", store().findById(one.id()).orElseThrow().owner().slug());
    }

    @Test
    void listSessionsIsPerTenantOldestFirstAndBounded() {
        Tenant t = store().ensureTenant(unique("t"));
        Tenant other = store().ensureTenant(unique("t"));
        Agent agent = store().createAgent(t, new NewAgent("coder", List.of(), false), NOW);
        Agent elsewhere = store().createAgent(other, new NewAgent("coder", List.of(), false), NOW);
        SubjectRef alice = new SubjectRef("user", "alice", null);
        Session second = store().createSession(Ids.newId(), unique("s"), agent, alice, null, NewSession.defaults(),
                SessionStatus.CREATED, NOW.plus(1, ChronoUnit.SECONDS));
        Session first = store().createSession(Ids.newId(), unique("s"), agent, alice, null, NewSession.defaults(),
                SessionStatus.CREATED, NOW);
        store().createSession(Ids.newId(), unique("s"), elsewhere, alice, null, NewSession.defaults(),
                SessionStatus.CREATED, NOW);
        assertEquals(List.of(first, second), store().listSessions(t.id(), 10));
        assertEquals(List.of(first), store().listSessions(t.id(), 1));
        assertEquals(List.of(), store().listSessions(UUID.randomUUID(), 10));
    }

    /** Runs the task on {@code n} threads released at once; returns what each returned or threw. */
    private static <T> List<Object> atOnce(int n, java.util.function.IntFunction<T> task) throws Exception {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<T>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(k);
                }));
            }
            List<Object> outcomes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<T> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
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
        List<Object> sessions = atOnce(6, i -> store().createSession(Ids.newId(), unique("s"), agent,
                new SubjectRef("user", "first-timer", null), null, NewSession.defaults(), SessionStatus.CREATED,
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
        List<Object> outcomes = atOnce(6, i -> store().createSession(Ids.newId(), chosen, agent,
                new SubjectRef("user", "u" + i, null), null, NewSession.defaults(), SessionStatus.CREATED, NOW));
        assertEquals(1, outcomes.stream().filter(o -> o instanceof Session).count(), outcomes.toString());
        assertEquals(5, outcomes.stream().filter(o -> o instanceof GatewayException g
                && g.kind() == ErrorKind.CONFLICT).count(), outcomes.toString());
    }
}
