package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.clients.Clients.DIALECTS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator swaps the dialects clients see by editing configuration, and no data moves: sessions created under
 * one set of dialects are read, restart after restart, under another set, with other prefixes; a dialect that is
 * switched off answers 404 in the gateway's own envelope, also on paths its document declares.
 */
class DialectSwapIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    @TempDir
    static Path dir;

    static void assertNotServed(RequestSpecification request, String method, String path, Object... params) {
        Response r = request.request(method, path, params);
        assertEquals(404, r.statusCode(), method + " " + path + ": " + r.asString());
        assertEquals("route_not_found", r.jsonPath().getString("error.code"), r.asString());
    }

    /** The gateway's envelope, on a path some dialect's document declares. */
    static RequestSpecification gatewayEnvelope(Tenant f) {
        return GATEWAY.givenOnly("admin/admin.yaml", "AdminError").header("Authorization", f.bearer());
    }

    @Test
    void sessionsSurviveSwappingDialectsAndPrefixes() throws Exception {
        // 1. Every dialect at the vendor's own paths (the defaults).
        Clients vendorPaths = GATEWAY.clients();
        Tenant f = vendorPaths.provisioning().tenant();
        List<Created> sessions = new ArrayList<>();
        for (String via : DIALECTS) {
            sessions.add(Sessions.complete(vendorPaths, f, Sessions.create(vendorPaths, f, via)));
        }

        // 2. Environment: TrueFoundry off, the others and admin under prefixes (one of two segments).
        Map<String, String> second = Map.of(
                "truefoundry",
                "",
                "everruns",
                "/everruns",
                "agentcloud",
                "/agentcloud/webapp",
                "recoup",
                "/recoup",
                "admin",
                "/ops");
        GATEWAY.reconfigure(Map.of(
                "GATEWAY_DIALECT_TRUEFOUNDRY_ENABLED", "false",
                "GATEWAY_DIALECT_EVERRUNS_PREFIX", "/everruns",
                "GATEWAY_DIALECT_AGENTCLOUD_PREFIX", "/agentcloud/webapp",
                "GATEWAY_DIALECT_RECOUP_PREFIX", "/recoup",
                "GATEWAY_DIALECT_ADMIN_PREFIX", "/ops"));
        Clients routes = GATEWAY.clients(second);
        for (Created c : sessions) {
            for (String readVia : List.of("everruns", "agentcloud", "recoup")) {
                Sessions.read(routes, f, c, readVia);
            }
        }
        for (String via : List.of("everruns", "agentcloud", "recoup")) {
            sessions.add(Sessions.complete(routes, f, Sessions.create(routes, f, via)));
        }
        Created first = sessions.get(0);
        assertNotServed(gatewayEnvelope(f), "GET", "/{t}/v1/agents/sessions/{id}", f.tenant(), first.publicId());
        assertNotServed(
                gatewayEnvelope(f).contentType("application/json").body(Map.of("agent_name", "helper")),
                "POST",
                "/{t}/v1/agents/sessions",
                f.tenant());
        assertNotServed(gatewayEnvelope(f), "GET", "/v1/sessions/{id}", first.publicId());
        assertNotServed(gatewayEnvelope(f), "GET", "/api/sessions/{id}", first.publicId());
        assertNotServed(gatewayEnvelope(f), "GET", "/{slug}/session/{id}.json", f.team(), first.objectId());
        assertNotServed(
                GATEWAY.givenOnly("admin/admin.yaml", "AdminError")
                        .header("Authorization", "Bearer " + GatewayHarness.adminToken(f.tenant())),
                "GET",
                "/admin/v1/sessions/{id}",
                first.publicId());

        // 3. A config file: TrueFoundry back under a prefix, Agentcloud back at the vendor's paths, Everruns and
        //    Recoup off, admin where it was by default.
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, """
                gateway.dialects {
                  truefoundry { enabled = true, prefix = "/tf" }
                  everruns.enabled = false
                  recoup.enabled = false
                }
                """);
        GATEWAY.reconfigure(Map.of("GATEWAY_CONFIG", file.toString()));
        Clients third = GATEWAY.clients(Map.of("truefoundry", "/tf", "agentcloud", "", "admin", ""));
        for (Created c : sessions) {
            Sessions.read(third, f, c, "truefoundry");
            Sessions.read(third, f, c, "agentcloud");
            Sessions.show(third, f, c.publicId());
        }
        assertNotServed(gatewayEnvelope(f), "GET", "/v1/sessions/{id}", first.publicId());
        assertNotServed(gatewayEnvelope(f), "GET", "/everruns/v1/sessions/{id}", first.publicId());
        assertNotServed(gatewayEnvelope(f), "GET", "/api/sessions/{id}", first.publicId());
        assertNotServed(gatewayEnvelope(f).contentType("application/json").body(Map.of()), "POST", "/api/sessions");
        assertNotServed(gatewayEnvelope(f), "GET", "/{t}/v1/agents/sessions/{id}", f.tenant(), first.publicId());
    }
}
