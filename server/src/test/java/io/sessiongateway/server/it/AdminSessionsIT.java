package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.CliRun;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.GatewayAdminClient;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.clients.Sessions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API's session list (keyset cursor, filters) and delete, and the CLI's {@code session list|delete} over
 * them. Every answer is validated against {@code specs/admin/admin.yaml} by the harness.
 */
class AdminSessionsIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static void assertError(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        Map<String, Object> error = r.jsonPath().getMap("error");
        assertEquals(Set.of("code", "message"), withoutNullReference(error).keySet(), r.asString());
        assertEquals(code, error.get("code"), r.asString());
        assertTrue(error.get("message") instanceof String m && !m.isBlank());
        assertEquals(List.of("error"), List.copyOf(r.jsonPath().getMap("").keySet()));
    }

    private static Map<String, Object> withoutNullReference(Map<String, Object> error) {
        Map<String, Object> copy = new LinkedHashMap<>(error);
        if (copy.containsKey("reference") && copy.get("reference") == null) {
            copy.remove("reference");
        }
        return copy;
    }

    /** A tenant with agents helper and other, sessions of alice and bob in several statuses; ids oldest first. */
    private record Store(String tenant, List<Map<String, Object>> all) {}

    private static Store store(int sessions) {
        String tenant = GatewayHarness.uniqueTenant();
        Provisioning provisioning = GATEWAY.provisioning();
        provisioning.agent(tenant, "helper", List.of(), false);
        provisioning.agent(tenant, "other", List.of(), false);
        List<String> statuses = List.of("created", "running", "waiting", "completed");
        for (int i = 0; i < sessions; i++) {
            String owner = i % 3 == 0 ? "bob" : "alice";
            String agent = i % 2 == 0 ? "helper" : "other";
            Response created =
                    CLIENTS.trueFoundry().bearer(token(tenant, owner)).create(tenant, Map.of("agent_name", agent));
            assertEquals(201, created.statusCode(), created.asString());
            String status = statuses.get(i % statuses.size());
            if (!status.equals("created")) {
                Response patched = CLIENTS.admin(tenant)
                        .updateSession(created.jsonPath().getString("data.id"), Map.of("status", status));
                assertEquals(200, patched.statusCode(), patched.asString());
            }
        }
        Response all = CLIENTS.admin(tenant).listSessions(tenant);
        assertEquals(200, all.statusCode(), all.asString());
        assertEquals(Set.of("data"), all.jsonPath().getMap("").keySet(), "one page holds them all: no next_cursor");
        List<Map<String, Object>> rows = all.jsonPath().getList("data");
        assertEquals(sessions, rows.size());
        return new Store(tenant, rows);
    }

    private static String id(Map<String, Object> view) {
        return (String) ((Map<?, ?>) view.get("ids")).get("truefoundry");
    }

    @SuppressWarnings("unchecked")
    private static String owner(Map<String, Object> view) {
        return (String) ((Map<String, Object>) view.get("owner")).get("subject_id");
    }

    @SuppressWarnings("unchecked")
    private static String agent(Map<String, Object> view) {
        return (String) ((Map<String, Object>) view.get("agent")).get("name");
    }

    /**
     * Follows next_cursor from the first page to the last with the given filters and page size; asserts every
     * page's shape (at most {@code limit} items; next_cursor exactly on pages that are not the last) and returns
     * the whole views, in page order. {@code between} runs after each page.
     */
    private static List<Map<String, Object>> walk(
            String tenant, Map<String, Object> filters, int limit, Runnable between) {
        GatewayAdminClient admin = CLIENTS.admin(tenant);
        List<Map<String, Object>> seen = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>(filters);
            query.put("limit", limit);
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            Response page = admin.listSessions(tenant, query);
            assertEquals(200, page.statusCode(), page.asString());
            JsonPath body = page.jsonPath();
            List<Map<String, Object>> data = body.getList("data");
            assertTrue(data.size() <= limit, page.asString());
            cursor = body.getString("next_cursor");
            assertEquals(
                    cursor == null ? Set.of("data") : Set.of("data", "next_cursor"),
                    body.getMap("").keySet());
            seen.addAll(data);
            between.run();
        } while (cursor != null);
        return seen;
    }

    @Test
    void everyFilterPagesThroughItsSessionsOnceEachOldestFirst() {
        Store s = store(14);
        Map<Map<String, Object>, Predicate<Map<String, Object>>> filters = new LinkedHashMap<>();
        filters.put(Map.of(), v -> true);
        filters.put(Map.of("agent", "helper"), v -> agent(v).equals("helper"));
        filters.put(Map.of("status", "running"), v -> v.get("status").equals("running"));
        filters.put(Map.of("owner", "bob"), v -> owner(v).equals("bob"));
        filters.put(
                Map.of("agent", "other", "status", "running", "owner", "alice"),
                v -> agent(v).equals("other") && v.get("status").equals("running") && owner(v).equals("alice"));
        filters.put(Map.of("status", "archived"), v -> false);
        filters.put(Map.of("owner", "nobody"), v -> false);
        filters.put(Map.of("agent", "no-such-agent"), v -> false);
        for (var f : filters.entrySet()) {
            List<Map<String, Object>> expected =
                    s.all().stream().filter(f.getValue()).toList();
            for (int limit : List.of(1, 3, 1000)) {
                assertEquals(expected, walk(s.tenant(), f.getKey(), limit, () -> {}), f.getKey() + " by " + limit);
            }
        }
        assertFalse(
                s.all().stream()
                        .filter(v -> v.get("status").equals("running"))
                        .toList()
                        .isEmpty(),
                "the running filter has something to find");
    }

    @Test
    void pagingWhileSessionsAreCreatedAndDeletedNeverRepeatsNorSkipsOneThatStays() {
        Store s = store(9);
        List<String> before = s.all().stream().map(AdminSessionsIT::id).toList();
        // After the first page (ids 0, 1): delete one already seen and one not yet reached, create one at the end.
        String seenGone = before.get(0);
        String aheadGone = before.get(5);
        List<String> created = new ArrayList<>();
        boolean[] done = {false};
        List<String> walked = walk(s.tenant(), Map.of(), 2, () -> {
                    if (!done[0]) {
                        done[0] = true;
                        assertEquals(
                                204,
                                CLIENTS.admin(s.tenant())
                                        .deleteSession(seenGone)
                                        .statusCode());
                        assertEquals(
                                204,
                                CLIENTS.admin(s.tenant())
                                        .deleteSession(aheadGone)
                                        .statusCode());
                        created.add(CLIENTS.trueFoundry()
                                .bearer(token(s.tenant(), "carol"))
                                .create(s.tenant(), Map.of("agent_name", "helper"))
                                .jsonPath()
                                .getString("data.id"));
                    }
                })
                .stream()
                .map(AdminSessionsIT::id)
                .toList();
        List<String> expected = new ArrayList<>(before);
        expected.remove(aheadGone);
        expected.addAll(created);
        assertEquals(expected, walked);
        assertEquals(walked.size(), new HashSet<>(walked).size(), "no session twice");
        List<String> now =
                CLIENTS.admin(s.tenant()).listSessions(s.tenant()).jsonPath().getList("data.ids.truefoundry");
        assertFalse(now.contains(seenGone) || now.contains(aheadGone), "deleted sessions are not listed");
    }

    @Test
    void aCursorIsBoundToItsTenantAndFiltersAndRefusedWhenAltered() {
        Store s = store(4);
        GatewayAdminClient admin = CLIENTS.admin(s.tenant());
        Response first = admin.listSessions(s.tenant(), Map.of("agent", "helper", "limit", 1));
        assertEquals(200, first.statusCode(), first.asString());
        String cursor = first.jsonPath().getString("next_cursor");
        assertTrue(cursor != null && !cursor.isBlank());

        Response again = admin.listSessions(s.tenant(), Map.of("agent", "helper", "limit", 5, "cursor", cursor));
        assertEquals(200, again.statusCode(), "limit may change between pages: " + again.asString());
        assertEquals(
                s.all().stream().filter(v -> agent(v).equals("helper")).skip(1).toList(),
                again.jsonPath().getList("data"));

        assertError(admin.listSessions(s.tenant(), Map.of("cursor", cursor)), 422, "invalid_page_token");
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "other", "cursor", cursor)), 422, "invalid_page_token");
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "helper", "status", "created", "cursor", cursor)),
                422,
                "invalid_page_token");
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "helper", "owner", "alice", "cursor", cursor)),
                422,
                "invalid_page_token");
        Store other = store(1);
        assertError(
                CLIENTS.admin(other.tenant()).listSessions(other.tenant(), Map.of("agent", "helper", "cursor", cursor)),
                422,
                "invalid_page_token");
        // A signature character in the middle (the last one carries unused bits that decoding ignores).
        int at = cursor.indexOf('.') + 10;
        String tampered = cursor.substring(0, at) + (cursor.charAt(at) == 'A' ? 'B' : 'A') + cursor.substring(at + 1);
        String edited = (cursor.charAt(0) == 'e' ? "f" : "e") + cursor.substring(1);
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "helper", "cursor", edited)), 422, "invalid_page_token");
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "helper", "cursor", tampered)),
                422,
                "invalid_page_token");
        assertError(
                admin.listSessions(s.tenant(), Map.of("agent", "helper", "cursor", "never-issued")),
                422,
                "invalid_page_token");
    }

    @Test
    void badListParametersAre422AndTheOperatorListsOneTenantAtATime() {
        Store s = store(1);
        GatewayAdminClient admin = CLIENTS.admin(s.tenant());
        assertError(admin.listSessions(s.tenant(), Map.of("status", "paused")), 422, "invalid_argument");
        assertError(admin.listSessions(s.tenant(), Map.of("status", "")), 422, "invalid_argument");
        assertError(admin.listSessions(s.tenant(), Map.of("owner", "")), 422, "invalid_argument");
        assertError(admin.listSessions(s.tenant(), Map.of("agent", "a".repeat(256))), 422, "invalid_argument");
        assertError(admin.listSessions(s.tenant(), Map.of("cursor", "")), 422, "invalid_argument");
        assertError(admin.listSessions(s.tenant(), Map.of("limit", 1001)), 422, "invalid_argument");
        assertError(
                admin.listSessions(s.tenant(), Map.of("status", List.of("running", "created"))),
                422,
                "invalid_argument");
        // Tenant '*' is not a tenant name, also for an operator: one tenant at a time.
        assertError(CLIENTS.admin("*").listSessions("*"), 422, "invalid_argument");
        Response byOperator = CLIENTS.admin("*")
                .listSessions(s.tenant(), Map.of("owner", owner(s.all().get(0))));
        assertEquals(200, byOperator.statusCode(), byOperator.asString());
        assertEquals(Map.of("data", s.all()), byOperator.jsonPath().getMap(""));
        assertError(CLIENTS.admin("elsewhere").listSessions(s.tenant()), 403, "admin_required");
        assertError(CLIENTS.admin().bearer(token(s.tenant(), "alice")).listSessions(s.tenant()), 403, "admin_required");
        assertError(CLIENTS.admin().listSessions(s.tenant()), 401, "unauthenticated");
    }

    @Test
    void deleteByAnyIdIsGoneFromEveryDialectAndARepeatIs404() {
        Provisioning.Tenant t = GATEWAY.provisioning().tenant();
        GatewayAdminClient admin = CLIENTS.admin(t.tenant());
        int n = 0;
        for (String via : Clients.DIALECTS) {
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, via));
            String everruns = Sessions.show(CLIENTS, t, c.publicId()).getString("ids.everruns");
            // Each delete names the session by another of its ids.
            String by =
                    List.of(c.publicId(), c.objectId(), everruns, c.publicId()).get(n++ % 4);
            Response deleted = admin.deleteSession(by);
            assertEquals(204, deleted.statusCode(), deleted.asString());
            assertEquals("", deleted.asString());

            Response tf = CLIENTS.trueFoundry().as(t.bearer()).get(t.tenant(), c.publicId());
            assertEquals(404, tf.statusCode(), tf.asString());
            assertEquals(
                    Map.of(
                            "message",
                            tf.jsonPath().getString("error.message"),
                            "type",
                            "not_found_error",
                            "code",
                            "session_not_found"),
                    withoutNulls(tf.jsonPath().getMap("error")));
            Response ev = CLIENTS.everruns().as(t.bearer()).get(c.publicId());
            assertEquals(404, ev.statusCode(), ev.asString());
            assertEquals(
                    Map.of("error", ev.jsonPath().getString("error")),
                    ev.jsonPath().getMap(""));
            Response rc = CLIENTS.recoup().as(t.bearer()).get(c.publicId());
            assertEquals(404, rc.statusCode(), rc.asString());
            assertEquals(
                    Map.of("status", "error", "error", rc.jsonPath().getString("error")),
                    rc.jsonPath().getMap(""));
            // Agentcloud's members get the vendor's 400 "Invalid inputs" for a session absent from the team.
            Response ac = CLIENTS.agentcloud().as(t.bearer()).get(t.team(), c.objectId());
            assertEquals(400, ac.statusCode(), ac.asString());
            assertEquals(400, ac.jsonPath().getInt("code"));
            assertEquals(Set.of("code", "message"), ac.jsonPath().getMap("").keySet());
            assertTrue(ac.jsonPath().getString("message").startsWith("Invalid inputs"), ac.asString());

            for (String id : List.of(c.publicId(), c.objectId(), everruns)) {
                assertError(admin.showSession(id), 404, "session_not_found");
                assertError(admin.deleteSession(id), 404, "session_not_found");
            }
            assertFalse(
                    admin.listSessions(t.tenant())
                            .jsonPath()
                            .getList("data.ids.truefoundry")
                            .contains(c.publicId()),
                    via);
        }
    }

    @Test
    void deleteIsForAdminsOfTheSessionsTenantOrAnOperator() {
        Store s = store(2);
        String first = id(s.all().get(0));
        String second = id(s.all().get(1));
        assertError(CLIENTS.admin().deleteSession(first), 401, "unauthenticated");
        assertError(CLIENTS.admin().bearer(token(s.tenant(), "alice")).deleteSession(first), 403, "admin_required");
        assertError(CLIENTS.admin("elsewhere").deleteSession(first), 404, "session_not_found");
        assertError(CLIENTS.admin(s.tenant()).deleteSession("x".repeat(65)), 404, "session_not_found");
        assertEquals(200, CLIENTS.admin(s.tenant()).showSession(first).statusCode(), "nothing was deleted");
        assertEquals(204, CLIENTS.admin("*").deleteSession(first).statusCode(), "an operator deletes anywhere");
        assertEquals(204, CLIENTS.admin(s.tenant()).deleteSession(second).statusCode());
        assertEquals(
                Map.of("data", List.of()),
                CLIENTS.admin(s.tenant()).listSessions(s.tenant()).jsonPath().getMap(""));
    }

    @Test
    void cliListsPageByPageOrAllAndDeletes() throws Exception {
        Store s = store(5);
        String url = GATEWAY.baseUri();
        List<String> ids = s.all().stream().map(AdminSessionsIT::id).toList();

        CliRun page = CliRun.of(GATEWAY, "session", "list", "--tenant", s.tenant(), "--limit", "2", "--url", url);
        assertEquals(0, page.exit(), page.err());
        JsonPath first = JsonPath.from(page.out());
        assertEquals(ids.subList(0, 2), first.getList("data.ids.truefoundry"));
        String cursor = first.getString("next_cursor");
        assertEquals("more sessions: --cursor " + cursor, page.err().strip());

        CliRun next = CliRun.of(
                GATEWAY, "session", "list", "--tenant", s.tenant(), "--limit", "2", "--cursor", cursor, "--url", url);
        assertEquals(0, next.exit(), next.err());
        assertEquals(ids.subList(2, 4), JsonPath.from(next.out()).getList("data.ids.truefoundry"));

        CliRun all =
                CliRun.of(GATEWAY, "session", "list", "--tenant", s.tenant(), "--limit", "2", "--all", "--url", url);
        assertEquals(0, all.exit(), all.err());
        assertEquals(Map.of("data", s.all()), JsonPath.from(all.out()).getMap(""));
        assertEquals("5 sessions in 3 pages", all.err().strip());

        CliRun bob = CliRun.of(
                GATEWAY,
                "session",
                "list",
                "--tenant",
                s.tenant(),
                "--owner",
                "bob",
                "--agent",
                "helper",
                "--url",
                url);
        assertEquals(0, bob.exit(), bob.err());
        assertEquals(
                s.all().stream()
                        .filter(v -> owner(v).equals("bob") && agent(v).equals("helper"))
                        .toList(),
                JsonPath.from(bob.out()).getList("data"));

        CliRun running = CliRun.of(
                GATEWAY, "session", "list", "--tenant", s.tenant(), "--status", "running", "--all", "--url", url);
        assertEquals(0, running.exit(), running.err());
        assertEquals(
                s.all().stream().filter(v -> v.get("status").equals("running")).toList(),
                JsonPath.from(running.out()).getList("data"));

        CliRun bad = CliRun.of(GATEWAY, "session", "list", "--tenant", s.tenant(), "--status", "paused", "--url", url);
        assertEquals(1, bad.exit());
        assertEquals("", bad.out());
        assertTrue(bad.err().contains("answered 422") && bad.err().contains("invalid_argument"), bad.err());

        CliRun deleted = CliRun.of(GATEWAY, "session", "delete", ids.get(0), "--tenant", s.tenant(), "--url", url);
        assertEquals(0, deleted.exit(), deleted.err());
        assertEquals("", deleted.out());
        assertEquals("deleted session '" + ids.get(0) + "'", deleted.err().strip());
        CliRun operator = CliRun.of(GATEWAY, "session", "delete", ids.get(1), "--url", url);
        assertEquals(0, operator.exit(), operator.err());
        CliRun again = CliRun.of(GATEWAY, "session", "delete", ids.get(0), "--url", url);
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("answered 404") && again.err().contains("session_not_found"), again.err());
        CliRun left = CliRun.of(GATEWAY, "session", "list", "--tenant", s.tenant(), "--all", "--url", url);
        assertEquals(ids.subList(2, 5), JsonPath.from(left.out()).getList("data.ids.truefoundry"));

        CliRun unreachable =
                CliRun.of(GATEWAY, "session", "list", "--tenant", s.tenant(), "--all", "--url", "http://127.0.0.1:1");
        assertEquals(1, unreachable.exit());
        assertTrue(unreachable.err().startsWith("error: cannot reach the gateway"), unreachable.err());
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        copy.values().removeIf(v -> v == null);
        return copy;
    }
}
