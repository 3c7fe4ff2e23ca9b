package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.EverrunsClient;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Everruns lifecycle over real HTTP (issue #12): list, PATCH, DELETE, cancel, stats, pin/unpin and fork. Every
 * response is validated against its document by the harness; each test asserts status, media type and whole body,
 * the vendor's visibility (every principal of the organisation, nobody else) and the effect read back through the
 * other three dialects.
 */
class EverrunsLifecycleIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final String NO_SESSION = "session_" + "0".repeat(32);

    /** A fresh organisation (tenant) with agent {@code helper} and alice's token carrying every claim. */
    static Tenant org() {
        return GATEWAY.provisioning().tenant();
    }

    static EverrunsClient as(Tenant t) {
        return CLIENTS.everruns().as(t.bearer());
    }

    static EverrunsClient as(Tenant t, String subject) {
        return CLIENTS.everruns().bearer(token(t.tenant(), subject));
    }

    static Map<String, Object> create(Tenant t, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("agent_id", t.agent().everrunsId());
        Response r = as(t).create(body);
        assertEquals(201, r.statusCode(), r.asString());
        return r.jsonPath().getMap("");
    }

    static String createId(Tenant t) {
        return (String) create(t, Map.of()).get("id");
    }

    static Map<String, Object> ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return r.jsonPath().getMap("");
    }

    static void noContent(Response r) {
        assertEquals(204, r.statusCode(), r.asString());
        assertEquals("", r.asString());
    }

    static void assertError(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        Map<String, Object> body = r.jsonPath().getMap("");
        assertEquals(List.of("error"), List.copyOf(body.keySet()), r.asString());
        assertTrue(body.get("error") instanceof String s && !s.isBlank(), r.asString());
    }

    static void assertError(Response r, int status, String message) {
        assertError(r, status);
        assertEquals(message, r.jsonPath().getString("error"));
    }

    static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    @SuppressWarnings("unchecked")
    static List<String> ids(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("data"))
                .stream().map(s -> (String) s.get("id")).toList();
    }

    static void setStatus(Tenant t, String id, String status) {
        Response r = CLIENTS.admin(t.tenant()).updateSession(id, Map.of("status", status));
        assertEquals(200, r.statusCode(), r.asString());
    }

    @Nested
    class ListSessions {
        @Test
        void newestFirstWithTotalAndEveryItemAsGetShowsIt() {
            Tenant t = org();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                created.add(createId(t));
            }
            Map<String, Object> page = ok(as(t).list(Map.of()));
            List<Map<String, Object>> expectedData = new ArrayList<>();
            for (String id : reversed(created)) {
                expectedData.add(ok(as(t).get(id)));
            }
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("data", expectedData);
            expected.put("total", 3);
            expected.put("offset", 0);
            expected.put("limit", 20);
            assertEquals(expected, page, "no next_url on the last page, no prev_url on the first");
        }

        @Test
        void offsetPagesAsTheVendorWithUrlsThatOffsetClientsCanIgnore() {
            Tenant t = org();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(createId(t));
            }
            List<String> newestFirst = reversed(created);
            Map<String, Object> first = ok(as(t).list(Map.of("limit", 2)));
            assertEquals(newestFirst.subList(0, 2), ids(first));
            assertEquals(5, first.get("total"));
            assertEquals(0, first.get("offset"));
            assertEquals(2, first.get("limit"));
            assertTrue(((String) first.get("next_url")).contains("offset=2"), (String) first.get("next_url"));
            assertFalse(first.containsKey("prev_url"));
            Map<String, Object> second = ok(as(t).list(Map.of("limit", 2, "offset", 2)));
            assertEquals(newestFirst.subList(2, 4), ids(second));
            assertEquals(2, second.get("offset"));
            assertTrue(second.containsKey("next_url") && second.containsKey("prev_url"), second.toString());
            Map<String, Object> last = ok(as(t).list(Map.of("limit", 2, "offset", 4)));
            assertEquals(newestFirst.subList(4, 5), ids(last));
            assertFalse(last.containsKey("next_url"));
            Map<String, Object> past = ok(as(t).list(Map.of("limit", 2, "offset", 10)));
            assertEquals(List.of(), ids(past));
            assertEquals(5, past.get("total"));
        }

        @Test
        void followingNextUrlNeverRepeatsOrSkipsUnderConcurrentCreatesAndDeletes() {
            Tenant t = org();
            List<String> s = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                s.add(createId(t));
            }
            Map<String, Object> page1 = ok(as(t).list(Map.of("limit", 3)));
            assertEquals(List.of(s.get(6), s.get(5), s.get(4)), ids(page1));
            // meanwhile: one seen session and one unseen are deleted, two new ones created (newer than all)
            noContent(as(t).delete(s.get(5)));
            noContent(as(t).delete(s.get(1)));
            String n1 = createId(t);
            String n2 = createId(t);
            Map<String, Object> page2 = ok(as(t).follow((String) page1.get("next_url")));
            assertEquals(List.of(s.get(3), s.get(2), s.get(0)), ids(page2), "keyset: no skip, no repeat");
            assertFalse(page2.containsKey("next_url"), "the last page");
            assertEquals(7, page2.get("total"), "7 created, 2 deleted, 2 created");
            assertEquals(3, page2.get("offset"), "the offset an offset client would ask for next, echoed");
            // back: the page just before s3, newest first
            Map<String, Object> back = ok(as(t).follow((String) page2.get("prev_url")));
            assertEquals(List.of(n1, s.get(6), s.get(4)), ids(back));
            assertTrue(back.containsKey("prev_url"), "n2 is before it");
            Map<String, Object> front = ok(as(t).follow((String) back.get("prev_url")));
            assertEquals(List.of(n2), ids(front));
            Set<String> seen = new HashSet<>(ids(page1));
            seen.addAll(ids(page2));
            assertTrue(seen.containsAll(List.of(s.get(0), s.get(2), s.get(3), s.get(4), s.get(6))));
            assertFalse(ids(page2).contains(s.get(1)), "deleted before it was reached");
        }

        @Test
        void aCursorWorksOnlyWithTheFiltersItWasIssuedFor() {
            Tenant t = org();
            for (int i = 0; i < 3; i++) {
                createId(t);
            }
            String next = (String) ok(as(t).list(Map.of("limit", 1))).get("next_url");
            String cursor = next.replaceAll(".*[?&]cursor=([^&]+).*", "$1");
            assertEquals(200, as(t).list(Map.of("limit", 1, "cursor", cursor)).statusCode());
            assertError(as(t).list(Map.of("limit", 2, "cursor", cursor)), 400);
            assertError(
                    as(t).list(Map.of(
                            "limit", 1, "cursor", cursor, "agent_id", t.agent().everrunsId())),
                    400);
            assertError(as(t).list(Map.of("limit", 1, "cursor", cursor, "search", "x")), 400);
            String tampered = cursor.substring(0, 5) + (cursor.charAt(5) == 'A' ? 'B' : 'A') + cursor.substring(6);
            assertError(as(t).list(Map.of("limit", 1, "cursor", tampered)), 400);
            assertError(as(t).list(Map.of("cursor", "garbage")), 400);
            // another organisation's caller with a valid cursor sees its own (empty) organisation only
            Tenant other = org();
            Map<String, Object> foreign = ok(as(other).list(Map.of("limit", 1, "cursor", cursor)));
            assertEquals(List.of(), ids(foreign));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "limit=0",
                    "limit=-1",
                    "limit=abc",
                    "limit=4294967296",
                    "offset=-1",
                    "offset=x",
                    "offset=4294967296",
                    "offset=",
                    "limit=",
                    "limit=1&limit=1",
                    "search=a&search=a",
                    "agent_id=agent_x",
                    "agent_id=AGENT",
                    "cursor="
                })
        void invalidParametersAre400(String parameter) {
            Tenant t = org();
            assertError(as(t).follow(GATEWAY.baseUri() + "/v1/sessions?" + parameter), 400);
        }

        @Test
        void limitsAbove100AreServedAs100() {
            Tenant t = org();
            createId(t);
            assertEquals(100, ok(as(t).list(Map.of("limit", 500))).get("limit"));
            assertEquals(100, ok(as(t).list(Map.of("limit", 4294967295L))).get("limit"));
        }

        @Test
        void filtersByAgentAndByTitleCaseInsensitively() {
            Tenant t = org();
            String other = GATEWAY.provisioning()
                    .agent(t.tenant(), "other", List.of(), false)
                    .everrunsId();
            String a = (String) create(t, Map.of("title", "Fix the Parser")).get("id");
            String b = (String) create(t, Map.of("title", "parser docs")).get("id");
            Response c = as(t).create(Map.of("agent_id", other, "title", "unrelated"));
            assertEquals(201, c.statusCode());
            assertEquals(List.of(b, a), ids(ok(as(t).list(Map.of("search", "PARSER")))));
            assertEquals(2, ok(as(t).list(Map.of("search", "PARSER"))).get("total"));
            String cid = c.path("id");
            assertEquals(List.of(cid), ids(ok(as(t).list(Map.of("agent_id", other)))));
            assertEquals(
                    List.of(a), ids(ok(as(t).list(Map.of("agent_id", t.agent().everrunsId(), "search", "fix")))));
            Map<String, Object> unknownAgent = ok(as(t).list(Map.of("agent_id", "agent_" + "0".repeat(32))));
            assertEquals(List.of(), ids(unknownAgent), "an unknown agent is an empty page, as the vendor's");
            assertEquals(0, unknownAgent.get("total"));
        }

        @Test
        void showsExactlyWhatGetShowsTheSameCaller() {
            Tenant t = org();
            Tenant other = org();
            String restricted = GATEWAY.provisioning()
                    .agent(t.tenant(), "vault", List.of("bob"), true)
                    .everrunsId();
            String mine = createId(t);
            Response bobs = as(t, "bob").create(Map.of("agent_id", restricted));
            assertEquals(201, bobs.statusCode(), bobs.asString());
            String foreign = createId(other);
            String key = GATEWAY.provisioning()
                    .key(t.tenant(), "everruns", "svc", null, List.of())
                    .secret();
            for (EverrunsClient caller :
                    List.of(as(t), as(t, "carol"), CLIENTS.everruns().as(key))) {
                List<String> listed = ids(ok(caller.list(Map.of())));
                String bobsId = bobs.path("id");
                assertEquals(
                        List.of(bobsId, mine),
                        listed,
                        "another owner's and a restricted agent's sessions are the organisation's");
                for (String id : listed) {
                    assertEquals(200, caller.get(id).statusCode());
                }
                assertError(caller.get(foreign), 404);
            }
            assertEquals(List.of(foreign), ids(ok(as(other).list(Map.of()))));
        }

        @Test
        void missingOrBadCredentialsAre401EvenWithBadParameters() {
            assertError(CLIENTS.everruns().list(Map.of()), 401);
            assertError(CLIENTS.everruns().as("Bearer nonsense").list(Map.of()), 401);
            assertError(CLIENTS.everruns().as("evr_nonsense").list(Map.of("limit", "abc")), 401);
            assertError(CLIENTS.everruns().list(Map.of("offset", "x")), 401);
        }
    }

    @Nested
    class UpdateSession {
        @Test
        void changesOnlyTheFieldsGivenAndMovesUpdatedAt() throws Exception {
            Tenant t = org();
            Map<String, Object> before = create(t, Map.of("title", "old", "tags", List.of("a")));
            String id = (String) before.get("id");
            Thread.sleep(5);
            Map<String, Object> after = ok(as(t).update(id, Map.of("title", "new", "locale", "uk-ua")));
            Map<String, Object> expected = new HashMap<>(before);
            expected.put("title", "new");
            expected.put("locale", "uk-UA");
            expected.put("updated_at", after.get("updated_at"));
            expected.put("is_pinned", false);
            assertEquals(expected, after, "locale in its canonical case; tags untouched");
            assertTrue(Instant.parse((String) after.get("updated_at"))
                    .isAfter(Instant.parse((String) before.get("updated_at"))));
            assertEquals(after, ok(as(t, "carol").get(id)), "any member reads the change");

            Map<String, Object> tagged = ok(as(t).update(id, Map.of("tags", List.of("x", "y"))));
            assertEquals(List.of("x", "y"), tagged.get("tags"), "tags replace the list");
            assertEquals("new", tagged.get("title"));
            Map<String, Object> nulls = new HashMap<>();
            nulls.put("title", null);
            nulls.put("locale", null);
            nulls.put("tags", null);
            Map<String, Object> same = ok(as(t).update(id, nulls));
            assertEquals(tagged, same, "null means not given; nothing changes, updated_at included");
            assertEquals(tagged, ok(as(t).update(id, Map.of())));
            Map<String, Object> cleared = ok(as(t).update(id, Map.of("tags", List.of())));
            assertEquals(List.of(), cleared.get("tags"));
        }

        @Test
        void aRenameIsWhatEveryDialectShowsNext() {
            Tenant t = org();
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "everruns"));
            ok(as(t).update(c.publicId(), Map.of("title", "Renamed via Everruns")));
            Response tf = CLIENTS.trueFoundry().as(t.bearer()).get(t.tenant(), c.publicId());
            assertEquals("Renamed via Everruns", ok(tf).get("data") instanceof Map<?, ?> m ? m.get("title") : null);
            Response ac = CLIENTS.agentcloud().as(t.bearer()).get(t.team(), c.objectId());
            assertEquals("Renamed via Everruns", ac.jsonPath().getString("session.name"), ac.asString());
            Response rc = CLIENTS.recoup().as(t.bearer()).get(c.publicId());
            assertEquals("Renamed via Everruns", rc.jsonPath().getString("session.title"), rc.asString());
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "[]",
                    "\"x\"",
                    "not json",
                    "{\"title\":7}",
                    "{\"tags\":\"a\"}",
                    "{\"tags\":[1]}",
                    "{\"tags\":[\"\"]}",
                    "{\"locale\":\"not a locale\"}",
                    "{\"locale\":\"en_US\"}",
                    "{\"locale\":\"\"}",
                    "{\"locale\":5}"
                })
        void invalidBodiesAre400AndChangeNothing(String body) {
            Tenant t = org();
            Map<String, Object> before = create(t, Map.of("title", "kept"));
            assertError(as(t).update((String) before.get("id"), body), 400);
            assertEquals(before, ok(as(t).get((String) before.get("id"))));
        }

        @Test
        void theLocaleMessageIsTheVendors() {
            Tenant t = org();
            assertError(
                    as(t).update(createId(t), Map.of("locale", "klingon!")),
                    400,
                    "unsupported locale: expected a BCP 47 tag such as uk-UA");
        }

        @Test
        void errors() {
            Tenant t = org();
            Tenant other = org();
            String id = createId(t);
            assertError(as(t).update("session_x", Map.of("title", "x")), 400);
            assertError(as(t).update(NO_SESSION, Map.of("title", "x")), 404);
            assertError(as(other).update(id, Map.of("title", "x")), 404, "session '" + id + "' not found");
            assertError(CLIENTS.everruns().update(id, Map.of("title", "x")), 401);
            assertError(CLIENTS.everruns().update(id, "not json"), 401, "missing authentication token or API key");
            noContent(as(t).delete(id));
            assertError(as(t).update(id, Map.of("title", "x")), 404);
        }
    }

    @Nested
    class DeleteSession {
        @Test
        void goneFromEveryDialectsGetAndFromTheListAndStats() {
            Tenant t = org();
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "everruns"));
            String kept = createId(t);
            assertEquals(2, ok(as(t).stats()).get("total"));
            Response r = as(t).delete(c.publicId());
            noContent(r);
            assertError(as(t).get(c.publicId()), 404);
            assertEquals(
                    404,
                    CLIENTS.trueFoundry()
                            .as(t.bearer())
                            .get(t.tenant(), c.publicId())
                            .statusCode());
            assertEquals(
                    400,
                    CLIENTS.agentcloud()
                            .as(t.bearer())
                            .get(t.team(), c.objectId())
                            .statusCode(),
                    "Agentcloud's members get 400 'Invalid inputs' for a session the team does not hold");
            assertEquals(404, CLIENTS.recoup().as(t.bearer()).get(c.publicId()).statusCode());
            assertEquals(List.of(kept), ids(ok(as(t).list(Map.of()))));
            assertEquals(1, ok(as(t).stats()).get("total"));
            assertError(as(t).delete(c.publicId()), 404, "session '" + c.publicId() + "' not found");
        }

        @Test
        void aSessionCreatedThroughAnotherDialectIsDeletedToo() {
            Tenant t = org();
            for (String via : List.of("truefoundry", "agentcloud", "recoup")) {
                Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, via));
                noContent(as(t).delete(c.publicId()));
                assertError(as(t).get(c.publicId()), 404);
            }
        }

        @Test
        void errors() {
            Tenant t = org();
            Tenant other = org();
            String id = createId(t);
            assertError(as(t).delete("session_X"), 400);
            assertError(as(t).delete(NO_SESSION), 404);
            assertError(as(other).delete(id), 404);
            assertError(CLIENTS.everruns().delete(id), 401);
            assertEquals(200, as(t).get(id).statusCode(), "refused deletes changed nothing");
        }
    }

    @Nested
    class CancelTurn {
        @Test
        void noOpUnlessATurnRunsThenCancelledAndIdleInEveryDialect() {
            Tenant t = org();
            Sessions.Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "everruns"));
            Map<String, Object> before = ok(as(t).get(c.publicId()));
            assertEquals(
                    Map.of("status", "no_op", "message", "No turn currently running"), ok(as(t).cancel(c.publicId())));
            assertEquals(before, ok(as(t).get(c.publicId())), "a no-op changes nothing, updated_at included");
            setStatus(t, c.publicId(), "running");
            assertEquals("active", ok(as(t).get(c.publicId())).get("status"));
            assertEquals(
                    Map.of("status", "cancelled", "message", "Turn cancelled successfully"),
                    ok(as(t).cancel(c.publicId())));
            Map<String, Object> after = ok(as(t).get(c.publicId()));
            assertEquals("idle", after.get("status"));
            assertTrue(after.containsKey("finished_at"), after.toString());
            assertEquals(
                    Map.of("status", "no_op", "message", "No turn currently running"),
                    ok(as(t).cancel(c.publicId())),
                    "idempotent");
            assertEquals(
                    "terminated",
                    CLIENTS.agentcloud()
                            .as(t.bearer())
                            .get(t.team(), c.objectId())
                            .jsonPath()
                            .getString("session.status"));
            assertEquals(
                    "completed",
                    CLIENTS.recoup().as(t.bearer()).get(c.publicId()).jsonPath().getString("session.status"));
            assertEquals("cancelled", Sessions.show(CLIENTS, t, c.publicId()).getString("status"));
        }

        @Test
        void errors() {
            Tenant t = org();
            String id = createId(t);
            assertError(as(t).cancel("session_"), 400);
            assertError(as(t).cancel(NO_SESSION), 404);
            assertError(as(org()).cancel(id), 404);
            assertError(CLIENTS.everruns().cancel(id), 401);
            noContent(as(t).delete(id));
            assertError(as(t).cancel(id), 404);
        }
    }

    @Nested
    class Stats {
        @Test
        void countsTheOrganisationBySessionStatus() {
            Tenant t = org();
            assertEquals(
                    Map.of("total", 0, "active", 0, "idle", 0, "started", 0, "waiting_for_tool_results", 0),
                    ok(as(t).stats()));
            String running = createId(t);
            String done = createId(t);
            String waiting = createId(t);
            createId(t);
            createId(org());
            setStatus(t, running, "running");
            setStatus(t, done, "completed");
            setStatus(t, waiting, "waiting");
            assertEquals(
                    Map.of("total", 4, "active", 1, "idle", 2, "started", 1, "waiting_for_tool_results", 0),
                    ok(as(t).stats()));
            String key = GATEWAY.provisioning()
                    .key(t.tenant(), "everruns", "svc", null, List.of())
                    .secret();
            assertEquals(ok(as(t).stats()), ok(CLIENTS.everruns().as(key).stats()), "any principal of the org");
        }

        @Test
        void needsCredentials() {
            assertError(CLIENTS.everruns().stats(), 401);
            assertError(CLIENTS.everruns().as("Bearer x.y.z").stats(), 401);
        }
    }

    @Nested
    class Pins {
        @Test
        void pinnedForTheCallerOnlyAndSafeToRepeat() {
            Tenant t = org();
            String id = createId(t);
            noContent(as(t).pin(id));
            noContent(as(t).pin(id));
            assertEquals(true, ok(as(t).get(id)).get("is_pinned"));
            assertEquals(false, ok(as(t, "carol").get(id)).get("is_pinned"), "per user");
            assertEquals(
                    List.of(true),
                    ok(as(t).list(Map.of())).get("data") instanceof List<?> l
                            ? l.stream()
                                    .map(s -> ((Map<?, ?>) s).get("is_pinned"))
                                    .toList()
                            : null);
            assertEquals(
                    List.of(false),
                    ok(as(t, "carol").list(Map.of())).get("data") instanceof List<?> l
                            ? l.stream()
                                    .map(s -> ((Map<?, ?>) s).get("is_pinned"))
                                    .toList()
                            : null);
            noContent(as(t).unpin(id));
            noContent(as(t).unpin(id));
            assertEquals(false, ok(as(t).get(id)).get("is_pinned"));
        }

        @Test
        void errors() {
            Tenant t = org();
            String id = createId(t);
            assertError(as(t).pin("x"), 400);
            assertError(as(t).unpin("x"), 400);
            assertError(as(t).pin(NO_SESSION), 404);
            assertError(as(t).unpin(NO_SESSION), 404);
            assertError(as(org()).pin(id), 404);
            assertError(CLIENTS.everruns().pin(id), 401);
            assertError(CLIENTS.everruns().unpin(id), 401);
            noContent(as(t).delete(id));
            assertError(as(t).pin(id), 404);
        }
    }

    @Nested
    class Fork {
        @Test
        void copiesTheParentWithTheVendorsDefaultTitle() {
            Tenant t = org();
            Map<String, Object> parent = create(
                    t,
                    Map.of(
                            "title",
                            "Plan",
                            "tags",
                            List.of("a"),
                            "model_id",
                            "model_01933b5a000070008000000000000001"));
            ok(as(t).update((String) parent.get("id"), Map.of("locale", "de-CH")));
            Map<String, Object> parentNow = ok(as(t).get((String) parent.get("id")));
            Response r = as(t, "carol").fork((String) parent.get("id"), null);
            assertEquals(201, r.statusCode(), r.asString());
            Map<String, Object> fork = r.jsonPath().getMap("");
            Map<String, Object> expected = new HashMap<>(parentNow);
            expected.put("id", fork.get("id"));
            expected.put("title", "Plan (fork)");
            expected.put("created_at", fork.get("created_at"));
            expected.put("updated_at", fork.get("updated_at"));
            expected.put("is_pinned", false);
            assertEquals(expected, fork);
            assertNotEquals(parent.get("id"), fork.get("id"));
            assertEquals(parentNow, ok(as(t).get((String) parent.get("id"))), "the parent is unchanged");
            assertEquals(fork, ok(as(t, "carol").get((String) fork.get("id"))));
            Response tf =
                    CLIENTS.trueFoundry().bearer(token(t.tenant(), "carol")).get(t.tenant(), (String) fork.get("id"));
            assertEquals(200, tf.statusCode(), "the fork is carol's: TrueFoundry lets its owner read it");
            assertEquals("Plan (fork)", tf.jsonPath().getString("data.title"));
        }

        @Test
        void overridesAndAnUntitledParent() {
            Tenant t = org();
            String other = GATEWAY.provisioning()
                    .agent(t.tenant(), "other", List.of(), false)
                    .everrunsId();
            String parent = createId(t);
            Map<String, Object> plain = as(t).fork(parent, Map.of())
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath()
                    .getMap("");
            assertEquals("Fork", plain.get("title"));
            Map<String, Object> body = new HashMap<>();
            body.put("title", "B");
            body.put("tags", List.of("x"));
            body.put("agent_id", other);
            body.put("model_id", "model_01933b5a000070008000000000000002");
            body.put("locale", "fr-ca");
            body.put("unknown_field", 1);
            Map<String, Object> fork = as(t).fork(parent, body)
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath()
                    .getMap("");
            assertEquals("B", fork.get("title"));
            assertEquals(List.of("x"), fork.get("tags"));
            assertEquals(other, fork.get("agent_id"));
            assertEquals("model_01933b5a000070008000000000000002", fork.get("model_id"));
            assertEquals("fr-CA", fork.get("locale"));
            assertEquals("started", fork.get("status"));
        }

        @Test
        void errors() {
            Tenant t = org();
            Tenant other = org();
            String parent = createId(t);
            assertError(as(t).fork("session_1", null), 400);
            assertError(as(t).fork(parent, Map.of("agent_id", "agent_1")), 400);
            assertError(as(t).fork(parent, Map.of("locale", "en_GB")), 400);
            assertError(as(t).fork(parent, "[1]"), 400);
            assertError(as(t).fork(NO_SESSION, null), 404);
            assertError(as(other).fork(parent, null), 404);
            assertError(as(t).fork(parent, Map.of("agent_id", other.agent().everrunsId())), 404);
            assertError(as(t).fork(parent, Map.of("agent_id", "agent_" + "0".repeat(32))), 404);
            assertError(CLIENTS.everruns().fork(parent, null), 401);
            assertError(CLIENTS.everruns().fork(parent, "[1]"), 401);
            setStatus(t, parent, "running");
            assertError(as(t).fork(parent, null), 409);
            int sessions = ok(as(t).stats()).get("total") instanceof Integer n ? n : -1;
            assertEquals(1, sessions, "refused forks created nothing");
        }
    }
}
