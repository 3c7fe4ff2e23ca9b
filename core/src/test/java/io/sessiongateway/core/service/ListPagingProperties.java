package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.InMemorySessionStore;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.core.store.SessionStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random interleavings of creates, deletes and page fetches (docs/lifecycle.md section 5): a walk through a list
 * never repeats a session, never skips one that existed throughout, and never shows one that the same caller's get
 * would refuse or that was deleted before the page was fetched. Over the in-memory store, H2 and (when
 * {@code GATEWAY_TEST_PG_URL} is set) PostgreSQL, through {@link SessionLifecycle}.
 */
class ListPagingProperties {
    private static Database h2;
    private static Database postgres;

    @AfterContainer
    static void close() {
        if (h2 != null) {
            h2.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static synchronized SessionStore h2() throws Exception {
        if (h2 == null) {
            h2 = Database.open(new DatabaseConfig(
                    DatabaseConfig.h2FileUrl(Files.createTempDirectory("paging")),
                    null,
                    null,
                    4,
                    Duration.ofSeconds(5)));
            h2.migrate();
        }
        return new JooqSessionStore(h2);
    }

    private static synchronized SessionStore postgres() {
        if (postgres == null) {
            postgres = Database.open(new DatabaseConfig(
                    System.getenv("GATEWAY_TEST_PG_URL"),
                    System.getenv("GATEWAY_TEST_PG_USER"),
                    System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                    4,
                    Duration.ofSeconds(5)));
            postgres.migrate();
        }
        return new JooqSessionStore(postgres);
    }

    @Property(tries = 150)
    void inMemory(@ForAll("scenarios") Scenario scenario) {
        check(new InMemorySessionStore(), scenario);
    }

    @Property(tries = 15)
    void onH2(@ForAll("scenarios") Scenario scenario) throws Exception {
        check(h2(), scenario);
    }

    @Property(tries = 10)
    void onPostgres(@ForAll("scenarios") Scenario scenario) {
        if (System.getenv("GATEWAY_TEST_PG_URL") == null) {
            return; // no server: the two properties above hold the contract
        }
        check(postgres(), scenario);
    }

    /** A session to create: owner (caller index), agent index, sharing mode. */
    record Seed(int owner, int agent, SharingMode sharing) {}

    /** One step between page fetches: a create, a delete (of the n-th live session), or a fetch. */
    record Step(char kind, Seed seed, int n) {}

    record Scenario(AccessRule rule, Order order, int caller, int limit, List<Seed> initial, List<Step> steps) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Seed> seeds = Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.of(SharingMode.class))
                .as(Seed::new);
        Arbitrary<Step> steps = Arbitraries.oneOf(
                seeds.map(s -> new Step('c', s, 0)),
                Arbitraries.integers().between(0, 50).map(n -> new Step('d', null, n)),
                Arbitraries.just(new Step('f', null, 0)));
        Arbitrary<AccessRule> rules = Arbitraries.of(
                AccessRule.TENANT_MEMBER,
                AccessRule.OWNER_MANAGER_OR_ADMIN,
                AccessRule.OWNER,
                AccessRule.SHARED_IN_TEAM,
                AccessRule.ACCOUNT_OWNER,
                AccessRule.OPERATOR);
        return Combinators.combine(
                        rules,
                        Arbitraries.of(Order.CREATED_DESC, Order.CREATED_ASC, Order.OBJECT_ID_DESC),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(1, 4),
                        seeds.list().ofMaxSize(12),
                        steps.list().ofMaxSize(25))
                .as(Scenario::new);
    }

    /** Each reading one millisecond on: distinct creation times, some sessions sharing none. */
    private static final class TickingClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public synchronized Instant instant() {
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

    private static void check(SessionStore store, Scenario sc) {
        TickingClock clock = new TickingClock();
        SessionLifecycle life = new SessionLifecycle(store, new AccessPolicy(Set.of("user")), clock);
        String tenantName = "paging-" + UUID.randomUUID().toString().substring(0, 8);
        Tenant tenant = store.ensureTenant(tenantName);
        String team = tenant.defaultTeamObjectId();
        List<Principal> callers = List.of(
                new Principal(
                        new SubjectRef("user", "alice", null), tenantName, Set.of(team), UUID.randomUUID(), false),
                new Principal(new SubjectRef("user", "bob", null), tenantName, Set.of(team), UUID.randomUUID(), false),
                new Principal(new SubjectRef("user", "carol", null), tenantName, Set.of(team), null, true),
                new Principal(
                        new SubjectRef("user", "dave", null), tenantName, Set.of(team), UUID.randomUUID(), false));
        List<Agent> agents = List.of(
                store.createAgent(tenant, new NewAgent("a0", List.of("bob"), false), clock.instant()),
                store.createAgent(tenant, new NewAgent("a1", List.of(), false), clock.instant()),
                store.createAgent(tenant, new NewAgent("a2", List.of("alice", "bob"), false), clock.instant()));
        Map<UUID, Session> live = new LinkedHashMap<>();
        Consumer<Seed> create = seed -> {
            Principal owner = callers.get(seed.owner());
            Session s = store.createSession(
                    Ids.newId(),
                    Ids.sessionPublicId(Ids.newId()),
                    agents.get(seed.agent()),
                    owner.subject(),
                    owner.account(),
                    NewSession.builder().sharingMode(seed.sharing()).build(),
                    SessionStatus.CREATED,
                    clock.instant());
            live.put(s.id(), s);
        };
        sc.initial().forEach(create);
        Set<UUID> throughout = new HashSet<>(live.keySet());
        Set<UUID> deleted = new HashSet<>();

        // Operators hold the admin role; everyone else may be anyone (carol is an admin of the tenant too).
        Principal caller = callers.get(sc.rule() == AccessRule.OPERATOR ? 2 : sc.caller());
        Order order = sc.rule() == AccessRule.SHARED_IN_TEAM
                ? Order.OBJECT_ID_DESC
                : sc.order() == Order.OBJECT_ID_DESC ? Order.CREATED_DESC : sc.order();
        SessionQuery.Builder query =
                SessionQuery.builder(sc.rule()).order(order).limit(sc.limit());
        if (sc.rule() == AccessRule.SHARED_IN_TEAM) {
            query.teamObjectId(team);
        } else {
            query.tenantName(tenantName);
        }
        List<UUID> seen = new ArrayList<>();
        SessionPage[] page = {life.list(caller, query.build())};
        Consumer<SessionPage> take = p -> {
            for (Session s : p.items()) {
                assertFalse(deleted.contains(s.id()), "a page showed a session deleted before it was fetched");
                assertTrue(life.permits(caller, sc.rule(), s, false), "a page showed a session get would refuse");
                assertEquals(tenant.id(), s.scope().tenantId());
                seen.add(s.id());
            }
        };
        take.accept(page[0]);
        for (Step step : sc.steps()) {
            switch (step.kind()) {
                case 'c' -> create.accept(step.seed());
                case 'd' -> {
                    if (!live.isEmpty()) {
                        UUID victim = new ArrayList<>(live.keySet()).get(step.n() % live.size());
                        assertTrue(store.deleteSession(victim, clock.instant()));
                        live.remove(victim);
                        deleted.add(victim);
                        throughout.remove(victim);
                    }
                }
                default -> {
                    if (page[0].next().isPresent()) {
                        page[0] = life.list(
                                caller,
                                query.position(page[0].next().get(), Direction.NEXT)
                                        .build());
                        take.accept(page[0]);
                    }
                }
            }
        }
        while (page[0].next().isPresent()) {
            page[0] = life.list(
                    caller, query.position(page[0].next().get(), Direction.NEXT).build());
            take.accept(page[0]);
        }
        assertEquals(seen.size(), new HashSet<>(seen).size(), "a session was shown twice: " + seen);
        for (UUID id : throughout) {
            Session s = store.findById(id).orElseThrow();
            if (life.permits(caller, sc.rule(), s, false)) {
                assertTrue(seen.contains(id), "a session that existed throughout was skipped");
            }
        }
    }
}
