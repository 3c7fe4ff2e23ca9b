package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.Sessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agentcloud's lifecycle over real HTTP (docs/lifecycle.md): {@code GET /{slug}/sessions.json} (ten a page, newest
 * first, {@code before=}), {@code DELETE /{slug}/forms/session/{id}}, {@code POST …/cancel} and {@code POST …/edit}.
 * Every declared status for its reason, visibility equal to get's, keyset paging under concurrent writes, and the
 * effect read back through the other three dialects. Every response is validated against its document.
 */
class AgentcloudLifecycleIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final AgentcloudClient AGENTCLOUD = CLIENTS.agentcloud();
    static final String UNKNOWN = "0123456789abcdef01234567";

    static String org;
    static UUID account;
    static String team;
    static String app;
    static String otherTeam;

    @BeforeAll
    static void provision() {
        org = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        Provisioning.Agent agent = GATEWAY.provisioning().agent(org, "support-bot", List.of(), false);
        team = agent.team();
        app = agent.agentcloudId();
        otherTeam = GATEWAY.provisioning().team(org, "other");
    }

    static String member(String subject) {
        return "Bearer " + fullToken(org, subject, account, List.of(team));
    }

    static String memberOf(String subject, String... teams) {
        return "Bearer " + fullToken(org, subject, account, List.of(teams));
    }

    static String outsider() {
        return "Bearer " + fullToken(org, "mallory", null, List.of(otherTeam));
    }

    static String create(String bearer, String slug, String appId) {
        Response r = AGENTCLOUD.as(bearer).create(slug, Map.of("id", appId));
        assertEquals(200, r.statusCode(), r.asString());
        return AgentcloudClient.createdId(r);
    }

    static String create(String subject) {
        return create(member(subject), team, app);
    }

    /** A team of its own with an app: lists in it see only what the test made. */
    record Team(String slug, String app) {}

    static Team freshTeam(String name) {
        String slug = GATEWAY.provisioning().team(org, name);
        return new Team(
                slug,
                GATEWAY.provisioning().agentInTeam(org, name + "-bot", slug).agentcloudId());
    }

    static void share(String id, String mode, Map<String, String> permissions) {
        Response r = CLIENTS.admin(org)
                .updateSession(id, Map.of("sharing", Map.of("mode", mode, "permissions", permissions)));
        assertEquals(200, r.statusCode(), r.asString());
    }

    static void setStatus(String id, String status) {
        Response r = CLIENTS.admin(org).updateSession(id, Map.of("status", status));
        assertEquals(200, r.statusCode(), r.asString());
    }

    static void assertJson(Response r) {
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    }

    static void assertError(Response r, int status, String messageStart) {
        assertEquals(status, r.statusCode(), r.asString());
        assertJson(r);
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(Set.of("code", "message"), body.keySet(), r.asString());
        assertEquals(status, body.get("code"));
        assertTrue(((String) body.get("message")).startsWith(messageStart), r.asString());
    }

    static void assertEmptyOk(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertJson(r);
        assertEquals("{}", r.asString());
    }

    /** The session as GET shows it to this caller; asserts 200. */
    static Map<String, Object> get(String bearer, String slug, String id) {
        Response r = AGENTCLOUD.as(bearer).get(slug, id);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getMap("session");
    }

    static Instant lastUpdated(Map<String, Object> session) {
        return Instant.parse((String) ((Map<?, ?>) session.get("lastUpdatedDate")).get("$date"));
    }

    /** One page; asserts 200, the whole body's shape, at most ten sessions, newest first. */
    static List<Map<String, Object>> page(String bearer, String slug, String before) {
        Response r = before == null
                ? AGENTCLOUD.as(bearer).list(slug)
                : AGENTCLOUD.as(bearer).list(slug, before);
        assertEquals(200, r.statusCode(), r.asString());
        assertJson(r);
        assertEquals(Set.of("csrf", "sessions"), r.jsonPath().getMap("").keySet());
        assertTrue(r.jsonPath().getString("csrf").matches("^[A-Za-z0-9]{8}-[A-Za-z0-9_-]{27}$"));
        List<Map<String, Object>> sessions = r.jsonPath().getList("sessions");
        assertTrue(sessions.size() <= 10, r.asString());
        List<String> ids = sessions.stream().map(s -> (String) s.get("_id")).toList();
        assertEquals(ids.stream().sorted(Comparator.reverseOrder()).toList(), ids, "descending _id");
        return sessions;
    }

    /** Walks every page from the first, as the vendor's client does; returns the ids in order. */
    static List<String> walk(String bearer, String slug, Runnable betweenPages) {
        List<String> ids = new ArrayList<>();
        String before = null;
        for (int pages = 0; pages < 100; pages++) {
            List<Map<String, Object>> sessions = page(bearer, slug, before);
            if (sessions.isEmpty()) {
                return ids;
            }
            sessions.forEach(s -> ids.add((String) s.get("_id")));
            before = ids.get(ids.size() - 1);
            betweenPages.run();
        }
        throw new AssertionError("more than 100 pages");
    }

    // ---- list

    @Test
    void theListIsTenAPageNewestFirstAndEachSessionIsWhatGetShows() {
        Team t = freshTeam("paging");
        String alice = memberOf("alice", t.slug());
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(create(alice, t.slug(), t.app()));
        }
        List<Map<String, Object>> first = page(alice, t.slug(), null);
        assertEquals(10, first.size());
        for (Map<String, Object> s : first) {
            assertEquals(get(alice, t.slug(), (String) s.get("_id")), s, "a listed session is the one get shows");
        }
        assertEquals(first, page(alice, t.slug(), "null"), "before=null is the first page");
        List<String> all = walk(alice, t.slug(), () -> {});
        assertEquals(23, all.size());
        assertEquals(new HashSet<>(created), new HashSet<>(all), "no repeat, no skip");
        assertEquals(created.stream().sorted(Comparator.reverseOrder()).toList(), all);
        assertEquals(List.of(), page(alice, t.slug(), all.get(all.size() - 1)), "after the oldest: empty");
        assertEquals(
                all.subList(11, 21),
                page(alice, t.slug(), all.get(10)).stream()
                        .map(s -> s.get("_id"))
                        .toList(),
                "before= is exclusive");
        assertEquals(
                all.subList(0, 10),
                page(alice, t.slug(), "ffffffffffffffffffffffff").stream()
                        .map(s -> s.get("_id"))
                        .toList(),
                "before= need not name a session");
    }

    @Test
    void pagingUnderConcurrentCreatesAndDeletesNeverRepeatsNorSkipsASessionThatExistedThroughout() throws Exception {
        Team t = freshTeam("churn");
        String alice = memberOf("alice", t.slug());
        List<String> initial = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            initial.add(create(alice, t.slug(), t.app()));
        }
        List<String> oldestFirst = initial.stream().sorted().toList();
        Set<String> deleted = new HashSet<>();
        List<String> createdMeanwhile = new ArrayList<>();
        int[] turn = {0};
        List<String> seen = walk(alice, t.slug(), () -> {
            // Between pages: a newer session appears, an older one not yet seen goes.
            createdMeanwhile.add(create(alice, t.slug(), t.app()));
            String victim = oldestFirst.get(turn[0]++ * 2);
            assertEmptyOk(AGENTCLOUD.as(alice).delete(t.slug(), victim));
            deleted.add(victim);
        });
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no repeat: " + seen);
        Set<String> throughout = new HashSet<>(initial);
        throughout.removeAll(deleted);
        assertTrue(new HashSet<>(seen).containsAll(throughout), "no skip");
        assertTrue(seen.stream().noneMatch(createdMeanwhile::contains), "pages go back in time only");
        Set<String> now = new HashSet<>(walk(alice, t.slug(), () -> {}));
        Set<String> expected = new HashSet<>(throughout);
        expected.addAll(createdMeanwhile);
        assertEquals(expected, now, "a deleted session is never listed again");
    }

    @Test
    void theListShowsEachCallerExactlyTheSessionsGetLetsItRead() {
        Team t = freshTeam("visibility");
        Team elsewhere = freshTeam("elsewhere");
        String owner = memberOf("olga", t.slug());
        String open = create(owner, t.slug(), t.app());
        String teamOnly = create(owner, t.slug(), t.app());
        String restricted = create(owner, t.slug(), t.app());
        String granted = create(owner, t.slug(), t.app());
        String grantedToTeam = create(owner, t.slug(), t.app());
        String notInThisTeam = create(memberOf("olga", elsewhere.slug()), elsewhere.slug(), elsewhere.app());
        String deleted = create(owner, t.slug(), t.app());
        share(open, "public", Map.of());
        share(teamOnly, "team", Map.of());
        share(restricted, "restricted", Map.of());
        share(granted, "restricted", Map.of("carol", "read"));
        share(grantedToTeam, "restricted", Map.of(elsewhere.slug(), "read"));
        assertEmptyOk(AGENTCLOUD.as(owner).delete(t.slug(), deleted));
        List<String> all = List.of(open, teamOnly, restricted, granted, grantedToTeam, notInThisTeam, deleted);
        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("owner", owner);
        callers.put("member", memberOf("bob", t.slug()));
        callers.put("granted member", memberOf("carol", t.slug()));
        callers.put("member of a granted team", memberOf("dave", t.slug(), elsewhere.slug()));
        Map<String, Set<String>> expected = Map.of(
                "owner", Set.of(open, teamOnly, restricted, granted, grantedToTeam),
                "member", Set.of(open, teamOnly),
                "granted member", Set.of(open, teamOnly, granted),
                "member of a granted team", Set.of(open, teamOnly, grantedToTeam));
        callers.forEach((who, bearer) -> {
            Set<String> listed = new HashSet<>(walk(bearer, t.slug(), () -> {}));
            Set<String> readable = all.stream()
                    .filter(id -> AGENTCLOUD.as(bearer).get(t.slug(), id).statusCode() == 200)
                    .collect(Collectors.toSet());
            assertEquals(readable, listed, who + ": the list is exactly what get lets it read");
            assertEquals(expected.get(who), listed, who);
        });
        // Who may not list the team at all: 403, though some could read a public session one by one.
        assertEquals(200, AGENTCLOUD.get(t.slug(), open).statusCode());
        assertError(AGENTCLOUD.list(t.slug()), 403, "missing authentication token");
        assertError(
                AGENTCLOUD.as(memberOf("erin", elsewhere.slug())).list(t.slug()),
                403,
                "invalid permissions on the resourceSlug");
        assertError(
                AGENTCLOUD
                        .as("Bearer " + fullToken("another-org", "olga", account, List.of(t.slug())))
                        .list(t.slug()),
                403,
                "invalid permissions on the resourceSlug");
        assertError(AGENTCLOUD.as("Bearer garbage").list(t.slug()), 403, "");
        assertError(AGENTCLOUD.as(owner).list(UNKNOWN), 403, "invalid permissions on the resourceSlug");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "NULL",
                "undefined",
                "0123456789ABCDEF01234567",
                "0123456789abcdef0123456",
                "0123456789abcdef012345678",
                "' OR '1'='1"
            })
    void aBeforeThatIsNoObjectIdIs400(String before) {
        assertError(AGENTCLOUD.as(member("alice")).list(team, before), 400, "before must be an ObjectId");
    }

    @Test
    void beforeTwiceAndMalformedTeamsAre400() {
        Response twice = AGENTCLOUD
                .as(member("alice"))
                .request()
                .queryParam("before", UNKNOWN, UNKNOWN)
                .get(AgentcloudClient.SESSIONS, team);
        assertError(twice, 400, "before must be given once");
        assertError(AGENTCLOUD.as(member("alice")).list("acme"), 400, "resourceSlug must be an ObjectId");
        assertError(AGENTCLOUD.list("acme"), 400, "resourceSlug must be an ObjectId");
    }

    // ---- delete

    @Test
    void deleteAnswersEmptyAndTheSessionIsGoneFromEveryDialect() {
        Provisioning.Tenant t = GATEWAY.provisioning().tenant();
        for (String via : Clients.DIALECTS) {
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, via));
            String slug = Sessions.show(CLIENTS, t, c.objectId()).getString("team");
            assertTrue(new HashSet<>(walk(t.bearer(), slug, () -> {})).contains(c.objectId()), via);
            assertEmptyOk(AGENTCLOUD.as(t.bearer()).delete(slug, c.objectId()));
            assertError(AGENTCLOUD.as(t.bearer()).get(slug, c.objectId()), 400, "Invalid inputs");
            assertEquals(
                    404,
                    CLIENTS.trueFoundry()
                            .as(t.bearer())
                            .get(t.tenant(), c.publicId())
                            .statusCode(),
                    via);
            assertEquals(
                    404, CLIENTS.everruns().as(t.bearer()).get(c.publicId()).statusCode(), via);
            assertEquals(404, CLIENTS.recoup().as(t.bearer()).get(c.publicId()).statusCode(), via);
            assertFalse(walk(t.bearer(), slug, () -> {}).contains(c.objectId()), via);
            // Not idempotent, as the vendor's deletedCount < 1: the repeat is 400.
            assertError(AGENTCLOUD.as(t.bearer()).delete(slug, c.objectId()), 400, "Invalid inputs");
        }
    }

    @Test
    void aBodyIdOtherThanThePathsDeletesNothing() {
        String a = create("alice");
        String b = create("alice");
        assertError(AGENTCLOUD.as(member("alice")).delete(team, a, Map.of("sessionId", b)), 400, "Invalid inputs");
        get(member("alice"), team, a);
        get(member("alice"), team, b);
    }

    @Test
    void deleteBodiesAre400ForMembers() {
        String id = create("alice");
        assertError(AGENTCLOUD.as(member("alice")).delete(team, id, null), 400, "request body is required");
        assertError(AGENTCLOUD.as(member("alice")).delete(team, id, Map.of()), 400, "sessionId is required");
        assertError(AGENTCLOUD.as(member("alice")).delete(team, id, Map.of("sessionId", 5)), 400, "sessionId");
        assertError(
                AGENTCLOUD.as(member("alice")).delete(team, id, Map.of("sessionId", id.toUpperCase())),
                400,
                "Invalid inputs");
        assertError(AGENTCLOUD.as(member("alice")).delete(team, UNKNOWN), 400, "Invalid inputs");
        assertError(
                AGENTCLOUD.as(member("alice")).delete(team, "nope", Map.of("sessionId", id)),
                400,
                "sessionId must be an ObjectId");
        get(member("alice"), team, id);
    }

    @Test
    void credentialsAndMembershipComeBeforeTheBody() {
        String id = create("alice");
        for (Object body : new Object[] {null, Map.of(), Map.of("sessionId", 5), "not json"}) {
            assertError(AGENTCLOUD.delete(team, id, body), 403, "missing authentication token");
            assertError(
                    AGENTCLOUD.as(outsider()).delete(team, id, body), 403, "invalid permissions on the resourceSlug");
            assertError(
                    AGENTCLOUD.as(outsider()).cancel(team, id, body), 403, "invalid permissions on the resourceSlug");
            assertError(AGENTCLOUD.as("Bearer garbage").edit(team, id, body), 403, "");
        }
        assertError(AGENTCLOUD.as(outsider()).create(team, Map.of()), 403, "invalid permissions on the resourceSlug");
        // The path's ids come first of all (the vendor's route patterns).
        assertError(AGENTCLOUD.delete(team, "nope", null), 400, "sessionId must be an ObjectId");
        get(member("alice"), team, id);
    }

    @Test
    void whoMayNotReadASessionMayNotDeleteNorCancelIt() {
        String id = create("alice");
        share(id, "restricted", Map.of());
        assertError(AGENTCLOUD.as(member("bob")).delete(team, id), 403, "not authorized");
        assertError(AGENTCLOUD.as(member("bob")).cancel(team, id), 403, "not authorized");
        share(id, "public", Map.of());
        // Anyone reads a public session, but only members of its team write it.
        assertError(AGENTCLOUD.as(outsider()).delete(team, id), 403, "invalid permissions on the resourceSlug");
        assertEquals("started", get(member("alice"), team, id).get("status"));
    }

    @Test
    void aSessionOfAnotherTeamIsInvalidInputsForMembersOfBoth() {
        String id = create("alice");
        String both = memberOf("alice", team, otherTeam);
        assertError(AGENTCLOUD.as(both).delete(otherTeam, id), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(both).cancel(otherTeam, id), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(both).editVariables(otherTeam, id, Map.of("a", 1)), 400, "Invalid inputs");
        get(both, team, id);
    }

    @Test
    void concurrentDeletesOfOneSessionDeleteItOnce() throws Exception {
        String id = create("alice");
        List<Integer> statuses = concurrently(
                8, () -> AGENTCLOUD.as(member("alice")).delete(team, id).statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
    }

    // ---- cancel

    @Test
    void cancelTerminatesTheSessionInEveryDialectAndIsSafeToRepeat() {
        Provisioning.Tenant t = GATEWAY.provisioning().tenant();
        Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "everruns"));
        String slug = t.team();
        Map<String, Object> before = get(t.bearer(), slug, c.objectId());
        assertEquals("started", before.get("status"));
        assertEmptyOk(AGENTCLOUD.as(t.bearer()).cancel(slug, c.objectId()));
        Map<String, Object> after = get(t.bearer(), slug, c.objectId());
        assertEquals("terminated", after.get("status"));
        assertTrue(lastUpdated(after).isAfter(lastUpdated(before)), "lastUpdatedDate moves");
        Map<String, Object> unchanged = new HashMap<>(before);
        unchanged.put("status", "terminated");
        unchanged.put("lastUpdatedDate", after.get("lastUpdatedDate"));
        assertEquals(unchanged, after, "nothing else changes");
        assertEquals("cancelled", Sessions.show(CLIENTS, t, c.objectId()).getString("status"));
        Response everruns = CLIENTS.everruns().as(t.bearer()).get(c.publicId());
        assertEquals("idle", everruns.jsonPath().getString("status"));
        assertEquals(lastUpdated(after), Instant.parse(everruns.jsonPath().getString("updated_at")));
        assertEquals(
                "completed",
                CLIENTS.recoup().as(t.bearer()).get(c.publicId()).jsonPath().getString("session.status"));
        Response tf = CLIENTS.trueFoundry().as(t.bearer()).get(t.tenant(), c.publicId());
        assertEquals(200, tf.statusCode(), tf.asString());
        assertEquals(lastUpdated(after), Instant.parse(tf.jsonPath().getString("data.updated_at")));
        // Again: 200, and nothing moves.
        assertEmptyOk(AGENTCLOUD.as(t.bearer()).cancel(slug, c.objectId()));
        assertEquals(after, get(t.bearer(), slug, c.objectId()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"created", "running", "waiting"})
    void cancelStopsEveryUnfinishedState(String status) {
        String id = create("alice");
        setStatus(id, status);
        assertEmptyOk(AGENTCLOUD.as(member("alice")).cancel(team, id));
        assertEquals("cancelled", CLIENTS.admin(org).showSession(id).jsonPath().getString("status"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"completed", "failed", "archived"})
    void cancelOfAFinishedSessionChangesNothing(String status) {
        String id = create("alice");
        setStatus(id, status);
        Map<String, Object> before = get(member("alice"), team, id);
        assertEmptyOk(AGENTCLOUD.as(member("alice")).cancel(team, id));
        assertEquals(before, get(member("alice"), team, id));
        assertEquals(status, CLIENTS.admin(org).showSession(id).jsonPath().getString("status"));
    }

    @Test
    void cancelErrors() {
        String id = create("alice");
        String other = create("alice");
        assertError(AGENTCLOUD.as(member("alice")).cancel(team, id, Map.of("sessionId", other)), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(member("alice")).cancel(team, id, null), 400, "request body is required");
        assertError(AGENTCLOUD.as(member("alice")).cancel(team, UNKNOWN), 400, "Invalid inputs");
        assertError(AGENTCLOUD.as(member("alice")).cancel(UNKNOWN, id), 403, "invalid permissions");
        assertEquals("started", get(member("alice"), team, id).get("status"));
        assertEquals("started", get(member("alice"), team, other).get("status"));
        assertEmptyOk(AGENTCLOUD.as(member("alice")).delete(team, id));
        assertError(AGENTCLOUD.as(member("alice")).cancel(team, id), 400, "Invalid inputs");
    }

    // ---- edit

    static Map<String, Object> updateResult(int modified) {
        Map<String, Object> result = new HashMap<>();
        result.put("acknowledged", true);
        result.put("matchedCount", 1);
        result.put("modifiedCount", modified);
        result.put("upsertedCount", 0);
        result.put("upsertedId", null);
        return Map.of("message", "Session updated successfully", "session", result);
    }

    static void assertEdited(Response r, int modified) {
        assertEquals(200, r.statusCode(), r.asString());
        assertJson(r);
        assertEquals(updateResult(modified), r.jsonPath().getMap(""));
        assertTrue(r.asString().contains("\"upsertedId\":null"), r.asString());
    }

    @Test
    void editReplacesTheVariablesAndCountsAModificationOnlyWhenTheyChange() {
        Provisioning.Tenant t = GATEWAY.provisioning().tenant();
        Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "truefoundry"));
        String slug = t.team();
        Map<String, Object> before = get(t.bearer(), slug, c.objectId());
        Map<String, Object> variables = Map.of("topic", "billing", "n", 1.5, "nested", Map.of("a", List.of(1, 2)));
        assertEdited(AGENTCLOUD.as(t.bearer()).editVariables(slug, c.objectId(), variables), 1);
        Map<String, Object> after = get(t.bearer(), slug, c.objectId());
        assertTrue(lastUpdated(after).isAfter(lastUpdated(before)));
        Map<String, Object> unchanged = new HashMap<>(before);
        unchanged.put("lastUpdatedDate", after.get("lastUpdatedDate"));
        assertEquals(unchanged, after, "variables are no field of Agentcloud's Session; only the date moves");
        // Stored: the same variables again modify nothing, and nothing moves.
        assertEdited(AGENTCLOUD.as(t.bearer()).editVariables(slug, c.objectId(), variables), 0);
        assertEdited(AGENTCLOUD.as(t.bearer()).edit(slug, c.objectId(), Map.of("sessionId", c.objectId())), 0);
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("sessionId", c.objectId());
        withNull.put("variables", null);
        assertEdited(AGENTCLOUD.as(t.bearer()).edit(slug, c.objectId(), withNull), 0);
        assertEquals(after, get(t.bearer(), slug, c.objectId()));
        // The date every dialect shows moved with the edit.
        assertEquals(
                lastUpdated(after),
                Instant.parse(CLIENTS.everruns()
                        .as(t.bearer())
                        .get(c.publicId())
                        .jsonPath()
                        .getString("updated_at")));
        assertEquals(
                lastUpdated(after),
                Instant.parse(CLIENTS.trueFoundry()
                        .as(t.bearer())
                        .get(t.tenant(), c.publicId())
                        .jsonPath()
                        .getString("data.updated_at")));
        assertEquals(
                lastUpdated(after),
                Instant.parse(CLIENTS.recoup()
                        .as(t.bearer())
                        .get(c.publicId())
                        .jsonPath()
                        .getString("session.updatedAt")));
        assertEquals(
                lastUpdated(after),
                Instant.parse(Sessions.show(CLIENTS, t, c.objectId()).getString("updated_at")));
        // Replaced, not merged.
        assertEdited(AGENTCLOUD.as(t.bearer()).editVariables(slug, c.objectId(), Map.of("topic", "billing")), 1);
        assertEdited(AGENTCLOUD.as(t.bearer()).editVariables(slug, c.objectId(), Map.of("topic", "billing")), 0);
    }

    @Test
    void aMemberWhoMayNotReadTheSessionGetsTheVendorsNoPermission() {
        String id = create("alice");
        share(id, "restricted", Map.of());
        assertError(AGENTCLOUD.as(member("bob")).editVariables(team, id, Map.of("a", 1)), 400, "No permission");
        assertEdited(AGENTCLOUD.as(member("alice")).editVariables(team, id, Map.of("a", 1)), 1);
        assertError(
                AGENTCLOUD.as(outsider()).editVariables(team, id, Map.of("a", 1)),
                403,
                "invalid permissions on the resourceSlug");
    }

    @Test
    void editErrors() {
        String id = create("alice");
        String other = create("alice");
        assertError(
                AGENTCLOUD.as(member("alice")).edit(team, id, Map.of("sessionId", other, "variables", Map.of())),
                400,
                "Invalid inputs");
        assertError(
                AGENTCLOUD.as(member("alice")).edit(team, id, Map.of("sessionId", id, "variables", "x")),
                400,
                "variables");
        assertError(
                AGENTCLOUD.as(member("alice")).edit(team, id, Map.of("sessionId", id, "variables", List.of())),
                400,
                "variables");
        assertError(AGENTCLOUD.as(member("alice")).edit(team, id, null), 400, "request body is required");
        assertError(AGENTCLOUD.as(member("alice")).editVariables(team, UNKNOWN, Map.of()), 400, "Invalid inputs");
        assertEmptyOk(AGENTCLOUD.as(member("alice")).delete(team, id));
        assertError(AGENTCLOUD.as(member("alice")).editVariables(team, id, Map.of()), 400, "Invalid inputs");
        // The other session never changed.
        assertEdited(AGENTCLOUD.as(member("alice")).edit(team, other, Map.of("sessionId", other)), 0);
    }

    @Test
    void anEditAndACancelRacingBothSurviveAndADeleteRacingThemEndsDeleted() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = create("alice");
            List<Integer> both = concurrently(
                    2,
                    List.of(
                            () -> AGENTCLOUD
                                    .as(member("alice"))
                                    .editVariables(team, id, Map.of("r", 1))
                                    .statusCode(),
                            () -> AGENTCLOUD
                                    .as(member("alice"))
                                    .cancel(team, id)
                                    .statusCode()));
            assertEquals(List.of(200, 200), both);
            assertEquals("terminated", get(member("alice"), team, id).get("status"));
            assertEdited(AGENTCLOUD.as(member("alice")).editVariables(team, id, Map.of("r", 1)), 0);

            String victim = create("alice");
            List<Integer> raced = concurrently(
                    3,
                    List.of(
                            () -> AGENTCLOUD
                                    .as(member("alice"))
                                    .editVariables(team, victim, Map.of("r", 2))
                                    .statusCode(),
                            () -> AGENTCLOUD
                                    .as(member("alice"))
                                    .delete(team, victim)
                                    .statusCode(),
                            () -> AGENTCLOUD
                                    .as(member("alice"))
                                    .cancel(team, victim)
                                    .statusCode()));
            assertEquals(200, raced.get(1), raced.toString());
            assertTrue(raced.stream().allMatch(s -> s == 200 || s == 400), raced.toString());
            assertError(AGENTCLOUD.as(member("alice")).get(team, victim), 400, "Invalid inputs");
        }
    }

    // ---- routes

    /**
     * {@code POST …/forms/session/add} and {@code DELETE …/forms/session/{sessionId}} (two documents) overlap: Jersey
     * serves each method by its own template, a DELETE of {@code …/add} is the delete operation with an id that is
     * no ObjectId, and a POST of {@code …/{id}} names no operation (405).
     */
    @Test
    void theOverlappingFormPathsOfAddAndDeleteAreBothServed() {
        String id = create("alice");
        assertError(
                AGENTCLOUD.as(member("alice")).delete(team, "add", Map.of("sessionId", id)),
                400,
                "sessionId must be an ObjectId");
        Response postForm = GATEWAY.givenUndocumented("agentcloud/retrieve-session.yaml", "dynamicResponse")
                .header("Authorization", member("alice"))
                .contentType("application/json")
                .body(Map.of("id", app))
                .post("/{slug}/forms/session/{id}", team, id);
        assertError(postForm, 405, "");
        assertTrue(sortedAllow(postForm).contains("DELETE"), postForm.header("Allow"));
        get(member("alice"), team, id);
        assertEmptyOk(AGENTCLOUD.as(member("alice")).delete(team, id));
    }

    static String sortedAllow(Response r) {
        String allow = r.header("Allow");
        assertNotEquals(null, allow);
        return Arrays.stream(allow.split(",")).map(String::strip).sorted().collect(Collectors.joining(","));
    }

    // ---- helpers

    static <T> List<T> concurrently(int n, Callable<T> task) throws Exception {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(task);
        }
        return concurrently(n, tasks);
    }

    static <T> List<T> concurrently(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = pool.invokeAll(tasks);
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
