package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.clients.Clients.DIALECTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning.Tenant;
import io.sessiongateway.server.testing.clients.Sessions;
import io.sessiongateway.server.testing.clients.Sessions.Created;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dialect, admin included, mounted under an operator's prefix: the vendor paths work below it, errors raised
 * before any adapter (unknown route, wrong method, wrong media type) and refused credentials come in the dialect's
 * own envelope below it, and the vendor paths without the prefix belong to no dialect (the gateway's 404).
 */
class DialectPrefixIT {
    static final Map<String, String> PREFIXES = Map.of(
            "truefoundry", "/tf",
            "everruns", "/vendors/everruns",
            "agentcloud", "/agentcloud",
            "recoup", "/recoup",
            "admin", "/ops");

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_DIALECT_TRUEFOUNDRY_PREFIX", PREFIXES.get("truefoundry"),
            "GATEWAY_DIALECT_EVERRUNS_PREFIX", PREFIXES.get("everruns"),
            "GATEWAY_DIALECT_AGENTCLOUD_PREFIX", PREFIXES.get("agentcloud"),
            "GATEWAY_DIALECT_RECOUP_PREFIX", PREFIXES.get("recoup"),
            "GATEWAY_DIALECT_ADMIN_PREFIX", PREFIXES.get("admin")));

    static final Clients CLIENTS = GATEWAY.clients(PREFIXES);
    static final String ABSENT_SESSION = "session_" + "0".repeat(32);
    static final String ABSENT_OBJECT_ID = "0123456789abcdef01234567";

    static Tenant fixture;
    static Created session;

    @BeforeAll
    static void provision() {
        fixture = CLIENTS.provisioning().tenant();
        session = Sessions.complete(CLIENTS, fixture, Sessions.create(CLIENTS, fixture, "truefoundry"));
    }

    /** A dialect's error document and schema, and how its envelope carries the status. */
    record Envelope(String dialect, String document, String schema) {
        RequestSpecification request() {
            return GATEWAY.undocumentedUnder(PREFIXES.get(dialect), document, schema);
        }

        void check(Response r, int status) {
            assertEquals(status, r.statusCode(), dialect + ": " + r.asString());
            assertTrue(r.contentType().startsWith("application/json"), r.contentType());
            assertFalse(r.asString().contains("Exception"), r.asString());
            switch (dialect) {
                case "truefoundry" ->
                    assertEquals(
                            List.of("code", "message", "param", "type"),
                            r.jsonPath().getMap("error").keySet().stream()
                                    .sorted()
                                    .toList(),
                            r.asString());
                case "everruns" ->
                    assertEquals(
                            List.of("error"),
                            r.jsonPath().getMap("").keySet().stream().toList(),
                            r.asString());
                case "agentcloud" -> assertEquals(status, r.jsonPath().getInt("code"), r.asString());
                case "recoup" -> assertEquals("error", r.jsonPath().getString("status"), r.asString());
                case "admin" -> assertNotNull(r.jsonPath().getString("error.code"), r.asString());
                default -> throw new IllegalArgumentException(dialect);
            }
        }
    }

    static final Map<String, Envelope> ENVELOPES = Map.of(
            "truefoundry", new Envelope("truefoundry", "truefoundry/get-session.yaml", "RequestErrorResponse"),
            "everruns", new Envelope("everruns", "everruns/get-session.yaml", "ErrorResponse"),
            "agentcloud", new Envelope("agentcloud", "agentcloud/retrieve-session.yaml", "dynamicResponse"),
            "recoup", new Envelope("recoup", "recoup/get-session.yaml", "Error"),
            "admin", new Envelope("admin", "admin/admin.yaml", "AdminError"));

    /** Per dialect: an unknown route under its mount, a route with a method it lacks, and where it creates. */
    record Routing(String dialect, String unknown, String wrongMethod, String create, int unauthenticated) {
        String expand(String path) {
            return path.replace("{tenant}", fixture.tenant())
                    .replace("{team}", fixture.team())
                    .replace("{session}", session.publicId())
                    .replace("{objectId}", session.objectId());
        }
    }

    static Stream<Routing> routings() {
        return Stream.of(
                new Routing(
                        "truefoundry",
                        "/{tenant}/v1/agents/nothing",
                        "/{tenant}/v1/agents/sessions/{session}",
                        "/{tenant}/v1/agents/sessions",
                        401),
                new Routing("everruns", "/v1/nothing", "/v1/sessions/{session}", "/v1/sessions", 401),
                new Routing(
                        "agentcloud",
                        "/{team}/session/{objectId}",
                        "/{team}/session/{objectId}.json",
                        "/{team}/forms/session/add",
                        403),
                new Routing("recoup", "/api/nothing", "/api/sessions/{session}", "/api/sessions", 401),
                new Routing(
                        "admin",
                        "/admin/v1/nothing",
                        "/admin/v1/tenants/{tenant}/agents",
                        "/admin/v1/tenants/{tenant}/agents",
                        401));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routings")
    void unknownRouteUnderThePrefixIs404InTheDialectsEnvelope(Routing r) {
        Envelope e = ENVELOPES.get(r.dialect());
        e.check(e.request().get(r.expand(r.unknown())), 404);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routings")
    void wrongMethodUnderThePrefixIs405InTheDialectsEnvelope(Routing r) {
        Envelope e = ENVELOPES.get(r.dialect());
        Response response =
                e.request().header("Authorization", fixture.bearer()).put(r.expand(r.wrongMethod()));
        e.check(response, 405);
        assertNotNull(response.header("Allow"), "405 names the allowed methods");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routings")
    void wrongMediaTypeUnderThePrefixIs415InTheDialectsEnvelope(Routing r) {
        Envelope e = ENVELOPES.get(r.dialect());
        String auth = r.dialect().equals("admin")
                ? "Bearer " + GatewayHarness.adminToken(fixture.tenant())
                : fixture.bearer();
        e.check(
                e.request()
                        .header("Authorization", auth)
                        .contentType("text/plain")
                        .body("x")
                        .post(r.expand(r.create())),
                415);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routings")
    void missingCredentialsUnderThePrefixAreRefusedInTheDialectsEnvelope(Routing r) {
        Envelope e = ENVELOPES.get(r.dialect());
        Response response = GATEWAY.under(PREFIXES.get(r.dialect()))
                .contentType("application/json")
                .body(
                        r.dialect().equals("agentcloud")
                                ? Map.of("id", fixture.agent().agentcloudId())
                                : Map.of(
                                        "agent_name",
                                        "helper",
                                        "agent_id",
                                        fixture.agent().everrunsId(),
                                        "name",
                                        "x"))
                .post(r.expand(r.create()));
        e.check(response, r.unauthenticated());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routings")
    void theVendorPathWithoutThePrefixIsTheGateways404(Routing r) {
        Response response = GATEWAY.givenOnly("admin/admin.yaml", "AdminError")
                .header("Authorization", fixture.bearer())
                .contentType("application/json")
                .body(Map.of())
                .post(r.expand(r.create()));
        assertEquals(404, response.statusCode(), response.asString());
        assertEquals("route_not_found", response.jsonPath().getString("error.code"));
    }

    @Test
    void sessionsAreCreatedAndReadThroughEveryPrefixedDialect() {
        for (String via : DIALECTS) {
            Created c = Sessions.complete(CLIENTS, fixture, Sessions.create(CLIENTS, fixture, via));
            for (String readVia : DIALECTS) {
                Sessions.read(CLIENTS, fixture, c, readVia);
            }
        }
    }

    @Test
    void absentSessionsAreEachDialectsOwnNotFoundUnderThePrefix() {
        ENVELOPES
                .get("truefoundry")
                .check(CLIENTS.trueFoundry().as(fixture.bearer()).get(fixture.tenant(), ABSENT_SESSION), 404);
        ENVELOPES.get("everruns").check(CLIENTS.everruns().as(fixture.bearer()).get(ABSENT_SESSION), 404);
        ENVELOPES
                .get("agentcloud")
                .check(CLIENTS.agentcloud().as(fixture.bearer()).get(fixture.team(), ABSENT_OBJECT_ID), 400);
        ENVELOPES.get("recoup").check(CLIENTS.recoup().as(fixture.bearer()).get(ABSENT_SESSION), 404);
        ENVELOPES.get("admin").check(CLIENTS.admin(fixture.tenant()).showSession(ABSENT_SESSION), 404);
    }
}
