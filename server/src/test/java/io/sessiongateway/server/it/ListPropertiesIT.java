package io.sessiongateway.server.it;

import io.restassured.response.Response;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Issue #12 item 6 over HTTP, as properties (jqwik; {@code ListPagingProperties} proves the same of the core's
 * keysets at store level, for every access rule and store):
 *
 * <ol>
 *   <li>{@link #pagingNeverRepeatsOrSkips}: random interleavings of creates (through all four dialects), deletes
 *       (Everruns, Agentcloud, Recoup) and page fetches of one walker per token style, all in one world: TrueFoundry
 *       {@code page_token} (search-sessions, random {@code limit}), Everruns {@code next_url} (its keyset cursor,
 *       random {@code limit}) and Agentcloud {@code before=} (ten a page). Each walk never repeats a session, never
 *       skips one that existed from its first page to its last, is in the list's order, and never shows a session
 *       deleted before the page was asked for. The offset styles (Everruns {@code offset}, Recoup's web app list)
 *       are the vendors' contracts and may repeat or skip under concurrent writes (README); they are walked once the
 *       writes stop, and must then give exactly the live sessions, each once. The admin list has no paging yet.
 *   <li>{@link #listsShowExactlyWhatGetAllows}: random callers (tenant admins, agent managers, owners, service
 *       accounts, members of random teams, random accounts, no account) over sessions of random agents (restricted
 *       or not) in random sharing modes with random grants: for every dialect, the sessions its list shows the
 *       caller (every page) are exactly those its get answers 200 for (Agentcloud: per team, for members; a
 *       non-member's list is 403 even where public sessions are readable), never one more.
 * </ol>
 *
 * <p>Each try is one world built from {@code new Random(seed)}; jqwik reports the seed of a failure. Replay with
 * {@code -Dlists.seed=<seed>}, change the number of worlds with {@code -Dlists.tries=<n>} (default 3 each, about a
 * minute in all on a quiet machine).
 */
class ListPropertiesIT {
    static final GatewayHarness GATEWAY = new GatewayHarness();
    static final Clients CLIENTS = GATEWAY.clients();
    static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup");
    static final List<String> DELETERS = List.of("everruns", "agentcloud", "recoup");
    static final List<String> WALKERS = List.of("truefoundry", "everruns", "agentcloud");
    /** How often each kind of event happened across tries: the properties are not vacuous. */
    static final Map<String, Integer> SEEN = new ConcurrentHashMap<>();
    /** Sessions not in the member's team (none expected: Recoup's agent is in the default team too). */
    static final Set<String> OTHER_TEAM = ConcurrentHashMap.newKeySet();

    @BeforeContainer
    static void start() throws Exception {
        GATEWAY.open();
    }

    @AfterContainer
    static void stop() throws Exception {
        GATEWAY.close();
        System.out.println("list properties: " + new TreeMap<>(SEEN));
    }

    /** Seed and tries from {@code -Dlists.seed} / {@code -Dlists.tries}. */
    public static final class FromSystemProperties implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            Optional.ofNullable(System.getProperty("lists.seed"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(context.attributes()::setSeed);
            Optional.ofNullable(System.getProperty("lists.tries"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(t -> context.attributes().setTries(Integer.parseInt(t)));
            return property.execute();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Paging under concurrent creates and deletes

    /** One walk through one list: what it has seen, and what existed when it began. */
    static final class Walk {
        final String style;
        final int limit;
        final Set<String> atStart;
        final List<String> seen = new ArrayList<>();
        final List<String> order = new ArrayList<>();
        String next;
        boolean started;
        boolean done;
        int pages;

        Walk(String style, int limit, Set<String> atStart) {
            this.style = style;
            this.limit = limit;
            this.atStart = atStart;
        }
    }

    @Property(tries = 3, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(FromSystemProperties.class)
    void pagingNeverRepeatsOrSkips(@ForAll long seed) {
        Random random = new Random(seed);
        StringBuilder log = new StringBuilder("world " + seed + "\n");
        Tenant t = CLIENTS.provisioning().tenant();
        /** Live sessions: public id → both ids. */
        Map<String, Created> live = new LinkedHashMap<>();
        Set<String> deleted = new HashSet<>();
        int initial = 12 + random.nextInt(10);
        for (int i = 0; i < initial; i++) {
            create(t, pick(random, DIALECTS), live, log);
        }
        Map<String, Walk> walks = new LinkedHashMap<>();
        for (String style : WALKERS) {
            walks.put(style, new Walk(style, style.equals("agentcloud") ? 10 : 1 + random.nextInt(4), Set.of()));
        }
        int steps = 0;
        while (walks.values().stream().anyMatch(w -> !w.done) && steps++ < 400) {
            int dice = random.nextInt(10);
            if (dice < 2) {
                create(t, pick(random, DIALECTS), live, log);
            } else if (dice < 4 && live.size() > 1) {
                String id = pick(random, new ArrayList<>(live.keySet()));
                Created c = live.remove(id);
                String via = pick(random, DELETERS);
                Response r = switch (via) {
                    case "everruns" -> CLIENTS.everruns().as(t.bearer()).delete(c.publicId());
                    case "recoup" -> CLIENTS.recoup().as(t.bearer()).delete(c.publicId());
                    default -> CLIENTS.agentcloud().as(t.bearer()).delete(t.team(), c.objectId());
                };
                check(r.statusCode() / 100 == 2, "delete via " + via + ": " + r.asString() + "\n" + log);
                deleted.add(c.publicId());
                log.append("deleted ")
                        .append(c.publicId())
                        .append(" via ")
                        .append(via)
                        .append('\n');
                SEEN.merge("paging: delete", 1, Integer::sum);
            } else {
                List<Walk> open = walks.values().stream().filter(w -> !w.done).toList();
                Walk w = pick(random, open);
                if (!w.started) {
                    walks.put(w.style, w = new Walk(w.style, w.limit, Set.copyOf(live.keySet())));
                    w.started = true;
                }
                fetch(t, w, live, deleted, log);
            }
        }
        for (Walk w : walks.values()) {
            check(w.done, w.style + " never finished\n" + log);
            Set<String> throughout = new TreeSet<>(w.atStart);
            throughout.retainAll(live.keySet());
            if (w.style.equals("agentcloud")) {
                throughout.removeAll(OTHER_TEAM);
            }
            Set<String> missing = new TreeSet<>(throughout);
            missing.removeAll(w.seen);
            check(
                    missing.isEmpty(),
                    w.style + " skipped " + missing + " that existed throughout; saw " + w.seen + "\n" + log);
            check(
                    new HashSet<>(w.seen).size() == w.seen.size(),
                    w.style + " repeated a session: " + w.seen + "\n" + log);
            for (int i = 1; i < w.order.size(); i++) {
                check(
                        w.order.get(i - 1).compareTo(w.order.get(i)) >= 0,
                        w.style + " out of order at " + i + ": " + w.order + "\n" + log);
            }
            SEEN.merge("paging: " + w.style + " pages", w.pages, Integer::sum);
        }
        // The offset styles once the writes stop: exactly the live sessions, each once.
        for (String style : List.of("everruns offset", "recoup offset")) {
            List<String> all = offsetWalk(t, style, 1 + random.nextInt(5));
            check(
                    new HashSet<>(all).size() == all.size() && new HashSet<>(all).equals(live.keySet()),
                    style + ": " + all + " vs live " + live.keySet() + "\n" + log);
        }
    }

    void create(Tenant t, String via, Map<String, Created> live, StringBuilder log) {
        Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, via));
        live.put(c.publicId(), c);
        if (!Sessions.show(CLIENTS, t, c.publicId()).getString("team").equals(t.team())) {
            OTHER_TEAM.add(c.publicId());
        }
        log.append("created ").append(c.publicId()).append(" via ").append(via).append('\n');
        SEEN.merge("paging: create", 1, Integer::sum);
    }

    /** Fetches the walk's next page and checks it against what is live now. */
    void fetch(Tenant t, Walk w, Map<String, Created> live, Set<String> deleted, StringBuilder log) {
        Response r;
        List<Map<String, Object>> items;
        switch (w.style) {
            case "truefoundry" -> {
                Map<String, Object> q = new HashMap<>(Map.of("limit", w.limit));
                if (w.next != null) {
                    q.put("page_token", w.next);
                }
                r = CLIENTS.trueFoundry().as(t.bearer()).search(t.tenant(), q);
                check(r.statusCode() == 200, "truefoundry page: " + r.asString() + "\n" + log);
                items = r.jsonPath().getList("data");
                w.next = r.jsonPath().getString("pagination.next_page_token");
                w.done = w.next == null;
            }
            case "everruns" -> {
                r = w.next == null
                        ? CLIENTS.everruns().as(t.bearer()).list(Map.of("limit", w.limit))
                        : CLIENTS.everruns().as(t.bearer()).follow(w.next);
                check(r.statusCode() == 200, "everruns page: " + r.asString() + "\n" + log);
                items = r.jsonPath().getList("data");
                w.next = r.jsonPath().getString("next_url");
                w.done = w.next == null;
            }
            default -> {
                r = w.next == null
                        ? CLIENTS.agentcloud().as(t.bearer()).list(t.team())
                        : CLIENTS.agentcloud().as(t.bearer()).list(t.team(), w.next);
                check(r.statusCode() == 200, "agentcloud page: " + r.asString() + "\n" + log);
                items = r.jsonPath().getList("sessions");
                check(items.size() <= 10, "agentcloud pages hold ten");
                if (items.isEmpty()) {
                    w.done = true;
                } else {
                    w.next = (String) items.get(items.size() - 1).get("_id");
                }
            }
        }
        w.pages++;
        Map<String, String> byObjectId = new HashMap<>();
        live.values().forEach(c -> byObjectId.put(c.objectId(), c.publicId()));
        for (Map<String, Object> item : items) {
            String id;
            String key;
            if (w.style.equals("agentcloud")) {
                String oid = (String) item.get("_id");
                id = byObjectId.get(oid);
                check(id != null, "agentcloud shows " + oid + ", which is not live (deleted or unknown)\n" + log);
                key = oid;
            } else {
                id = (String) item.get("id");
                key = (String) item.get("created_at") + " " + id;
            }
            check(
                    live.containsKey(id),
                    w.style + " shows " + id + (deleted.contains(id) ? ", deleted before the page" : ", unknown") + "\n"
                            + log);
            w.seen.add(id);
            w.order.add(key);
        }
        log.append(w.style)
                .append(" page ")
                .append(w.pages)
                .append(": ")
                .append(items.size())
                .append(" items\n");
    }

    List<String> offsetWalk(Tenant t, String style, int limit) {
        List<String> all = new ArrayList<>();
        for (int offset = 0; offset < 1000; offset += limit) {
            Response r = style.startsWith("everruns")
                    ? CLIENTS.everruns().as(t.bearer()).list(Map.of("limit", limit, "offset", offset))
                    : CLIENTS.recoup().as(t.bearer()).list(Map.of("status", "all", "limit", limit, "offset", offset));
            check(r.statusCode() == 200, style + ": " + r.asString());
            List<String> ids = r.jsonPath().getList(style.startsWith("everruns") ? "data.id" : "sessions.id");
            all.addAll(ids);
            if (ids.size() < limit) {
                break;
            }
        }
        return all;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Every list is exactly what get allows the same caller

    record Agent(
            String name, String everrunsId, String objectId, String team, List<String> managers, boolean restricted) {}

    record Caller(String subject, String type, List<String> teams, UUID account, boolean admin) {
        String bearer(String tenant) {
            return "Bearer "
                    + new TokenMinter(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8), GatewayHarness.ISSUER)
                            .mint(
                                    new TokenMinter.Grant(
                                            tenant, subject, type, null, teams, account, admin, Duration.ofHours(1)),
                                    Instant.now());
        }
    }

    record Made(String publicId, String objectId, String team) {}

    static final List<String> SUBJECTS = List.of("alice", "bob", "carol", "dave", "erin");

    @Property(tries = 3, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(FromSystemProperties.class)
    void listsShowExactlyWhatGetAllows(@ForAll long seed) {
        Random random = new Random(seed);
        StringBuilder log = new StringBuilder("world " + seed + "\n");
        String tenant = GatewayHarness.uniqueTenant();
        String defaultTeam = CLIENTS.provisioning()
                .agent(tenant, "seed-agent", List.of(), false)
                .team();
        List<String> teams = List.of(defaultTeam, CLIENTS.provisioning().team(tenant, "extra"));
        List<UUID> accounts = List.of(UUID.randomUUID(), UUID.randomUUID());
        List<Agent> agents = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            List<String> managers =
                    SUBJECTS.stream().filter(s -> random.nextInt(4) == 0).toList();
            boolean restricted = random.nextInt(3) == 0;
            String team = pick(random, teams);
            Response r = CLIENTS.admin(tenant)
                    .createAgent(
                            tenant,
                            Map.of("name", "agent-" + a, "managers", managers, "restricted", restricted, "team", team));
            check(r.statusCode() == 201, "agent: " + r.asString());
            agents.add(new Agent(
                    "agent-" + a,
                    r.jsonPath().getString("ids.everruns"),
                    r.jsonPath().getString("ids.agentcloud"),
                    team,
                    managers,
                    restricted));
        }
        List<Caller> callers = new ArrayList<>();
        for (String subject : SUBJECTS) {
            callers.add(new Caller(
                    subject,
                    random.nextInt(5) == 0 ? "serviceaccount" : "user",
                    teams.stream().filter(x -> random.nextInt(2) == 0).toList(),
                    random.nextInt(4) == 0 ? null : pick(random, accounts),
                    random.nextInt(5) == 0));
        }
        callers.forEach(c -> log.append("caller ").append(c).append('\n'));
        agents.forEach(a -> log.append("agent ").append(a).append('\n'));

        List<Made> sessions = new ArrayList<>();
        for (int i = 0; i < 24 && sessions.size() < 10; i++) {
            Caller creator = pick(random, callers);
            Agent agent = pick(random, agents);
            String via = pick(random, DIALECTS);
            String bearer = creator.bearer(tenant);
            Response r = switch (via) {
                case "truefoundry" ->
                    CLIENTS.trueFoundry().as(bearer).create(tenant, Map.of("agent_name", agent.name()));
                case "everruns" -> CLIENTS.everruns().as(bearer).create(Map.of("agent_id", agent.everrunsId()));
                case "agentcloud" ->
                    CLIENTS.agentcloud().as(bearer).create(agent.team(), Map.of("id", agent.objectId()));
                default -> CLIENTS.recoup().as(bearer).create(Map.of());
            };
            if (r.statusCode() / 100 != 2) {
                continue; // refusals are IsolationPropertyIT's subject
            }
            String anyId = switch (via) {
                case "truefoundry" -> r.jsonPath().getString("data.id");
                case "everruns" -> r.jsonPath().getString("id");
                case "agentcloud" -> AgentcloudClient.createdId(r);
                default -> r.jsonPath().getString("session.id");
            };
            Map<String, String> permissions = new LinkedHashMap<>();
            if (random.nextInt(3) == 0) {
                permissions.put(random.nextBoolean() ? pick(random, SUBJECTS) : pick(random, teams), "read");
            }
            String mode = pick(random, List.of("restricted", "team", "public"));
            Response p = CLIENTS.admin(tenant)
                    .updateSession(anyId, Map.of("sharing", Map.of("mode", mode, "permissions", permissions)));
            check(p.statusCode() == 200, "sharing: " + p.asString());
            Made m = new Made(
                    p.jsonPath().getString("ids.truefoundry"),
                    p.jsonPath().getString("ids.agentcloud"),
                    p.jsonPath().getString("team"));
            sessions.add(m);
            log.append("session ")
                    .append(m)
                    .append(" via ")
                    .append(via)
                    .append(" by ")
                    .append(creator.subject())
                    .append(" of ")
                    .append(agent.name())
                    .append(' ')
                    .append(mode)
                    .append(' ')
                    .append(permissions)
                    .append('\n');
        }
        check(!sessions.isEmpty(), "no session could be created\n" + log);
        // One deleted session stays in the world: every get refuses it, so no list may show it.
        Made gone = pick(random, sessions);
        Response d = CLIENTS.everruns().as(callers.get(0).bearer(tenant)).delete(gone.publicId());
        check(d.statusCode() == 204, "delete: " + d.asString());
        log.append("deleted ").append(gone).append('\n');
        check(!sessions.isEmpty(), "no session could be created\n" + log);

        for (Caller caller : callers) {
            String bearer = caller.bearer(tenant);
            // TrueFoundry search-sessions (admin all, manager its agents' and own, others own): get's rule exactly.
            Set<String> gets = new TreeSet<>();
            for (Made m : sessions) {
                if (CLIENTS.trueFoundry().as(bearer).get(tenant, m.publicId()).statusCode() == 200) {
                    gets.add(m.publicId());
                }
            }
            Set<String> listed = new TreeSet<>(walkTrueFoundry(tenant, bearer, Map.of(), log));
            equal("truefoundry search-sessions", caller, listed, gets, log);
            // The per-agent list: never one more than get (a restricted agent's list is 403 for non-managers).
            Set<String> perAgent = new TreeSet<>();
            for (Agent a : agents) {
                perAgent.addAll(walkTrueFoundry(tenant, bearer, Map.of("agent_name", a.name()), log));
            }
            check(
                    gets.containsAll(perAgent),
                    "truefoundry list shows " + perAgent + " beyond gets " + gets + " to " + caller + "\n" + log);

            gets = new TreeSet<>();
            for (Made m : sessions) {
                if (CLIENTS.everruns().as(bearer).get(m.publicId()).statusCode() == 200) {
                    gets.add(m.publicId());
                }
            }
            equal("everruns", caller, new TreeSet<>(walkEverruns(bearer, log)), gets, log);

            gets = new TreeSet<>();
            for (Made m : sessions) {
                if (CLIENTS.recoup().as(bearer).get(m.publicId()).statusCode() == 200) {
                    gets.add(m.publicId());
                }
            }
            equal("recoup", caller, new TreeSet<>(walkRecoup(bearer, log)), gets, log);

            for (String team : teams) {
                Set<String> teamGets = new TreeSet<>();
                for (Made m : sessions) {
                    if (m.team().equals(team)
                            && CLIENTS.agentcloud()
                                            .as(bearer)
                                            .get(team, m.objectId())
                                            .statusCode()
                                    == 200) {
                        teamGets.add(m.objectId());
                    }
                }
                Response first = CLIENTS.agentcloud().as(bearer).list(team);
                if (caller.teams().contains(team)) {
                    equal(
                            "agentcloud " + team,
                            caller,
                            new TreeSet<>(walkAgentcloud(team, bearer, log)),
                            teamGets,
                            log);
                    SEEN.merge("visibility: agentcloud member lists", 1, Integer::sum);
                } else {
                    check(first.statusCode() == 403, "agentcloud list by a non-member: " + first.asString());
                    SEEN.merge("visibility: agentcloud non-member 403", 1, Integer::sum);
                }
            }
        }
    }

    void equal(String what, Caller caller, Set<String> listed, Set<String> gets, StringBuilder log) {
        check(
                listed.equals(gets),
                what + " to " + caller + ": the list shows " + listed + ", get allows " + gets + "\n" + log);
        SEEN.merge("visibility: " + what.split(" ")[0] + (gets.isEmpty() ? " empty" : " non-empty"), 1, Integer::sum);
    }

    List<String> walkTrueFoundry(String tenant, String bearer, Map<String, Object> filter, StringBuilder log) {
        List<String> ids = new ArrayList<>();
        String token = null;
        boolean perAgent = filter.containsKey("agent_name");
        do {
            Map<String, Object> q = new HashMap<>(filter);
            q.put("limit", 3);
            if (token != null) {
                q.put("page_token", token);
            }
            Response r = perAgent
                    ? CLIENTS.trueFoundry().as(bearer).list(tenant, q)
                    : CLIENTS.trueFoundry().as(bearer).search(tenant, q);
            if (perAgent && r.statusCode() == 403) {
                SEEN.merge("visibility: truefoundry restricted list 403", 1, Integer::sum);
                return ids;
            }
            check(r.statusCode() == 200, "truefoundry list: " + r.asString() + "\n" + log);
            ids.addAll(r.jsonPath().getList("data.id"));
            token = r.jsonPath().getString("pagination.next_page_token");
        } while (token != null);
        return ids;
    }

    List<String> walkEverruns(String bearer, StringBuilder log) {
        List<String> ids = new ArrayList<>();
        Response r = CLIENTS.everruns().as(bearer).list(Map.of("limit", 4));
        while (true) {
            check(r.statusCode() == 200, "everruns list: " + r.asString() + "\n" + log);
            ids.addAll(r.jsonPath().getList("data.id"));
            String next = r.jsonPath().getString("next_url");
            if (next == null) {
                return ids;
            }
            r = CLIENTS.everruns().as(bearer).follow(next);
        }
    }

    List<String> walkRecoup(String bearer, StringBuilder log) {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ; offset += 4) {
            Response r = CLIENTS.recoup().as(bearer).list(Map.of("status", "all", "limit", 4, "offset", offset));
            if (r.statusCode() == 401) {
                return ids; // no account: README, a token without an account lists nothing
            }
            check(r.statusCode() == 200, "recoup list: " + r.asString() + "\n" + log);
            List<String> page = r.jsonPath().getList("sessions.id");
            ids.addAll(page);
            if (!r.jsonPath().getBoolean("pagination.hasMore")) {
                return ids;
            }
        }
    }

    List<String> walkAgentcloud(String team, String bearer, StringBuilder log) {
        List<String> ids = new ArrayList<>();
        Response r = CLIENTS.agentcloud().as(bearer).list(team);
        while (true) {
            check(r.statusCode() == 200, "agentcloud list: " + r.asString() + "\n" + log);
            List<String> page = r.jsonPath().getList("sessions._id");
            if (page.isEmpty()) {
                return ids;
            }
            ids.addAll(page);
            r = CLIENTS.agentcloud().as(bearer).list(team, page.get(page.size() - 1));
        }
    }

    static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
