package io.sessiongateway.server.it;

import static io.sessiongateway.server.it.TrueFoundryIT.assertError;
import static io.sessiongateway.server.testing.GatewayHarness.token;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.TrueFoundryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TrueFoundry lifecycle over real HTTP (issue #12): list, owned-sessions, search-sessions, cancel, and the 405s
 * of DELETE and PATCH. Every response is validated against its document by the harness; tests assert status,
 * headers and whole bodies, who sees what (a list shows exactly what get shows the same caller), keyset paging
 * (walk every page, no repeat, no skip, tokens bound to their query), and a cancel read back through the other three
 * dialects.
 */
class TrueFoundryLifecycleIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final TrueFoundryClient TF = CLIENTS.trueFoundry();

    /**
     * A fresh tenant: agent {@code helper} (free, no manager), {@code coder} (bob manages it), {@code vault}
     * (restricted, bob manages it); alice's token carries every claim (account, team).
     */
    static Tenant tenant() {
        Tenant t = GATEWAY.provisioning().tenant();
        GATEWAY.provisioning().agent(t.tenant(), "coder", List.of("bob"), false);
        GATEWAY.provisioning().agent(t.tenant(), "vault", List.of("bob"), true);
        return t;
    }

    static TrueFoundryClient alice(Tenant t) {
        return TF.as(t.bearer());
    }

    static TrueFoundryClient as(Tenant t, String subject) {
        return TF.bearer(token(t.tenant(), subject));
    }

    static TrueFoundryClient admin(Tenant t) {
        return TF.bearer(GatewayHarness.adminToken(t.tenant()));
    }

    /** Creates a session as the client's caller; returns its get-shaped {@code data}. */
    static Map<String, Object> create(Tenant t, TrueFoundryClient as, String agent) {
        Response r = as.create(t.tenant(), Map.of("agent_name", agent));
        assertEquals(201, r.statusCode(), r.asString());
        return r.jsonPath().getMap("data");
    }

    static String createId(Tenant t, TrueFoundryClient as, String agent) {
        return (String) create(t, as, agent).get("id");
    }

    static Map<String, Object> ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return r.jsonPath().getMap("");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> data(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("data");
    }

    static List<String> ids(Map<String, Object> page) {
        return data(page).stream().map(s -> (String) s.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pagination(Map<String, Object> page) {
        return (Map<String, Object>) page.get("pagination");
    }

    /** A list item is exactly get's {@code data} plus {@code type: session}. */
    static Map<String, Object> item(Map<String, Object> get) {
        Map<String, Object> item = new LinkedHashMap<>(get);
        item.put("type", "session");
        return item;
    }

    static Map<String, Object> query(Object... pairs) {
        Map<String, Object> q = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            q.put((String) pairs[i], pairs[i + 1]);
        }
        return q;
    }

    static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    interface Lister {
        Response page(Map<String, Object> query);
    }

    /** Follows next_page_token to the end; asserts the pagination object of each page. */
    static List<String> walk(Lister lister, Map<String, Object> query, int limit, List<List<String>> pages) {
        List<String> all = new ArrayList<>();
        Map<String, Object> q = new LinkedHashMap<>(query);
        q.put("limit", limit);
        String previous = null;
        for (int i = 0; i < 100; i++) {
            Map<String, Object> page = ok(lister.page(q));
            List<String> ids = ids(page);
            pages.add(ids);
            all.addAll(ids);
            Map<String, Object> p = pagination(page);
            assertEquals(limit, p.get("limit"));
            assertEquals(i > 0, p.containsKey("previous_page_token"), "previous token on every page but the first");
            assertTrue(ids.size() <= limit);
            String next = (String) p.get("next_page_token");
            if (next == null) {
                return all;
            }
            assertNotEquals(previous, next);
            previous = next;
            q.put("page_token", next);
        }
        throw new AssertionError("no last page");
    }

    @Nested
    class ListSessions {
        @Test
        void newestFirstAndEveryItemIsWhatGetShows() {
            Tenant t = tenant();
            List<Map<String, Object>> created = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                created.add(create(t, alice(t), "helper"));
            }
            createId(t, alice(t), "coder"); // another agent's: not listed
            Response r = alice(t).list(t.tenant(), query("agent_name", "helper"));
            Map<String, Object> page = ok(r);
            List<Map<String, Object>> expected = new ArrayList<>();
            for (int i = created.size() - 1; i >= 0; i--) {
                Map<String, Object> get =
                        ok(alice(t).get(t.tenant(), (String) created.get(i).get("id")));
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) get.get("data");
                expected.add(item(data));
            }
            assertEquals(Map.of("data", expected, "pagination", Map.of("limit", 10)), page);
            Map<String, Object> asc = ok(alice(t).list(t.tenant(), query("agent_name", "helper", "order", "asc")));
            assertEquals(reversed(ids(page)), ids(asc));
        }

        @Test
        void pagesWalkEveryItemOnceBothWaysWhileSessionsAreCreated() {
            Tenant t = tenant();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                created.add(createId(t, alice(t), "helper"));
            }
            for (String order : List.of("desc", "asc")) {
                List<String> existing = List.copyOf(created);
                List<List<String>> pages = new ArrayList<>();
                // a session created while paging is after the pinned window (asc) or before the position (desc)
                List<String> walked = walk(
                        q -> {
                            Response r = alice(t).list(t.tenant(), q);
                            created.add(createId(t, alice(t), "helper"));
                            return r;
                        },
                        query("agent_name", "helper", "order", order),
                        3,
                        pages);
                assertEquals(order.equals("desc") ? reversed(existing) : existing, walked, order);
                assertEquals(
                        order.equals("desc") ? List.of(3, 3, 1) : List.of(3, 3, 3, 1),
                        pages.stream().map(List::size).toList());
            }
        }

        @Test
        void previousPageTokenLeadsBackToTheSamePage() {
            Tenant t = tenant();
            for (int i = 0; i < 5; i++) {
                createId(t, alice(t), "helper");
            }
            Map<String, Object> q = query("agent_name", "helper", "limit", 2);
            Map<String, Object> first = ok(alice(t).list(t.tenant(), q));
            Map<String, Object> q2 = new LinkedHashMap<>(q);
            q2.put("page_token", pagination(first).get("next_page_token"));
            Map<String, Object> second = ok(alice(t).list(t.tenant(), q2));
            Map<String, Object> q3 = new LinkedHashMap<>(q);
            q3.put("page_token", pagination(second).get("previous_page_token"));
            Map<String, Object> back = ok(alice(t).list(t.tenant(), q3));
            assertEquals(data(first), data(back));
            assertFalse(pagination(back).containsKey("previous_page_token"), "back on the first page");
            assertTrue(pagination(back).containsKey("next_page_token"));
        }

        @Test
        void aTokenWorksOnlyWithTheParametersItWasIssuedFor() {
            Tenant t = tenant();
            for (int i = 0; i < 3; i++) {
                createId(t, alice(t), "helper");
                createId(t, alice(t), "coder");
            }
            Map<String, Object> q = query("agent_name", "helper", "limit", 1);
            String token = (String) pagination(ok(alice(t).list(t.tenant(), q))).get("next_page_token");
            String start = Instant.now().minusSeconds(600).toString();
            List<Map<String, Object>> others = List.of(
                    query("agent_name", "coder", "limit", 1),
                    query("agent_name", "helper", "limit", 2),
                    query("agent_name", "helper", "limit", 1, "order", "asc"),
                    query("agent_name", "helper", "limit", 1, "start_timestamp", start));
            for (Map<String, Object> other : others) {
                Map<String, Object> withToken = new LinkedHashMap<>(other);
                withToken.put("page_token", token);
                assertError(
                        alice(t).list(t.tenant(), withToken),
                        400,
                        "invalid_request_error",
                        "invalid_page_token",
                        "page_token");
            }
            // the owned list with the same parameters is another query
            assertError(
                    alice(t).owned(t.tenant(), Map.of("agent_name", "helper", "limit", 1, "page_token", token)),
                    400,
                    "invalid_request_error",
                    "invalid_page_token",
                    "page_token");
            String dot = token.substring(0, token.lastIndexOf('.'));
            String otherWindow = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((Instant.EPOCH + "|" + Instant.now()).getBytes(UTF_8));
            for (String forged :
                    List.of("not-a-token", "a.b.c", dot + "." + otherWindow, token + "x", token.replace('A', 'B'))) {
                Map<String, Object> withToken = new LinkedHashMap<>(q);
                withToken.put("page_token", forged);
                Response r = alice(t).list(t.tenant(), withToken);
                if (forged.equals(token)) {
                    continue;
                }
                assertError(r, 400, "invalid_request_error", "invalid_page_token", "page_token");
            }
        }

        @Test
        void theWindowBoundsCreationTimesAndDefaultsToTheLastHalfHour() {
            Tenant t = tenant();
            Map<String, Object> s = create(t, alice(t), "helper");
            Instant created = Instant.parse((String) s.get("created_at"));
            assertEquals(List.of(s.get("id")), ids(ok(alice(t).list(t.tenant(), query("agent_name", "helper")))));
            assertEquals(
                    List.of(s.get("id")),
                    ids(ok(alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "start_timestamp",
                                            created.toString(),
                                            "end_timestamp",
                                            created.toString())))));
            assertEquals(
                    List.of(),
                    ids(ok(alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "start_timestamp",
                                            created.plusMillis(1).toString())))));
            // 30 minutes before an end in the past: the session is after the window
            assertEquals(
                    List.of(),
                    ids(ok(alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "end_timestamp",
                                            created.minusMillis(1).toString())))));
            assertEquals(
                    List.of(s.get("id")),
                    ids(ok(alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "end_timestamp",
                                            created.plus(Duration.ofMinutes(29)).toString())))));
            assertEquals(
                    List.of(),
                    ids(ok(alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "end_timestamp",
                                            created.plus(Duration.ofMinutes(31)).toString())))));
            assertError(
                    alice(t).list(
                                    t.tenant(),
                                    query(
                                            "agent_name",
                                            "helper",
                                            "start_timestamp",
                                            created.toString(),
                                            "end_timestamp",
                                            created.minusSeconds(1).toString())),
                    400,
                    "invalid_request_error",
                    "invalid_time_window",
                    "start_timestamp");
        }

        @Test
        void managersAndAdminsSeeTheAgentsSessionsOthersTheirOwnAsGetDoes() {
            Tenant t = tenant();
            String alices = createId(t, alice(t), "coder");
            String carols = createId(t, as(t, "carol"), "coder");
            String bobs = createId(t, as(t, "bob"), "coder");
            List<String> all = List.of(alices, carols, bobs);
            Map<String, TrueFoundryClient> callers = new LinkedHashMap<>();
            callers.put("alice", alice(t));
            callers.put("carol", as(t, "carol"));
            callers.put("bob (manager)", as(t, "bob"));
            callers.put("admin", admin(t));
            callers.put("dave", as(t, "dave"));
            callers.put(
                    "alice as a service account",
                    TF.bearer(token(t.tenant(), "alice", "serviceaccount", null, false, Duration.ofHours(1))));
            Map<String, Set<String>> expected = Map.of(
                    "alice",
                    Set.of(alices),
                    "carol",
                    Set.of(carols),
                    "bob (manager)",
                    Set.copyOf(all),
                    "admin",
                    Set.copyOf(all),
                    "dave",
                    Set.of(),
                    "alice as a service account",
                    Set.of());
            callers.forEach((name, client) -> {
                Set<String> listed = new HashSet<>(ids(ok(client.list(t.tenant(), query("agent_name", "coder")))));
                Set<String> readable = new HashSet<>();
                for (String id : all) {
                    Response get = client.get(t.tenant(), id);
                    if (get.statusCode() == 200) {
                        readable.add(id);
                    } else {
                        assertError(get, 403, "permission_error", "session_forbidden", null);
                    }
                }
                assertEquals(expected.get(name), listed, name);
                assertEquals(readable, listed, name + ": the list shows exactly what get shows");
            });
        }

        @Test
        void restrictedAgentIs403ForNonManagersUnknownAgent404OtherTenant401() {
            Tenant t = tenant();
            String vault = createId(t, as(t, "bob"), "vault");
            assertEquals(List.of(vault), ids(ok(as(t, "bob").list(t.tenant(), query("agent_name", "vault")))));
            assertEquals(List.of(vault), ids(ok(admin(t).list(t.tenant(), query("agent_name", "vault")))));
            assertError(
                    alice(t).list(t.tenant(), query("agent_name", "vault")),
                    403,
                    "permission_error",
                    "agent_forbidden",
                    "agent_name");
            assertError(
                    alice(t).list(t.tenant(), query("agent_name", "nobody")),
                    404,
                    "not_found_error",
                    "agent_not_found",
                    "agent_name");
            String lonely = GatewayHarness.uniqueTenant();
            assertError(
                    TF.bearer(token(lonely, "alice")).list(lonely, query("agent_name", "helper")),
                    404,
                    "not_found_error",
                    "agent_not_found",
                    "agent_name");
            assertError(
                    TF.bearer(token(lonely, "alice")).list(t.tenant(), query("agent_name", "helper")),
                    401,
                    "authentication_error",
                    "tenant_mismatch",
                    null);
            assertError(
                    TF.list(t.tenant(), query("agent_name", "helper")),
                    401,
                    "authentication_error",
                    "unauthenticated",
                    null);
            // credentials before parameters
            assertError(
                    TF.list(t.tenant(), query("limit", "abc")), 401, "authentication_error", "unauthenticated", null);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "no agent_name|limit=5|agent_name",
                    "empty agent_name|agent_name=|agent_name",
                    "limit 0|agent_name=helper&limit=0|limit",
                    "limit 101|agent_name=helper&limit=101|limit",
                    "limit not a number|agent_name=helper&limit=ten|limit",
                    "limit twice|agent_name=helper&limit=5&limit=5|limit",
                    "order sideways|agent_name=helper&order=sideways|order",
                    "start not ISO-8601|agent_name=helper&start_timestamp=yesterday|start_timestamp",
                    "end not ISO-8601|agent_name=helper&end_timestamp=2026-13-01|end_timestamp",
                    "empty page_token|agent_name=helper&page_token=|page_token"
                })
        void malformedParametersAre422(String name, String rawQuery, String param) {
            Tenant t = tenant();
            Response r = alice(t).request()
                    .urlEncodingEnabled(false)
                    .get(TrueFoundryClient.SESSIONS + "?" + rawQuery, t.tenant());
            assertError(r, 422, "invalid_request_error", "invalid_argument", param);
        }

        @Test
        void agentNameOf256CharactersIs422() {
            Tenant t = tenant();
            assertError(
                    alice(t).list(t.tenant(), query("agent_name", "a".repeat(256))),
                    422,
                    "invalid_request_error",
                    "invalid_argument",
                    "agent_name");
        }
    }

    @Nested
    class OwnedSessions {
        @Test
        void theCallersOwnSessionsOfEveryAgentEvenForManagersAndAdmins() {
            Tenant t = tenant();
            String helper = createId(t, alice(t), "helper");
            String coder = createId(t, alice(t), "coder");
            String bobs = createId(t, as(t, "bob"), "coder");
            String bobsVault = createId(t, as(t, "bob"), "vault");
            Map<String, Object> page = ok(alice(t).owned(t.tenant(), Map.of()));
            assertEquals(List.of(coder, helper), ids(page));
            assertEquals(Map.of("limit", 10), pagination(page));
            assertEquals(List.of(bobsVault, bobs), ids(ok(as(t, "bob").owned(t.tenant(), Map.of()))));
            assertEquals(List.of(bobs), ids(ok(as(t, "bob").owned(t.tenant(), query("agent_name", "coder")))));
            assertEquals(List.of(), ids(ok(admin(t).owned(t.tenant(), Map.of()))));
            assertEquals(List.of(coder), ids(ok(alice(t).owned(t.tenant(), query("agent_name", "coder")))));
            // the same id with another subject type owns nothing
            assertEquals(
                    List.of(),
                    ids(ok(TF.bearer(token(t.tenant(), "alice", "serviceaccount", null, false, Duration.ofHours(1)))
                            .owned(t.tenant(), Map.of()))));
            for (String id : ids(page)) {
                assertEquals(200, alice(t).get(t.tenant(), id).statusCode());
            }
        }

        @Test
        void pagesWalkEveryItemOnce() {
            Tenant t = tenant();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(createId(t, alice(t), i % 2 == 0 ? "helper" : "coder"));
            }
            List<List<String>> pages = new ArrayList<>();
            assertEquals(reversed(created), walk(q -> alice(t).owned(t.tenant(), q), query(), 2, pages));
            assertEquals(List.of(2, 2, 1), pages.stream().map(List::size).toList());
        }

        @Test
        void errors() {
            Tenant t = tenant();
            assertError(
                    alice(t).owned(t.tenant(), query("agent_name", "nobody")),
                    404,
                    "not_found_error",
                    "agent_not_found",
                    "agent_name");
            assertError(
                    alice(t).owned(t.tenant(), query("page_token", "forged")),
                    400,
                    "invalid_request_error",
                    "invalid_page_token",
                    "page_token");
            assertError(
                    alice(t).owned(t.tenant(), query("limit", 0)),
                    422,
                    "invalid_request_error",
                    "invalid_argument",
                    "limit");
            assertError(TF.owned(t.tenant(), Map.of()), 401, "authentication_error", "unauthenticated", null);
            assertError(
                    TF.bearer(token("elsewhere", "alice")).owned(t.tenant(), Map.of()),
                    401,
                    "authentication_error",
                    "tenant_mismatch",
                    null);
        }
    }

    @Nested
    class SearchSessions {
        @Test
        void adminsSeeAllManagersTheirAgentsAndOwnOthersTheirOwn() {
            Tenant t = tenant();
            String alicesHelper = createId(t, alice(t), "helper");
            String alicesCoder = createId(t, alice(t), "coder");
            String carolsHelper = createId(t, as(t, "carol"), "helper");
            String carolsCoder = createId(t, as(t, "carol"), "coder");
            String bobsVault = createId(t, as(t, "bob"), "vault");
            List<String> all = List.of(alicesHelper, alicesCoder, carolsHelper, carolsCoder, bobsVault);
            Map<String, TrueFoundryClient> callers = new LinkedHashMap<>();
            callers.put("admin", admin(t));
            callers.put("bob", as(t, "bob"));
            callers.put("alice", alice(t));
            callers.put("dave", as(t, "dave"));
            Map<String, List<String>> expected = Map.of(
                    "admin", reversed(all),
                    "bob", List.of(bobsVault, carolsCoder, alicesCoder),
                    "alice", List.of(alicesCoder, alicesHelper),
                    "dave", List.of());
            callers.forEach((name, client) -> {
                List<String> listed = ids(ok(client.search(t.tenant(), Map.of())));
                assertEquals(expected.get(name), listed, name);
                Set<String> readable = new TreeSet<>();
                for (String id : all) {
                    if (client.get(t.tenant(), id).statusCode() == 200) {
                        readable.add(id);
                    }
                }
                assertEquals(readable, new TreeSet<>(listed), name + ": the search shows exactly what get shows");
            });
        }

        @Test
        void filtersCombine() {
            Tenant t = tenant();
            String alicesHelper = createId(t, alice(t), "helper");
            String alicesCoder = createId(t, alice(t), "coder");
            String carolsCoder = createId(t, as(t, "carol"), "coder");
            TrueFoundryClient admin = admin(t);
            assertEquals(
                    List.of(carolsCoder, alicesCoder), ids(ok(admin.search(t.tenant(), query("agent_name", "coder")))));
            assertEquals(
                    List.of(alicesCoder, alicesHelper),
                    ids(ok(admin.search(t.tenant(), query("created_by_subject_id", "alice")))));
            assertEquals(
                    List.of(alicesCoder),
                    ids(ok(admin.search(
                            t.tenant(),
                            query(
                                    "created_by_subject_id",
                                    "alice",
                                    "created_by_subject_type",
                                    "user",
                                    "agent_name",
                                    "coder")))));
            assertEquals(
                    List.of(),
                    ids(ok(admin.search(
                            t.tenant(),
                            query("created_by_subject_id", "alice", "created_by_subject_type", "serviceaccount")))));
            assertEquals(List.of(carolsCoder), ids(ok(admin.search(t.tenant(), query("session_id", carolsCoder)))));
            assertEquals(
                    List.of(),
                    ids(ok(admin.search(t.tenant(), query("session_id", carolsCoder, "agent_name", "helper")))));
            assertEquals(
                    List.of(),
                    ids(ok(alice(t).search(t.tenant(), query("session_id", carolsCoder)))),
                    "a session get refuses is not found by id either");
            assertEquals(List.of(), ids(ok(admin.search(t.tenant(), query("session_type", "session/draft")))));
            assertEquals(
                    3,
                    ids(ok(admin.search(t.tenant(), query("session_type", "session"))))
                            .size());
            // an unknown agent or subject matches nothing; a restricted agent is no refusal
            assertEquals(List.of(), ids(ok(admin.search(t.tenant(), query("agent_name", "nobody")))));
            assertEquals(List.of(), ids(ok(alice(t).search(t.tenant(), query("agent_name", "vault")))));
            assertEquals(List.of(), ids(ok(admin.search(t.tenant(), query("created_by_subject_id", "nobody")))));
            // no default lower bound: an hour-old window start still finds them, a future one nothing
            assertEquals(
                    3,
                    ids(ok(admin.search(
                                    t.tenant(),
                                    query(
                                            "start_timestamp",
                                            Instant.now().minusSeconds(3600).toString()))))
                            .size());
            assertEquals(
                    List.of(),
                    ids(ok(admin.search(
                            t.tenant(),
                            query(
                                    "end_timestamp",
                                    Instant.now().minusSeconds(3600).toString())))));
        }

        @Test
        void pagesWalkEveryItemOnce() {
            Tenant t = tenant();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                created.add(createId(t, i % 2 == 0 ? alice(t) : as(t, "carol"), "coder"));
            }
            List<List<String>> pages = new ArrayList<>();
            assertEquals(created, walk(q -> admin(t).search(t.tenant(), q), query("order", "asc"), 3, pages));
            pages.clear();
            assertEquals(reversed(created), walk(q -> as(t, "bob").search(t.tenant(), q), query(), 4, pages));
            assertEquals(List.of(4, 3), pages.stream().map(List::size).toList());
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "unknown subject type|created_by_subject_type=robot|created_by_subject_type",
                    "unknown session type|session_type=session/other|session_type",
                    "empty created_by_subject_id|created_by_subject_id=|created_by_subject_id",
                    "session_id of 65|session_id=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|session_id",
                    "limit 101|limit=101|limit"
                })
        void malformedParametersAre422(String name, String rawQuery, String param) {
            Tenant t = tenant();
            Response r = alice(t).request()
                    .urlEncodingEnabled(false)
                    .get(TrueFoundryClient.SEARCH + "?" + rawQuery, t.tenant());
            assertError(r, 422, "invalid_request_error", "invalid_argument", param);
        }

        @Test
        void errors() {
            Tenant t = tenant();
            assertError(
                    alice(t).search(t.tenant(), query("page_token", "forged")),
                    400,
                    "invalid_request_error",
                    "invalid_page_token",
                    "page_token");
            assertError(
                    alice(t).search(
                                    t.tenant(),
                                    query(
                                            "start_timestamp",
                                            Instant.now().plusSeconds(60).toString())),
                    400,
                    "invalid_request_error",
                    "invalid_time_window",
                    "start_timestamp");
            assertError(TF.search(t.tenant(), Map.of()), 401, "authentication_error", "unauthenticated", null);
        }
    }

    @Nested
    class Cancel {
        @Test
        void cancelsARunningTurnIdempotentlyAndEveryDialectShowsIt() {
            Tenant t = GATEWAY.provisioning().tenant();
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "truefoundry"));
            Map<String, Object> before = ok(alice(t).get(t.tenant(), c.publicId()));
            // nothing runs: nothing changes
            assertEquals(Map.of(), ok(alice(t).cancel(t.tenant(), c.publicId(), Map.of())));
            assertEquals(before, ok(alice(t).get(t.tenant(), c.publicId())));
            assertEquals("created", Sessions.show(CLIENTS, t, c.publicId()).getString("status"));
            Response running = CLIENTS.admin(t.tenant()).updateSession(c.publicId(), Map.of("status", "running"));
            assertEquals(200, running.statusCode(), running.asString());
            String runningUpdatedAt = ok(alice(t).get(t.tenant(), c.publicId())).get("data") instanceof Map<?, ?> d
                    ? (String) d.get("updated_at")
                    : null;
            assertEquals(Map.of(), ok(alice(t).cancel(t.tenant(), c.publicId(), null)));
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>)
                    ok(alice(t).get(t.tenant(), c.publicId())).get("data");
            assertTrue(
                    Instant.parse((String) after.get("updated_at")).isAfter(Instant.parse(runningUpdatedAt)),
                    "updated_at moves");
            assertEquals("cancelled", Sessions.show(CLIENTS, t, c.publicId()).getString("status"));
            // repeated: still {}, and nothing changes, updated_at included
            assertEquals(Map.of(), ok(alice(t).cancel(t.tenant(), c.publicId(), Map.of())));
            assertEquals(Map.of("data", after), ok(alice(t).get(t.tenant(), c.publicId())));
            // every other dialect reads the cancelled session in its own terms
            Response everruns = CLIENTS.everruns().as(t.bearer()).get(c.publicId());
            assertEquals(200, everruns.statusCode(), everruns.asString());
            assertEquals("idle", everruns.jsonPath().getString("status"));
            assertEquals(after.get("updated_at"), everruns.jsonPath().getString("updated_at"));
            Response agentcloud = CLIENTS.agentcloud().as(t.bearer()).get(t.team(), c.objectId());
            assertEquals(200, agentcloud.statusCode(), agentcloud.asString());
            assertEquals("terminated", agentcloud.jsonPath().getString("session.status"));
            Response recoup = CLIENTS.recoup().as(t.bearer()).get(c.publicId());
            assertEquals(200, recoup.statusCode(), recoup.asString());
            assertEquals("completed", recoup.jsonPath().getString("session.status"));
        }

        @Test
        void managersAndAdminsMayCancelOthersMayNot() {
            Tenant t = tenant();
            String id = createId(t, alice(t), "coder");
            assertEquals(Map.of(), ok(as(t, "bob").cancel(t.tenant(), id, Map.of())));
            assertEquals(Map.of(), ok(admin(t).cancel(t.tenant(), id, Map.of())));
            assertError(
                    as(t, "carol").cancel(t.tenant(), id, Map.of()),
                    403,
                    "permission_error",
                    "session_forbidden",
                    null);
            assertError(
                    alice(t).cancel(t.tenant(), "session_" + "0".repeat(32), Map.of()),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
            assertError(
                    alice(t).cancel(t.tenant(), "x".repeat(65), Map.of()),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
            assertError(TF.cancel(t.tenant(), id, Map.of()), 401, "authentication_error", "unauthenticated", null);
            assertError(
                    TF.bearer(token("elsewhere", "alice")).cancel(t.tenant(), id, Map.of()),
                    401,
                    "authentication_error",
                    "tenant_mismatch",
                    null);
            // credentials before the body
            assertError(TF.cancel(t.tenant(), id, "[]"), 401, "authentication_error", "unauthenticated", null);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[]", "\"cancel\"", "42", "null", "{\"a\":", "{} {}"})
        void aBodyThatIsNoJsonObjectIs400(String body) {
            Tenant t = tenant();
            String id = createId(t, alice(t), "helper");
            assertError(
                    alice(t).cancel(t.tenant(), id, body), 400, "invalid_request_error", "invalid_request_body", null);
        }

        @Test
        void anObjectWithPropertiesIsAccepted() {
            Tenant t = tenant();
            String id = createId(t, alice(t), "helper");
            assertEquals(Map.of(), ok(alice(t).cancel(t.tenant(), id, Map.of("reason", "user asked"))));
        }
    }

    @Nested
    class DeleteAndPatch {
        @Test
        void bothAre405WithAllowWhoeverAsksAndNothingChanges() {
            Tenant t = tenant();
            Map<String, Object> created = create(t, alice(t), "helper");
            String id = (String) created.get("id");
            List<Response> refused = List.of(
                    alice(t).delete(t.tenant(), id),
                    TF.delete(t.tenant(), id),
                    admin(t).delete(t.tenant(), "session_" + "0".repeat(32)),
                    alice(t).update(t.tenant(), id, Map.of("title", "renamed")),
                    TF.update(t.tenant(), id, "[]"),
                    TF.as("Bearer garbage").update(t.tenant(), id, Map.of()));
            for (Response r : refused) {
                assertError(r, 405, "invalid_request_error", "method_not_allowed", null);
                assertEquals("GET", r.header("Allow"));
            }
            // the GET of the same path (another document) is still served, and the session is unchanged
            assertEquals(Map.of("data", created), ok(alice(t).get(t.tenant(), id)));
            assertEquals(Map.of("data", created), ok(admin(t).get(t.tenant(), id)), "admins read every session");
        }
    }

    @Test
    void everyListedSessionOfAnAgentReadsTheSameThroughTheOtherDialects() {
        Tenant t = GATEWAY.provisioning().tenant();
        List<Sessions.Created> created = new ArrayList<>();
        for (String via : List.of("truefoundry", "everruns", "agentcloud")) {
            created.add(Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, via)));
        }
        List<String> listed = ids(ok(alice(t).list(t.tenant(), query("agent_name", "helper", "order", "asc"))));
        assertEquals(created.stream().map(Sessions.Created::publicId).toList(), listed);
        for (Sessions.Created c : created) {
            for (String via : Clients.DIALECTS) {
                Sessions.read(CLIENTS, t, c, via);
            }
        }
        assertNull(pagination(ok(alice(t).list(t.tenant(), query("agent_name", "helper"))))
                .get("next_page_token"));
        assertEquals(new HashMap<>(Map.of("limit", 10)), pagination(ok(alice(t).owned(t.tenant(), Map.of()))));
    }
}
