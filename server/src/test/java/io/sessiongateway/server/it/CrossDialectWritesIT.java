package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.ReadmeTable;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-dialect WRITE matrix (issue #12 "Done when"): README "Every write, read back through every dialect",
 * row by row. Each row is one lifecycle write through one dialect; the session is then read by the same member
 * through all four dialects' get and list and the admin API's show and list. Per reader, exactly the properties the
 * row's cell lists change (with the values it gives), besides the updated time, which moves to the same instant
 * everywhere or stays; a list item is the get's session; a deleted session answers each get exactly as an id that
 * never existed, and no list shows it. Every response is validated against its document by the clients.
 */
class CrossDialectWritesIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> READERS = List.of("truefoundry", "everruns", "agentcloud", "recoup", "admin");
    static final Map<String, String> COLUMNS = Map.of(
            "TrueFoundry", "truefoundry",
            "Everruns", "everruns",
            "Agentcloud", "agentcloud",
            "Recoup", "recoup",
            "admin API", "admin");
    static final Path README = Path.of("..", "README.md");
    static final String HEADING = "#### Every write, read back through every dialect";
    static final Pattern FIELD = Pattern.compile("`([^`]+)`: (?:`([^`]*)`|(set|absent))");
    static final Pattern WRITE = Pattern.compile("^([A-Za-z]+ [A-Za-z]+)(?: `(.*)`)?$");

    /** One row of the README table. */
    record Row(String concern, String write, String body, String from, Map<String, String> cells, String updated) {
        @Override
        public String toString() {
            return concern + ": " + write + (body == null ? "" : " " + body) + " from " + from;
        }
    }

    /** What a cell says of one reader's view. */
    record Expectation(Integer status, Map<String, Object> fields, Set<String> present, Set<String> absent) {
        boolean none() {
            return status == null && fields.isEmpty() && present.isEmpty() && absent.isEmpty();
        }
    }

    static List<Row> rows() {
        List<String> header = List.of(
                "concern", "write", "from", "TrueFoundry", "Everruns", "Agentcloud", "Recoup", "admin API", "updated");
        List<Row> rows = new ArrayList<>();
        for (List<String> cells : ReadmeTable.rows(README, HEADING, header)) {
            Matcher w = WRITE.matcher(cells.get(1));
            assertTrue(w.matches(), "write cell: " + cells.get(1));
            Map<String, String> byReader = new LinkedHashMap<>();
            for (int c = 3; c < 8; c++) {
                byReader.put(COLUMNS.get(header.get(c)), cells.get(c));
            }
            rows.add(new Row(cells.get(0), w.group(1), w.group(2), cells.get(2), byReader, cells.get(8)));
        }
        assertTrue(rows.size() >= 20, "the README table has " + rows.size() + " rows");
        return rows;
    }

    static Expectation expectation(String cell) {
        String c = cell.startsWith("the fork: ") ? cell.substring("the fork: ".length()) : cell;
        if (c.equals("—")) {
            return new Expectation(null, Map.of(), Set.of(), Set.of());
        }
        if (c.matches("\\d{3}")) {
            return new Expectation(Integer.parseInt(c), Map.of(), Set.of(), Set.of());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        Set<String> absent = new HashSet<>();
        Matcher m = FIELD.matcher(c);
        int matched = 0;
        while (m.find()) {
            matched++;
            if (m.group(2) != null) {
                try {
                    fields.put(m.group(1), JSON.readValue(m.group(2), Object.class));
                } catch (JsonProcessingException e) {
                    throw new AssertionError("cell value is not JSON: " + m.group(2), e);
                }
            } else if (m.group(3).equals("set")) {
                present.add(m.group(1));
            } else {
                absent.add(m.group(1));
            }
        }
        assertEquals(c.split("`: ").length - 1, matched, "every field of the cell parses: " + cell);
        return new Expectation(null, fields, present, absent);
    }

    @Test
    void theReadmeTableCoversEveryLifecycleWriteOfEveryDialect() {
        Set<String> writes = new HashSet<>();
        Set<String> concerns = new HashSet<>();
        for (Row r : rows()) {
            writes.add(r.write());
            concerns.add(r.concern());
        }
        assertEquals(
                Set.of(
                        "Everruns PATCH",
                        "Everruns fork",
                        "Everruns cancel",
                        "Everruns pin",
                        "Everruns unpin",
                        "Everruns DELETE",
                        "Recoup PATCH",
                        "Recoup DELETE",
                        "TrueFoundry cancel",
                        "Agentcloud cancel",
                        "Agentcloud edit",
                        "Agentcloud delete"),
                writes);
        assertEquals(Set.of("title", "status", "pin", "variables", "tags", "deleted"), concerns);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachWriteReadsBackThroughEveryDialect(Row row) {
        Tenant t = CLIENTS.provisioning().tenant();
        Created c = Sessions.complete(CLIENTS, t, Sessions.create(CLIENTS, t, "everruns"));
        String[] from = row.from().split(", ");
        if (!from[0].equals("created")) {
            Response r = CLIENTS.admin(t.tenant()).updateSession(c.publicId(), Map.of("status", from[0]));
            assertEquals(200, r.statusCode(), r.asString());
        }
        if (from.length > 1 && from[1].equals("pinned")) {
            Response r = CLIENTS.everruns().as(t.bearer()).pin(c.publicId());
            assertEquals(204, r.statusCode(), r.asString());
        }
        Map<String, Map<String, Object>> before = readAll(t, c);

        Optional<Created> fork = write(t, c, row);

        if (fork.isPresent()) {
            // The parent is unchanged; the fork shows what the row says, in every dialect, get and list alike.
            assertEquals(before, readAll(t, c), "a fork leaves its parent as it was");
            Map<String, Map<String, Object>> forked = readAll(t, fork.get());
            for (String reader : READERS) {
                Expectation e = expectation(row.cells().get(reader));
                Map<String, Object> view = forked.get(reader);
                assertFields(reader, e, view);
                assertEquals(
                        Instant.parse((String) forked.get("admin").get("created_at")),
                        updated(reader, view),
                        reader + ": a new session, not updated since");
            }
            return;
        }

        Map<String, Map<String, Object>> after = readAll(t, c);
        Instant updatedBefore = updated("admin", before.get("admin"));
        Instant updatedAfter = row.updated().equals("gone") ? null : updated("admin", after.get("admin"));
        for (String reader : READERS) {
            Expectation e = expectation(row.cells().get(reader));
            if (e.status() != null) {
                assertNull(reader, after.get(reader));
                assertGone(t, c, reader, e.status());
                continue;
            }
            Map<String, Object> was = before.get(reader);
            Map<String, Object> is = after.get(reader);
            assertFields(reader, e, is);
            Set<String> changed = new HashSet<>();
            for (String key : union(was.keySet(), is.keySet())) {
                if (!Objects.equals(was.get(key), is.get(key)) && !key.equals(updatedKey(reader))) {
                    changed.add(key);
                }
            }
            Set<String> listed = union(union(e.fields().keySet(), e.present()), e.absent());
            assertTrue(
                    listed.containsAll(changed),
                    reader + ": changed " + changed + " but the README lists " + listed + "\nbefore " + was + "\nafter "
                            + is);
            switch (row.updated()) {
                case "moves" -> {
                    assertTrue(updatedAfter.isAfter(updatedBefore), "updated_at moves: " + updatedBefore);
                    assertEquals(updatedAfter, updated(reader, is), reader + ": the same updated instant");
                }
                case "unchanged" -> assertEquals(updatedBefore, updated(reader, is), reader + ": updated unchanged");
                default -> fail("updated cell: " + row.updated());
            }
        }
    }

    /** Performs the row's write and asserts the vendor's success answer; a fork returns the new session. */
    Optional<Created> write(Tenant t, Created c, Row row) {
        Object body = row.body() == null ? null : parse(row.body());
        String bearer = t.bearer();
        Response r;
        switch (row.write()) {
            case "Everruns PATCH" -> {
                r = CLIENTS.everruns().as(bearer).update(c.publicId(), body);
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("id"));
            }
            case "Everruns fork" -> {
                r = CLIENTS.everruns().as(bearer).fork(c.publicId(), body);
                assertEquals(201, r.statusCode(), r.asString());
                Created f = Sessions.complete(
                        CLIENTS, t, new Created("everruns", r.jsonPath().getString("id"), null));
                assertEquals(
                        r.jsonPath().getMap(""),
                        CLIENTS.everruns()
                                .as(bearer)
                                .get(f.publicId())
                                .jsonPath()
                                .getMap(""));
                return Optional.of(f);
            }
            case "Everruns cancel" -> {
                r = CLIENTS.everruns().as(bearer).cancel(c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                boolean cancels = row.updated().equals("moves");
                assertEquals(
                        cancels
                                ? Map.of("status", "cancelled", "message", "Turn cancelled successfully")
                                : Map.of("status", "no_op", "message", "No turn currently running"),
                        r.jsonPath().getMap(""));
            }
            case "Everruns pin" ->
                assertEquals(
                        204, CLIENTS.everruns().as(bearer).pin(c.publicId()).statusCode());
            case "Everruns unpin" ->
                assertEquals(
                        204, CLIENTS.everruns().as(bearer).unpin(c.publicId()).statusCode());
            case "Everruns DELETE" -> {
                r = CLIENTS.everruns().as(bearer).delete(c.publicId());
                assertEquals(204, r.statusCode(), r.asString());
                assertEquals("", r.asString());
            }
            case "Recoup PATCH" -> {
                r = CLIENTS.recoup().as(bearer).update(c.publicId(), body);
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(
                        CLIENTS.recoup().as(bearer).get(c.publicId()).jsonPath().getMap("session"),
                        r.jsonPath().getMap("session"));
            }
            case "Recoup DELETE" -> {
                r = CLIENTS.recoup().as(bearer).delete(c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of("success", true), r.jsonPath().getMap(""));
            }
            case "TrueFoundry cancel" -> {
                r = CLIENTS.trueFoundry().as(bearer).cancel(t.tenant(), c.publicId(), body);
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            }
            case "Agentcloud cancel" -> {
                r = CLIENTS.agentcloud().as(bearer).cancel(t.team(), c.objectId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            }
            case "Agentcloud edit" -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> variables = (Map<String, Object>) ((Map<?, ?>) body).get("variables");
                r = CLIENTS.agentcloud().as(bearer).editVariables(t.team(), c.objectId(), variables);
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals("Session updated successfully", r.jsonPath().getString("message"));
                assertEquals(1, r.jsonPath().getInt("session.modifiedCount"));
            }
            case "Agentcloud delete" -> {
                r = CLIENTS.agentcloud().as(bearer).delete(t.team(), c.objectId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(Map.of(), r.jsonPath().getMap(""));
            }
            default -> fail("no such write in this test: " + row.write());
        }
        return Optional.empty();
    }

    static Object parse(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError(json, e);
        }
    }

    static void assertFields(String reader, Expectation e, Map<String, Object> view) {
        assertNotNull(view, reader + ": the session is shown");
        e.fields().forEach((k, v) -> assertEquals(v, view.get(k), reader + " " + k + " in " + view));
        e.present().forEach(k -> assertNotNull(view.get(k), reader + " " + k + " set in " + view));
        e.absent().forEach(k -> assertFalse(view.containsKey(k), reader + " " + k + " absent in " + view));
    }

    static void assertNull(String reader, Map<String, Object> view) {
        assertEquals(null, view, reader + ": a deleted session is in no list");
    }

    /**
     * A deleted session's get answers exactly what the get of an id that never existed answers (with that id in the
     * message), and every list leaves it out (checked by {@link #readAll}).
     */
    static void assertGone(Tenant t, Created c, String reader, int status) {
        String unknownPublic = Ids.prefixed("session", UUID.randomUUID());
        String unknownObject = "ffffffffffffffffffffffff";
        Response deleted = get(t, reader, c.publicId(), c.objectId());
        Response unknown = get(t, reader, unknownPublic, unknownObject);
        assertEquals(status, deleted.statusCode(), reader + ": " + deleted.asString());
        assertEquals(status, unknown.statusCode(), reader + ": " + unknown.asString());
        assertEquals(
                unknown.asString().replace(unknownPublic, c.publicId()).replace(unknownObject, c.objectId()),
                deleted.asString(),
                reader + ": a tombstone answers as an unknown id");
        assertEquals(unknown.contentType(), deleted.contentType());
    }

    static Response get(Tenant t, String reader, String publicId, String objectId) {
        return switch (reader) {
            case "truefoundry" -> CLIENTS.trueFoundry().as(t.bearer()).get(t.tenant(), publicId);
            case "everruns" -> CLIENTS.everruns().as(t.bearer()).get(publicId);
            case "agentcloud" -> CLIENTS.agentcloud().as(t.bearer()).get(t.team(), objectId);
            case "recoup" -> CLIENTS.recoup().as(t.bearer()).get(publicId);
            case "admin" -> CLIENTS.admin(t.tenant()).showSession(publicId);
            default -> throw new IllegalArgumentException(reader);
        };
    }

    /**
     * The session as each reader's get shows it (null when get answers anything but 200), after asserting that the
     * reader's list shows exactly that (TrueFoundry's list items add {@code type: "session"}; Agentcloud's get
     * answer is {@code {csrf, session}}, the fresh csrf is left out), or leaves it out when get does not answer it.
     */
    static Map<String, Map<String, Object>> readAll(Tenant t, Created c) {
        Map<String, Map<String, Object>> views = new LinkedHashMap<>();
        for (String reader : READERS) {
            Response r = get(t, reader, c.publicId(), c.objectId());
            Map<String, Object> view = r.statusCode() == 200
                    ? r.jsonPath()
                            .getMap(
                                    switch (reader) {
                                        case "truefoundry" -> "data";
                                        case "agentcloud", "recoup" -> "session";
                                        default -> "";
                                    })
                    : null;
            Map<String, Object> listed = listed(t, c, reader);
            if (view == null) {
                assertEquals(null, listed, reader + ": listed but not readable");
            } else if (reader.equals("truefoundry")) {
                Map<String, Object> expected = new LinkedHashMap<>(view);
                expected.put("type", "session");
                assertEquals(expected, listed, reader + ": the list item is the get's session");
            } else {
                assertEquals(view, listed, reader + ": the list item is the get's session");
            }
            views.put(reader, view);
        }
        return views;
    }

    static Map<String, Object> listed(Tenant t, Created c, String reader) {
        Response r;
        String items;
        String key;
        String id = c.publicId();
        switch (reader) {
            case "truefoundry" -> {
                r = CLIENTS.trueFoundry()
                        .as(t.bearer())
                        .list(t.tenant(), Map.of("agent_name", t.agent().name(), "limit", 100));
                items = "data";
                key = "id";
            }
            case "everruns" -> {
                r = CLIENTS.everruns().as(t.bearer()).list(Map.of("limit", 100));
                items = "data";
                key = "id";
            }
            case "agentcloud" -> {
                r = CLIENTS.agentcloud().as(t.bearer()).list(t.team());
                items = "sessions";
                key = "_id";
                id = c.objectId();
            }
            case "recoup" -> {
                r = CLIENTS.recoup().as(t.bearer()).list(Map.of("status", "all", "limit", 100));
                items = "sessions";
                key = "id";
            }
            case "admin" -> {
                r = CLIENTS.admin(t.tenant()).listSessions(t.tenant());
                items = "data";
                key = "ids.truefoundry";
            }
            default -> throw new IllegalArgumentException(reader);
        }
        assertEquals(200, r.statusCode(), reader + " list: " + r.asString());
        List<Map<String, Object>> all = r.jsonPath().getList(items);
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> item : all) {
            Object value =
                    key.equals("ids.truefoundry") ? ((Map<?, ?>) item.get("ids")).get("truefoundry") : item.get(key);
            if (id.equals(value)) {
                found.add(item);
            }
        }
        assertTrue(found.size() <= 1, reader + " lists the session twice: " + r.asString());
        return found.isEmpty() ? null : found.get(0);
    }

    static String updatedKey(String reader) {
        return switch (reader) {
            case "agentcloud" -> "lastUpdatedDate";
            case "recoup" -> "updatedAt";
            default -> "updated_at";
        };
    }

    static Instant updated(String reader, Map<String, Object> view) {
        Object v = view.get(updatedKey(reader));
        if (v instanceof Map<?, ?> date) {
            v = date.get("$date");
        }
        return Instant.parse((String) v);
    }

    static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
