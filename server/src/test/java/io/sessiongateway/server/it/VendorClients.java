package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sessions created and read as each vendor's clients do, through any gateway: the harness's, another instance,
 * a child process, dialects under prefixes. {@link Routes} hands out the (spec-validated) requests, so where a
 * dialect is mounted is the caller's business and the paths here are the vendors' own.
 */
final class VendorClients {
    /** The four vendor dialects, in a fixed order. */
    static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup");

    private VendorClients() {
    }

    /** A validated request to a dialect (or {@code admin}), whose base path is where that dialect is mounted. */
    @FunctionalInterface
    interface Routes {
        RequestSpecification to(String dialect);
    }

    /** A tenant with one agent and a member token carrying every claim the four dialects use. */
    record Fixture(String tenant, String agentName, String agentEverruns, String agentObjectId, String team,
            UUID account, String bearer) {
    }

    /**
     * What one create acknowledged: the id its answer carried; {@link #complete} fills in the other id and the
     * session's agent (Recoup's creates go to the configured Recoup agent, not the fixture's).
     */
    record Created(String via, String publicId, String objectId, String agentName, String agentEverruns,
            String agentObjectId) {
        Created(String via, String publicId, String objectId) {
            this(via, publicId, objectId, null, null, null);
        }
    }

    /** A new tenant with an agent named {@code helper}, provisioned through the admin API. */
    static Fixture provision(Routes routes) {
        String tenant = GatewayHarness.uniqueTenant();
        Response r = routes.to("admin").header("Authorization", "Bearer " + GatewayHarness.adminToken(tenant))
                .contentType("application/json")
                .body(Map.of("name", "helper", "managers", List.of(), "restricted", false))
                .post("/admin/v1/tenants/{t}/agents", tenant);
        assertEquals(201, r.statusCode(), r.asString());
        String team = r.jsonPath().getString("team");
        UUID account = UUID.randomUUID();
        return new Fixture(tenant, "helper", r.jsonPath().getString("ids.everruns"),
                r.jsonPath().getString("ids.agentcloud"), team, account,
                "Bearer " + GatewayHarness.fullToken(tenant, "alice", account, List.of(team)));
    }

    /** Creates a session through a dialect; asserts the vendor's success status. */
    static Created create(Routes routes, Fixture f, String via) {
        RequestSpecification req = routes.to(via).header("Authorization", f.bearer()).contentType("application/json");
        Response r;
        switch (via) {
            case "truefoundry" -> {
                r = req.body(Map.of("agent_name", f.agentName())).post("/{t}/v1/agents/sessions", f.tenant());
                assertEquals(201, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("data.id"), null);
            }
            case "everruns" -> {
                r = req.body(Map.of("agent_id", f.agentEverruns())).post("/v1/sessions");
                assertEquals(201, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("id"), null);
            }
            case "agentcloud" -> {
                r = req.body(Map.of("id", f.agentObjectId())).post("/{slug}/forms/session/add", f.team());
                assertEquals(200, r.statusCode(), r.asString());
                String redirect = r.jsonPath().getString("redirect");
                return new Created(via, null, redirect.substring(redirect.lastIndexOf('/') + 1));
            }
            case "recoup" -> {
                r = req.body(Map.of()).post("/api/sessions");
                assertEquals(200, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("session.id"), null);
            }
            default -> throw new IllegalArgumentException(via);
        }
    }

    /** The admin view of a session, found by any of its ids. */
    static JsonPath show(Routes routes, Fixture f, String anyId) {
        Response r = routes.to("admin").header("Authorization", "Bearer " + GatewayHarness.adminToken(f.tenant()))
                .get("/admin/v1/sessions/{id}", anyId);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** Both ids of a created session, looked up through the admin API. */
    static Created complete(Routes routes, Fixture f, Created c) {
        JsonPath view = show(routes, f, c.publicId() != null ? c.publicId() : c.objectId());
        Created full = new Created(c.via(), view.getString("ids.truefoundry"), view.getString("ids.agentcloud"),
                view.getString("agent.name"), view.getString("agent.ids.everruns"),
                view.getString("agent.ids.agentcloud"));
        assertEquals(f.tenant(), view.getString("tenant"));
        assertTrue(c.publicId() == null || c.publicId().equals(full.publicId()), c + " vs " + full);
        assertTrue(c.objectId() == null || c.objectId().equals(full.objectId()), c + " vs " + full);
        return full;
    }

    /** Reads a (completed) session through a dialect; asserts 200 and that it is the same session and agent. */
    static void read(Routes routes, Fixture f, Created c, String readVia) {
        RequestSpecification req = routes.to(readVia).header("Authorization", f.bearer());
        Response r;
        switch (readVia) {
            case "truefoundry" -> {
                r = req.get("/{t}/v1/agents/sessions/{id}", f.tenant(), c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("data.id"));
                assertEquals(c.agentName(), r.jsonPath().getString("data.agent_name"));
            }
            case "everruns" -> {
                r = req.get("/v1/sessions/{id}", c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("id"));
                assertEquals(c.agentEverruns(), r.jsonPath().getString("agent_id"));
            }
            case "agentcloud" -> {
                r = req.get("/{slug}/session/{id}.json", f.team(), c.objectId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.objectId(), r.jsonPath().getString("session._id"));
                assertEquals(c.agentObjectId(), r.jsonPath().getString("session.appId"));
            }
            case "recoup" -> {
                r = req.get("/api/sessions/{id}", c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("session.id"));
                assertEquals(f.account().toString(), r.jsonPath().getString("session.userId"));
            }
            default -> throw new IllegalArgumentException(readVia);
        }
    }
}
