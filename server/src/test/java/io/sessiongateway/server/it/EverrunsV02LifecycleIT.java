package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.builder.ResponseBuilder;
import io.restassured.filter.Filter;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.EverrunsClient;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code gateway.dialects.everruns.version = 0.2}, every Session the lifecycle operations answer (list items,
 * PATCH, fork) has the vendor's API 0.2 shape: the seed's properties plus {@code harness_id}, absent optional
 * properties still omitted.
 */
class EverrunsV02LifecycleIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.2"));

    /** The harness ids every answer carried, in order. */
    static final List<Object> HARNESSES = new CopyOnWriteArrayList<>();

    /**
     * Takes {@code harness_id} out of each Session of an answer (recorded in {@link #HARNESSES}) before the spec
     * validator sees it: the seed documents do not declare it, and the rest of the 0.2 Session is the seed's.
     */
    static final Filter HARNESS = (request, response, ctx) -> {
        Response r = ctx.next(request, response);
        String body = r.asString();
        if (body == null || !body.contains("harness_id")) {
            return r;
        }
        try {
            var json = new ObjectMapper();
            var tree = json.readTree(body);
            List<JsonNode> sessions = new ArrayList<>();
            if (tree.has("data")) {
                tree.get("data").forEach(sessions::add);
            } else {
                sessions.add(tree);
            }
            for (var s : sessions) {
                HARNESSES.add(((ObjectNode) s).remove("harness_id").asText());
            }
            return new ResponseBuilder()
                    .clone(r)
                    .setBody(json.writeValueAsString(tree))
                    .build();
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
    };

    @Test
    void everySessionCarriesTheOrganisationsHarness() {
        Tenant t = GATEWAY.provisioning().tenant();
        EverrunsClient ev = new EverrunsClient(() -> GATEWAY.given().filter(HARNESS)).as(t.bearer());
        Response created = ev.create(Map.of("agent_id", t.agent().everrunsId()));
        assertEquals(201, created.statusCode(), created.asString());
        Map<String, Object> session = created.jsonPath().getMap("");
        String harness = ((String) session.get("organization_id")).replace("org_", "harness_");
        assertEquals(
                List.of("agent_id", "created_at", "id", "is_pinned", "organization_id", "status", "updated_at"),
                session.keySet().stream().sorted().toList(),
                "no nulls: absent stays absent");
        assertEquals(List.of(harness), HARNESSES);
        String id = (String) session.get("id");

        Response patched = ev.update(id, Map.of("title", "v0.2", "locale", "uk-UA"));
        assertEquals(200, patched.statusCode(), patched.asString());
        Map<String, Object> expected = new HashMap<>(session);
        expected.put("title", "v0.2");
        expected.put("locale", "uk-UA");
        expected.put("updated_at", patched.jsonPath().getString("updated_at"));
        assertEquals(expected, patched.jsonPath().getMap(""));

        Response fork = ev.fork(id, null);
        assertEquals(201, fork.statusCode(), fork.asString());
        assertEquals("v0.2 (fork)", fork.jsonPath().getString("title"));

        Response list = ev.list(Map.of());
        assertEquals(200, list.statusCode(), list.asString());
        List<Map<String, Object>> items = list.jsonPath().getList("data");
        assertEquals(List.of(fork.jsonPath().getMap(""), ev.get(id).jsonPath().getMap("")), new ArrayList<>(items));
        for (Map<String, Object> item : items) {
            assertFalse(item.containsValue(null), item.toString());
        }
        // create, PATCH, fork, two list items, the get
        assertEquals(Collections.nCopies(6, harness), HARNESSES, "every Session of every answer");
        assertEquals(204, ev.delete(id).statusCode());
        assertEquals(404, ev.get(id).statusCode());
    }
}
