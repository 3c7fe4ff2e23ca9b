package io.sessiongateway.server.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import java.util.Map;

/**
 * Sessions created and read through a dialect chosen by name, as that vendor's clients do, through any gateway's
 * {@link Clients} (the harness's, another instance, a child process, dialects under prefixes): for the tests that
 * cross dialects, instances or configurations. Each step asserts the vendor's success status.
 */
public final class Sessions {
    private Sessions() {}

    /**
     * What one create acknowledged: the id its answer carried; {@link #complete} fills in the other id and the
     * session's agent (Recoup's creates go to the configured Recoup agent, not the tenant's {@code helper}).
     */
    public record Created(
            String via,
            String publicId,
            String objectId,
            String agentName,
            String agentEverruns,
            String agentObjectId) {
        public Created(String via, String publicId, String objectId) {
            this(via, publicId, objectId, null, null, null);
        }
    }

    /** Creates a session of the tenant's agent through a dialect as its member; asserts the vendor's success. */
    public static Created create(Clients clients, Tenant t, String via) {
        Response r;
        switch (via) {
            case "truefoundry" -> {
                r = clients.trueFoundry()
                        .as(t.bearer())
                        .create(t.tenant(), Map.of("agent_name", t.agent().name()));
                assertEquals(201, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("data.id"), null);
            }
            case "everruns" -> {
                r = clients.everruns()
                        .as(t.bearer())
                        .create(Map.of("agent_id", t.agent().everrunsId()));
                assertEquals(201, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("id"), null);
            }
            case "agentcloud" -> {
                r = clients.agentcloud()
                        .as(t.bearer())
                        .create(t.team(), Map.of("id", t.agent().agentcloudId()));
                assertEquals(200, r.statusCode(), r.asString());
                return new Created(via, null, AgentcloudClient.createdId(r));
            }
            case "recoup" -> {
                r = clients.recoup().as(t.bearer()).create(Map.of());
                assertEquals(200, r.statusCode(), r.asString());
                return new Created(via, r.jsonPath().getString("session.id"), null);
            }
            default -> throw new IllegalArgumentException(via);
        }
    }

    /** The admin view of a session, found by any of its ids; asserts 200. */
    public static JsonPath show(Clients clients, Tenant t, String anyId) {
        Response r = clients.admin(t.tenant()).showSession(anyId);
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** Both ids of a created session and its agent, looked up through the admin API. */
    public static Created complete(Clients clients, Tenant t, Created c) {
        JsonPath view = show(clients, t, c.publicId() != null ? c.publicId() : c.objectId());
        Created full = new Created(
                c.via(),
                view.getString("ids.truefoundry"),
                view.getString("ids.agentcloud"),
                view.getString("agent.name"),
                view.getString("agent.ids.everruns"),
                view.getString("agent.ids.agentcloud"));
        assertEquals(t.tenant(), view.getString("tenant"));
        assertTrue(c.publicId() == null || c.publicId().equals(full.publicId()), c + " vs " + full);
        assertTrue(c.objectId() == null || c.objectId().equals(full.objectId()), c + " vs " + full);
        return full;
    }

    /** Reads a (completed) session through a dialect; asserts 200 and that it is the same session and agent. */
    public static void read(Clients clients, Tenant t, Created c, String readVia) {
        Response r;
        switch (readVia) {
            case "truefoundry" -> {
                r = clients.trueFoundry().as(t.bearer()).get(t.tenant(), c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("data.id"));
                assertEquals(c.agentName(), r.jsonPath().getString("data.agent_name"));
            }
            case "everruns" -> {
                r = clients.everruns().as(t.bearer()).get(c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("id"));
                assertEquals(c.agentEverruns(), r.jsonPath().getString("agent_id"));
            }
            case "agentcloud" -> {
                r = clients.agentcloud().as(t.bearer()).get(t.team(), c.objectId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.objectId(), r.jsonPath().getString("session._id"));
                assertEquals(c.agentObjectId(), r.jsonPath().getString("session.appId"));
            }
            case "recoup" -> {
                r = clients.recoup().as(t.bearer()).get(c.publicId());
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(c.publicId(), r.jsonPath().getString("session.id"));
                assertEquals(t.account().toString(), r.jsonPath().getString("session.userId"));
            }
            default -> throw new IllegalArgumentException(readVia);
        }
    }
}
