package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionPatch.StatusWrite;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionSelection.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The store's lifecycle contract (issue #12, docs/lifecycle.md): tombstones, patches of named columns, status
 * writes, cancel, pins, fork, counters, keyset lists and concurrency. {@link SessionStoreContract} implements it, so
 * every backend runs it.
 */
interface StoreLifecycleContract {
    Instant T0 = Instant.parse("2026-11-22T08:00:00.123Z");
    SubjectRef ALICE = new SubjectRef("user", "alice", null);
    SubjectRef BOB = new SubjectRef("user", "bob", null);
    ObjectMapper JSON = new ObjectMapper();

    /** The store under test. */
    SessionStore lifecycleStore();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Tenant tenant() {
        return lifecycleStore().ensureTenant(unique("life"));
    }

    private Agent agent(Tenant t, String name) {
        return lifecycleStore().createAgent(t, new NewAgent(name, List.of("mgr"), false), T0);
    }

    private Session create(Agent agent, SubjectRef owner, UUID account, Instant at) {
        return lifecycleStore()
                .createSession(
                        Ids.newId(),
                        unique("s"),
                        agent,
                        owner,
                        account,
                        NewSession.builder()
                                .title("Title " + at.toEpochMilli() % 100000)
                                .tags(List.of("a"))
                                .build(),
                        SessionStatus.CREATED,
                        at);
    }

    private SessionSelection all(Tenant t, Order order, Position after, int limit) {
        return new SessionSelection(
                t.id(), null, null, null, null, Visibility.ALL, null, null, null, null, order, after, 0, limit, null);
    }

    private List<UUID> ids(List<Session> sessions) {
        return sessions.stream().map(Session::id).toList();
    }

    @Test
    default void aDeletedSessionIsGoneFromEveryReadAndWrite() {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        UUID account = UUID.randomUUID();
        Session s = create(a, ALICE, account, T0);
        Session kept = create(a, ALICE, account, T0.plusSeconds(1));
        assertTrue(lifecycleStore().deleteSession(s.id(), T0.plusSeconds(5)));

        assertTrue(lifecycleStore().findById(s.id()).isEmpty());
        assertTrue(lifecycleStore().findByPublicId(s.publicId()).isEmpty());
        assertTrue(lifecycleStore().findByObjectId(s.objectId()).isEmpty());
        assertEquals(List.of(kept.id()), ids(lifecycleStore().listSessions(t.id(), 10)));
        assertEquals(List.of(kept.id()), ids(lifecycleStore().findSessions(all(t, Order.CREATED_ASC, null, 10))));
        assertEquals(1, lifecycleStore().countSessions(all(t, Order.CREATED_ASC, null, 10)));
        assertEquals(1, lifecycleStore().countByStatus(t.id(), t.id()).total());
        assertEquals(1, lifecycleStore().countByStatus(t.id(), a.id()).total());
        assertEquals(1, lifecycleStore().countByStatus(t.id(), account).total());
        assertFalse(lifecycleStore().titleInUse(t.id(), account, s.title()));

        assertFalse(lifecycleStore().deleteSession(s.id(), T0.plusSeconds(6)), "a second delete finds nothing");
        assertTrue(lifecycleStore()
                .patchSession(s.id(), SessionPatch.builder().title("x").build(), T0)
                .isEmpty());
        assertTrue(lifecycleStore()
                .cancelSession(s.id(), Set.of(SessionStatus.CREATED), T0)
                .isEmpty());
        assertTrue(lifecycleStore().setPinned(s.id(), ALICE, true, T0).isEmpty());
        assertTrue(lifecycleStore()
                .forkSession(s.id(), Ids.newId(), null, ALICE, null, new ForkRequest("f", null, null, null, null), T0)
                .isEmpty());
        assertTrue(lifecycleStore()
                .updateSession(
                        s.id(),
                        new SessionChange(new SessionChange.Value<>("y"), null, null, null, null, null, null),
                        T0)
                .isEmpty());
        // The position of a deleted session still pages: the keyset compares keys, not rows.
        assertEquals(
                List.of(kept.id()), ids(lifecycleStore().findSessions(all(t, Order.CREATED_ASC, Position.of(s), 10))));
    }

    @Test
    default void aPatchWritesOnlyItsFieldsAndMovesUpdatedAtNeverBack() throws Exception {
        Tenant t = tenant();
        Session s = create(agent(t, "coder"), ALICE, null, T0);
        Session renamed = lifecycleStore()
                .patchSession(s.id(), SessionPatch.builder().title("Renamed").build(), T0.plusSeconds(10))
                .orElseThrow();
        assertEquals("Renamed", renamed.title());
        assertEquals(List.of("a"), renamed.tags());
        assertEquals(T0.plusSeconds(10), renamed.times().updatedAt());
        assertEquals(s.times().createdAt(), renamed.times().createdAt());

        // Another instance with a clock behind: updated_at still moves forward, by a millisecond.
        Session tagged = lifecycleStore()
                .patchSession(
                        s.id(),
                        SessionPatch.builder()
                                .tags(List.of("x", "y"))
                                .locale("de-CH")
                                .variables(JSON.readTree("{\"k\":1}"))
                                .linesAdded(3)
                                .linesRemoved(4)
                                .build(),
                        T0.plusSeconds(1))
                .orElseThrow();
        assertEquals("Renamed", tagged.title());
        assertEquals(List.of("x", "y"), tagged.tags());
        assertEquals("de-CH", tagged.locale());
        assertEquals(JSON.readTree("{\"k\":1}"), tagged.variables());
        assertEquals(3, tagged.diff().linesAdded());
        assertEquals(4, tagged.diff().linesRemoved());
        assertEquals(T0.plusSeconds(10).plusMillis(1), tagged.times().updatedAt());
        assertEquals(SessionStatus.CREATED, tagged.status());
        assertEquals(tagged, lifecycleStore().findById(s.id()).orElseThrow());

        Session same = lifecycleStore()
                .patchSession(s.id(), SessionPatch.builder().build(), T0.plusSeconds(99))
                .orElseThrow();
        assertEquals(tagged, same, "an empty patch changes nothing, updated_at included");
        Session cleared = lifecycleStore()
                .patchSession(
                        s.id(), SessionPatch.builder().tags(null).locale(null).build(), T0.plusSeconds(20))
                .orElseThrow();
        assertNull(cleared.tags());
        assertNull(cleared.locale());
    }

    @Test
    default void statusWritesFollowTheLifecycleTable() {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        Session s = create(a, ALICE, null, T0);
        Session archived = patch(s, StatusWrite.ARCHIVE, 1);
        assertEquals(SessionStatus.ARCHIVED, archived.status());
        assertEquals("archived", archived.lifecycle().state());
        assertEquals(1, archived.lifecycle().version());
        assertNull(archived.sandbox().expiresAt());
        Session reopened = patch(s, StatusWrite.REOPEN, 2);
        assertEquals(SessionStatus.CREATED, reopened.status(), "never started: back to created");
        assertNull(reopened.lifecycle().state());
        assertEquals(2, reopened.lifecycle().version());
        Session unchanged = patch(s, StatusWrite.REOPEN, 3);
        assertEquals(reopened, unchanged, "reopening an open session changes nothing");

        lifecycleStore()
                .updateSession(
                        s.id(),
                        new SessionChange(null, SessionStatus.RUNNING, null, null, null, null, null),
                        T0.plusSeconds(4));
        Session completed = patch(s, StatusWrite.COMPLETE, 5);
        assertEquals(SessionStatus.COMPLETED, completed.status());
        assertEquals(T0.plusSeconds(5), completed.times().finishedAt());
        assertEquals(SessionStatus.WAITING, patch(s, StatusWrite.REOPEN, 6).status());
        Session failed = patch(s, StatusWrite.FAIL, 7);
        assertEquals(SessionStatus.FAILED, failed.status());
        assertEquals(T0.plusSeconds(5), failed.times().finishedAt(), "finished_at is kept once set");
        patch(s, StatusWrite.ARCHIVE, 8);
        assertEquals(SessionStatus.WAITING, patch(s, StatusWrite.REOPEN, 9).status(), "started once: waiting");
        assertCounts(t, a, Map.of(SessionStatus.WAITING, 1L));
    }

    private Session patch(Session s, StatusWrite write, int second) {
        return lifecycleStore()
                .patchSession(s.id(), SessionPatch.builder().status(write).build(), T0.plusSeconds(second))
                .orElseThrow();
    }

    private void assertCounts(Tenant t, Agent a, Map<SessionStatus, Long> expected) {
        StatusCounts want = new StatusCounts(expected);
        assertEquals(want, lifecycleStore().countByStatus(t.id(), t.id()));
        assertEquals(want, lifecycleStore().countByStatus(t.id(), a.id()));
        Map<SessionStatus, Long> counted = new EnumMap<>(SessionStatus.class);
        for (SessionStatus status : SessionStatus.values()) {
            counted.put(
                    status,
                    lifecycleStore()
                            .countSessions(new SessionSelection(
                                    t.id(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    Visibility.ALL,
                                    Set.of(status),
                                    null,
                                    null,
                                    null,
                                    Order.CREATED_ASC,
                                    null,
                                    0,
                                    1,
                                    null)));
        }
        assertEquals(want, new StatusCounts(counted));
    }

    @Test
    default void cancelStopsOnlyTheGivenStatusesAndIsSafeToRepeat() {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        Session s = create(a, ALICE, null, T0);
        CancelResult noop = lifecycleStore()
                .cancelSession(s.id(), Set.of(SessionStatus.RUNNING), T0.plusSeconds(1))
                .orElseThrow();
        assertFalse(noop.changed());
        assertEquals(s, noop.session(), "a no-op changes nothing, updated_at included");
        CancelResult done = lifecycleStore()
                .cancelSession(
                        s.id(),
                        Set.of(SessionStatus.CREATED, SessionStatus.RUNNING, SessionStatus.WAITING),
                        T0.plusSeconds(2))
                .orElseThrow();
        assertTrue(done.changed());
        assertEquals(SessionStatus.CANCELLED, done.session().status());
        assertEquals(T0.plusSeconds(2), done.session().times().finishedAt());
        assertEquals(T0.plusSeconds(2), done.session().times().updatedAt());
        assertFalse(lifecycleStore()
                .cancelSession(s.id(), Set.of(SessionStatus.CREATED), T0.plusSeconds(3))
                .orElseThrow()
                .changed());
        assertCounts(t, a, Map.of(SessionStatus.CANCELLED, 1L));
    }

    @Test
    default void pinsArePerSubjectAndRepeatable() {
        Tenant t = tenant();
        Session s = create(agent(t, "coder"), ALICE, null, T0);
        SubjectRef newcomer = new SubjectRef("user", unique("new"), null);
        assertTrue(lifecycleStore()
                .setPinned(s.id(), newcomer, true, T0.plusSeconds(1))
                .orElseThrow()
                .pinned());
        assertTrue(lifecycleStore()
                .setPinned(s.id(), newcomer, true, T0.plusSeconds(2))
                .orElseThrow()
                .pinned());
        assertTrue(lifecycleStore().isPinned(s.id(), newcomer));
        assertFalse(lifecycleStore().isPinned(s.id(), ALICE));
        assertFalse(lifecycleStore().isPinned(s.id(), new SubjectRef("serviceaccount", newcomer.id(), null)));
        // The lookups with a pin (one query in the database stores) agree with isPinned, by every key.
        SubjectRef serviceAccount = new SubjectRef("serviceaccount", newcomer.id(), null);
        SubjectRef unstorable = new SubjectRef("user", "x".repeat(10_000), null);
        for (SubjectRef who : List.of(newcomer, ALICE, serviceAccount, unstorable)) {
            boolean expected = who.equals(newcomer);
            assertEquals(
                    expected,
                    lifecycleStore().findById(s.id(), who).orElseThrow().pinned(),
                    who.toString());
            assertEquals(
                    expected,
                    lifecycleStore()
                            .findByPublicId(s.publicId(), who)
                            .orElseThrow()
                            .pinned(),
                    who.toString());
            assertEquals(
                    expected,
                    lifecycleStore()
                            .findByObjectId(s.objectId(), who)
                            .orElseThrow()
                            .pinned(),
                    who.toString());
            assertEquals(
                    lifecycleStore().findById(s.id()).orElseThrow().toBuilder()
                            .pinned(expected)
                            .build(),
                    lifecycleStore().findById(s.id(), who).orElseThrow(),
                    "the same session otherwise");
        }
        assertTrue(lifecycleStore().findById(Ids.newId(), newcomer).isEmpty());
        assertTrue(
                lifecycleStore().findByPublicId("none-" + unique("x"), newcomer).isEmpty());
        assertEquals(
                s.times().updatedAt(),
                lifecycleStore().findById(s.id()).orElseThrow().times().updatedAt(),
                "a pin is the subject's, not the session's");
        SessionSelection forNewcomer = new SessionSelection(
                t.id(),
                null,
                null,
                null,
                null,
                Visibility.ALL,
                null,
                null,
                null,
                null,
                Order.CREATED_ASC,
                null,
                0,
                10,
                newcomer);
        assertTrue(lifecycleStore().findSessions(forNewcomer).get(0).pinned());
        SessionSelection forAlice = new SessionSelection(
                t.id(),
                null,
                null,
                null,
                null,
                Visibility.ALL,
                null,
                null,
                null,
                null,
                Order.CREATED_ASC,
                null,
                0,
                10,
                ALICE);
        assertFalse(lifecycleStore().findSessions(forAlice).get(0).pinned());
        assertFalse(lifecycleStore()
                .setPinned(s.id(), newcomer, false, T0.plusSeconds(3))
                .orElseThrow()
                .pinned());
        assertFalse(lifecycleStore()
                .setPinned(s.id(), newcomer, false, T0.plusSeconds(4))
                .orElseThrow()
                .pinned());
        assertFalse(lifecycleStore().isPinned(s.id(), newcomer));
        assertFalse(
                lifecycleStore().setPinned(s.id(), BOB, false, T0).orElseThrow().pinned(), "never pinned");
    }

    @Test
    default void aForkCopiesTheSessionUnderNewIdsWithItsOverrides() throws Exception {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        Agent other = agent(t, "reviewer");
        Session parent = create(a, ALICE, null, T0);
        lifecycleStore()
                .patchSession(
                        parent.id(),
                        SessionPatch.builder()
                                .locale("fr")
                                .variables(JSON.readTree("[1]"))
                                .build(),
                        T0.plusSeconds(1));
        lifecycleStore()
                .updateSession(
                        parent.id(),
                        new SessionChange(
                                null,
                                SessionStatus.RUNNING,
                                null,
                                new SessionChange.Value<>("preview"),
                                null,
                                null,
                                null),
                        T0.plusSeconds(2));
        UUID id = Ids.newId();
        UUID account = UUID.randomUUID();
        Session fork = lifecycleStore()
                .forkSession(
                        parent.id(),
                        id,
                        null,
                        BOB,
                        account,
                        new ForkRequest("Title (fork)", null, null, null, null),
                        T0.plusSeconds(3))
                .orElseThrow();
        assertEquals(id, fork.id());
        assertEquals(Ids.sessionPublicId(id), fork.publicId());
        assertTrue(Ids.isObjectId(fork.objectId()));
        assertFalse(fork.objectId().equals(parent.objectId()));
        assertEquals(parent.id(), fork.forkedFromId());
        assertEquals("Title (fork)", fork.title());
        assertEquals(List.of("a"), fork.tags());
        assertEquals("fr", fork.locale());
        assertEquals(JSON.readTree("[1]"), fork.variables());
        assertEquals(a.id(), fork.agent().id());
        assertEquals(BOB, fork.owner());
        assertEquals(account, fork.accountId());
        assertEquals(SessionStatus.CREATED, fork.status());
        assertNull(fork.preview());
        assertNull(fork.times().startedAt());
        assertEquals(T0.plusSeconds(3), fork.times().createdAt());
        assertEquals(fork, lifecycleStore().findById(id).orElseThrow());

        UUID model = UUID.randomUUID();
        Session moved = lifecycleStore()
                .forkSession(
                        parent.id(),
                        Ids.newId(),
                        other,
                        ALICE,
                        null,
                        new ForkRequest("F", List.of("z"), "it", other.id(), model),
                        T0.plusSeconds(4))
                .orElseThrow();
        assertEquals(other.id(), moved.agent().id());
        assertEquals(List.of("z"), moved.tags());
        assertEquals("it", moved.locale());
        assertEquals(model, moved.modelId());
        assertEquals(3, lifecycleStore().countByStatus(t.id(), t.id()).total());
        assertEquals(1, lifecycleStore().countByStatus(t.id(), other.id()).of(SessionStatus.CREATED));
        assertEquals(1, lifecycleStore().countByStatus(t.id(), account).total());
    }

    @Test
    default void keysetPagesWalkEveryOrderWithoutRepeatsOrGaps() {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(create(a, ALICE, null, T0.plusSeconds(i / 2))); // pairs share a creation time: ids break ties
        }
        for (Order order : Order.values()) {
            Comparator<Session> cmp = switch (order) {
                case CREATED_ASC, CREATED_DESC ->
                    Comparator.<Session, Instant>comparing(s -> s.times().createdAt())
                            .thenComparing(s -> s.id().toString().replace("-", ""));
                case OBJECT_ID_ASC, OBJECT_ID_DESC -> Comparator.comparing(Session::objectId);
            };
            if (order == Order.CREATED_DESC || order == Order.OBJECT_ID_DESC) {
                cmp = cmp.reversed();
            }
            List<UUID> expected = made.stream().sorted(cmp).map(Session::id).toList();
            List<UUID> walked = new ArrayList<>();
            Position at = null;
            while (true) {
                List<Session> page = lifecycleStore().findSessions(all(t, order, at, 3));
                walked.addAll(ids(page));
                if (page.size() < 3) {
                    break;
                }
                at = Position.of(page.get(page.size() - 1));
            }
            assertEquals(expected, walked, order.toString());
            assertEquals(
                    expected.subList(2, 5),
                    ids(lifecycleStore()
                            .findSessions(new SessionSelection(
                                    t.id(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    Visibility.ALL,
                                    null,
                                    null,
                                    null,
                                    null,
                                    order,
                                    null,
                                    2,
                                    3,
                                    null))),
                    order + " with an offset");
        }
    }

    @Test
    default void selectionsFilterByEveryCondition() {
        Tenant t = tenant();
        Agent coder = agent(t, "coder");
        Agent reviewer = agent(t, "reviewer");
        UUID account = UUID.randomUUID();
        Session s1 = lifecycleStore()
                .createSession(
                        Ids.newId(),
                        unique("s"),
                        coder,
                        ALICE,
                        account,
                        NewSession.builder().title("Fix 100% of the_BUILD").build(),
                        SessionStatus.CREATED,
                        T0);
        Session s2 = lifecycleStore()
                .createSession(
                        Ids.newId(),
                        unique("s"),
                        reviewer,
                        BOB,
                        null,
                        NewSession.builder()
                                .title("review")
                                .sharingMode(SharingMode.RESTRICTED)
                                .build(),
                        SessionStatus.CREATED,
                        T0.plusSeconds(1));
        Session s3 = lifecycleStore()
                .createSession(
                        Ids.newId(),
                        unique("s"),
                        coder,
                        BOB,
                        null,
                        NewSession.builder()
                                .title("other build")
                                .sharingMode(SharingMode.RESTRICTED)
                                .build(),
                        SessionStatus.CREATED,
                        T0.plusSeconds(2));
        lifecycleStore()
                .updateSession(
                        s3.id(),
                        new SessionChange(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new Session.Sharing(SharingMode.RESTRICTED, Map.of("team-x", "read"))),
                        T0.plusSeconds(3));
        lifecycleStore()
                .patchSession(
                        s2.id(),
                        SessionPatch.builder().status(StatusWrite.ARCHIVE).build(),
                        T0.plusSeconds(3));
        Tenant other = tenant();
        create(agent(other, "coder"), ALICE, account, T0);

        assertEquals(List.of(s1.id(), s3.id()), select(t, b -> b.agents = Set.of(coder.id())));
        assertEquals(List.of(), select(t, b -> b.agents = Set.of()));
        assertEquals(List.of(s1.id()), select(t, b -> b.account = account));
        assertEquals(List.of(s2.id(), s3.id()), select(t, b -> b.owner = BOB));
        assertEquals(List.of(s2.id(), s3.id()), select(t, b -> b.owner = new SubjectRef(null, "bob", null)));
        assertEquals(List.of(), select(t, b -> b.owner = new SubjectRef("serviceaccount", "bob", null)));
        assertEquals(List.of(s2.id()), select(t, b -> b.statuses = Set.of(SessionStatus.ARCHIVED)));
        assertEquals(List.of(s1.id()), select(t, b -> b.title = "100%"));
        assertEquals(List.of(s1.id()), select(t, b -> b.title = "the_build"));
        assertEquals(List.of(), select(t, b -> b.title = "the_bu_ld"));
        assertEquals(List.of(s1.id(), s3.id()), select(t, b -> b.title = "BUILD"));
        assertEquals(List.of(s2.id(), s3.id()), select(t, b -> b.from = T0.plusSeconds(1)));
        assertEquals(List.of(s1.id(), s2.id()), select(t, b -> b.to = T0.plusSeconds(1)));
        assertEquals(List.of(s1.id(), s2.id(), s3.id()), select(t, b -> b.team = t.defaultTeamId()));
        assertEquals(
                List.of(s1.id(), s3.id()),
                select(t, b -> b.visibility = new Visibility.OwnerOrAgents(ALICE, Set.of(coder.id()))));
        assertEquals(List.of(s1.id()), select(t, b -> b.visibility = new Visibility.OwnerOrAgents(ALICE, Set.of())));
        assertEquals(
                List.of(s2.id(), s3.id()),
                select(t, b -> b.visibility = new Visibility.OwnerOrAgents(BOB, Set.of(reviewer.id()))));
        // Restricted sessions: shown to their owner and to those their permissions name, never by a value's text.
        assertEquals(
                List.of(s1.id()),
                select(t, b -> b.visibility = new Visibility.SharedWith(ALICE, Set.of("alice", "read"))));
        assertEquals(
                List.of(s1.id(), s3.id()),
                select(t, b -> b.visibility = new Visibility.SharedWith(ALICE, Set.of("team-x"))));
        assertEquals(
                List.of(s1.id(), s2.id(), s3.id()),
                select(t, b -> b.visibility = new Visibility.SharedWith(BOB, Set.of())));

        // The same shapes again with other values: the list statement is rendered once per shape and only bound.
        Tenant other2 = tenant();
        Agent otherCoder = agent(other2, "coder");
        Session o1 = create(otherCoder, ALICE, account, T0);
        assertEquals(List.of(s2.id()), select(t, b -> b.agents = Set.of(reviewer.id())));
        assertEquals(List.of(o1.id()), select(other2, b -> b.agents = Set.of(otherCoder.id())));
        assertEquals(List.of(s1.id(), s2.id(), s3.id()), select(t, b -> b.agents = Set.of(coder.id(), reviewer.id())));
        assertEquals(
                List.of(s1.id(), s3.id()),
                select(t, b -> b.agents = Set.of(coder.id(), otherCoder.id(), UUID.randomUUID())));
        assertEquals(List.of(), select(t, b -> b.account = UUID.randomUUID()));
        assertEquals(List.of(o1.id()), select(other2, b -> b.account = account));
        assertEquals(List.of(s1.id()), select(t, b -> b.owner = ALICE));
        assertEquals(List.of(o1.id()), select(other2, b -> b.owner = ALICE));
        assertEquals(List.of(), select(other2, b -> b.owner = BOB));
        assertEquals(List.of(s1.id()), select(t, b -> b.owner = new SubjectRef(null, "alice", null)));
        assertEquals(List.of(s1.id(), s3.id()), select(t, b -> b.statuses = Set.of(SessionStatus.CREATED)));
        assertEquals(
                List.of(s1.id(), s2.id(), s3.id()),
                select(t, b -> b.statuses = Set.of(SessionStatus.CREATED, SessionStatus.ARCHIVED)));
        assertEquals(List.of(s2.id()), select(t, b -> b.title = "REVIEW"));
        assertEquals(List.of(s3.id()), select(t, b -> b.from = T0.plusSeconds(2)));
        assertEquals(List.of(s1.id()), select(t, b -> b.to = T0));
        assertEquals(List.of(), select(t, b -> b.team = other2.defaultTeamId()));
        assertEquals(
                List.of(s1.id(), s2.id()),
                select(t, b -> b.visibility = new Visibility.OwnerOrAgents(ALICE, Set.of(reviewer.id()))));
        assertEquals(
                List.of(s2.id(), s3.id()), select(t, b -> b.visibility = new Visibility.OwnerOrAgents(BOB, Set.of())));
        assertEquals(
                List.of(s1.id()), select(t, b -> b.visibility = new Visibility.SharedWith(ALICE, Set.of("team-y"))));
        assertEquals(
                List.of(s1.id(), s3.id()),
                select(
                        t,
                        b -> b.visibility =
                                new Visibility.SharedWith(new SubjectRef("user", "carol", null), Set.of("team-x"))));
    }

    /** A mutable selection for {@link #select}. */
    final class Sel {
        UUID team;
        Set<UUID> agents;
        UUID account;
        SubjectRef owner;
        Visibility visibility = Visibility.ALL;
        Set<SessionStatus> statuses;
        String title;
        Instant from;
        Instant to;
    }

    private List<UUID> select(Tenant t, Consumer<Sel> conditions) {
        Sel b = new Sel();
        conditions.accept(b);
        SessionSelection s = new SessionSelection(
                t.id(),
                b.team,
                b.agents,
                b.account,
                b.owner,
                b.visibility,
                b.statuses,
                b.title,
                b.from,
                b.to,
                Order.CREATED_ASC,
                null,
                0,
                100,
                null);
        List<UUID> found = ids(lifecycleStore().findSessions(s));
        assertEquals(found.size(), lifecycleStore().countSessions(s), "count agrees with the list");
        return found;
    }

    private static List<Object> atOnce(int n, Supplier<?>... tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.length);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.length);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Supplier<?> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return (Object) task.get();
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : futures) {
                outcomes.add(f.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void twoPatchesOfDifferentFieldsBothSurvive() throws Exception {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        for (int round = 0; round < 10; round++) {
            Session s = create(a, ALICE, null, T0);
            String title = "title " + round;
            atOnce(
                    2,
                    () -> lifecycleStore()
                            .patchSession(
                                    s.id(), SessionPatch.builder().title(title).build(), T0.plusSeconds(1)),
                    () -> lifecycleStore()
                            .patchSession(
                                    s.id(),
                                    SessionPatch.builder()
                                            .tags(List.of("t" + title))
                                            .status(StatusWrite.ARCHIVE)
                                            .build(),
                                    T0.plusSeconds(1)));
            Session after = lifecycleStore().findById(s.id()).orElseThrow();
            assertEquals(title, after.title());
            assertEquals(List.of("t" + title), after.tags());
            assertEquals(SessionStatus.ARCHIVED, after.status());
            assertEquals(T0.plusSeconds(1).plusMillis(1), after.times().updatedAt(), "the second moved it on");
        }
        assertCounts(t, a, Map.of(SessionStatus.ARCHIVED, 10L));
    }

    @Test
    default void aPatchRacingADeleteEndsDeletedWithCountersTrue() throws Exception {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        for (int round = 0; round < 10; round++) {
            Session s = create(a, ALICE, null, T0);
            List<Object> outcomes = atOnce(
                    2,
                    () -> lifecycleStore()
                            .patchSession(
                                    s.id(),
                                    SessionPatch.builder()
                                            .status(StatusWrite.COMPLETE)
                                            .title("late")
                                            .build(),
                                    T0.plusSeconds(1)),
                    () -> lifecycleStore().deleteSession(s.id(), T0.plusSeconds(1)));
            assertEquals(true, outcomes.get(1), "the delete always lands");
            assertTrue(lifecycleStore().findById(s.id()).isEmpty());
        }
        assertCounts(t, a, Map.of());
    }

    @Test
    default void concurrentCancelsChangeOnce() throws Exception {
        Tenant t = tenant();
        Agent a = agent(t, "coder");
        Session s = create(a, ALICE, null, T0);
        Set<SessionStatus> open = Set.of(SessionStatus.CREATED, SessionStatus.RUNNING, SessionStatus.WAITING);
        List<Object> outcomes = atOnce(
                3,
                () -> lifecycleStore().cancelSession(s.id(), open, T0.plusSeconds(1)),
                () -> lifecycleStore().cancelSession(s.id(), open, T0.plusSeconds(1)),
                () -> lifecycleStore().cancelSession(s.id(), open, T0.plusSeconds(1)));
        assertEquals(
                1,
                outcomes.stream()
                        .filter(o -> ((Optional<?>) o)
                                .map(r -> ((CancelResult) r).changed())
                                .orElse(false))
                        .count(),
                outcomes.toString());
        assertCounts(t, a, Map.of(SessionStatus.CANCELLED, 1L));
    }
}
