package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.auth.TokenMinter.Grant;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.TrueFoundryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TrueFoundry Agent Harness over real HTTP: every response code both documents declare, each for the reason the
 * document gives, and the errors raised before the adapter, all in TrueFoundry's envelope and all validated
 * against the documents.
 */
class TrueFoundryIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final TrueFoundryClient TF = GATEWAY.clients().trueFoundry();

    private static final String SESSIONS = "/{tenant}/v1/agents/sessions";
    private static final String SESSION = "/{tenant}/v1/agents/sessions/{id}";
    private static final String ERROR_DOC = "truefoundry/get-session.yaml";

    static String tenant;
    static String otherTenant;

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        otherTenant = GatewayHarness.uniqueTenant();
        GATEWAY.provisioning().agent(tenant, "helper", List.of("bob"), false);
        GATEWAY.provisioning().agent(tenant, "vault", List.of("bob"), true);
        GATEWAY.provisioning().agent(tenant, "a".repeat(255), List.of(), false);
        GATEWAY.provisioning().agent(otherTenant, "helper", List.of(), false);
    }

    static Map<String, Object> createOk(String tenantName, String subject, String agent) {
        Response r = TF.bearer(token(tenantName, subject)).create(tenantName, Map.of("agent_name", agent));
        assertEquals(201, r.statusCode(), r.asString());
        return r.jsonPath().getMap("data");
    }

    /** The whole TrueFoundry error body. */
    static void assertError(Response r, int status, String type, String code, String param) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        Map<String, Object> error = r.jsonPath().getMap("error");
        assertEquals(
                Map.of("message", error.get("message"), "type", type, "code", code), withoutNulls(error), r.asString());
        assertTrue(error.containsKey("param"), "param is always present");
        assertEquals(param, error.get("param"));
        assertTrue(error.get("message") instanceof String s && !s.isBlank(), "a message");
        assertEquals(List.of("error"), List.copyOf(r.jsonPath().getMap("").keySet()));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> copy = new HashMap<>(m);
        copy.values().removeIf(v -> v == null);
        copy.remove("param");
        return copy;
    }

    @Nested
    class Create {
        @Test
        void createdSessionCarriesTheCallerAsCreator() {
            Instant before = Instant.now().minusSeconds(1);
            String bearer = token(tenant, "alice", "user", "Alice A.", false, Duration.ofMinutes(5));
            Response r = TF.bearer(bearer).create(tenant, Map.of("agent_name", "helper"));
            assertEquals(201, r.statusCode(), r.asString());
            Map<String, Object> data = r.jsonPath().getMap("data");
            String id = (String) data.get("id");
            assertTrue(id.matches("^session_[0-9a-f]{32}$"), id);
            Map<String, Object> expected = new HashMap<>();
            expected.put("id", id);
            expected.put("agent_name", "helper");
            expected.put("title", null);
            expected.put(
                    "created_by_subject",
                    Map.of("subject_id", "alice", "subject_type", "user", "subject_slug", "Alice A."));
            expected.put("created_at", data.get("created_at"));
            expected.put("updated_at", data.get("created_at"));
            assertEquals(expected, data);
            assertEquals(List.of("data"), List.copyOf(r.jsonPath().getMap("").keySet()));
            Instant created = Instant.parse((String) data.get("created_at"));
            assertTrue(
                    !created.isBefore(before) && !created.isAfter(Instant.now().plusSeconds(1)), "created now");
            assertTrue(
                    ((String) data.get("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        }

        @Test
        void creatorWithoutSlugShowsTheSubjectIdAsSlug() {
            // the document allows a null slug, the vendor's SDK (truefoundry-gateway-sdk 0.4) requires a string
            assertEquals(
                    Map.of("subject_id", "alice", "subject_type", "user", "subject_slug", "alice"),
                    createOk(tenant, "alice", "helper").get("created_by_subject"));
        }

        @Test
        void agentNameOf255CharactersIsAccepted() {
            assertEquals(
                    "a".repeat(255), createOk(tenant, "alice", "a".repeat(255)).get("agent_name"));
        }

        @Test
        void managerMayUseRestrictedAgent() {
            assertEquals("vault", createOk(tenant, "bob", "vault").get("agent_name"));
        }

        @Test
        void clientChosenIdIsKept() {
            Response r =
                    TF.bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "helper", "id", "my-run.1"));
            assertEquals(201, r.statusCode(), r.asString());
            assertEquals("my-run.1", r.jsonPath().getString("data.id"));
            assertEquals(
                    200,
                    TF.bearer(token(tenant, "alice")).get(tenant, "my-run.1").statusCode());
        }

        @ParameterizedTest(name = "subject type {0}")
        @ValueSource(strings = {"team", "externalidentity", "robot"})
        void subjectTypeThatMayNotCreateIs400(String type) {
            Response r = TF.bearer(token(tenant, "x", type, null, false, Duration.ofMinutes(5)))
                    .create(tenant, Map.of("agent_name", "helper"));
            assertError(r, 400, "invalid_request_error", "unsupported_subject_type", null);
        }

        @ParameterizedTest(name = "subject type {0}")
        @ValueSource(strings = {"serviceaccount", "virtualaccount"})
        void machineSubjectsMayCreate(String type) {
            Response r = TF.bearer(token(tenant, "svc", type, null, false, Duration.ofMinutes(5)))
                    .create(tenant, Map.of("agent_name", "helper"));
            assertEquals(201, r.statusCode(), r.asString());
            assertEquals(type, r.jsonPath().getString("data.created_by_subject.subject_type"));
        }

        @Test
        void missingTokenIs401() {
            Response r = TF.create(tenant, Map.of("agent_name", "helper"));
            assertError(r, 401, "authentication_error", "unauthenticated", null);
        }

        @Test
        void tokenForAnotherTenantIs401AndWritesNothing() {
            Response r = TF.bearer(token(otherTenant, "alice"))
                    .create(tenant, Map.of("agent_name", "helper", "id", "cross-1"));
            assertError(r, 401, "authentication_error", "tenant_mismatch", null);
            assertError(
                    TF.bearer(token(otherTenant, "alice")).get(otherTenant, "cross-1"),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
            assertError(
                    TF.bearer(token(tenant, "alice")).get(tenant, "cross-1"),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
        }

        @Test
        void restrictedAgentIs403ForNonManagers() {
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "vault"));
            assertError(r, 403, "permission_error", "agent_forbidden", "agent_name");
        }

        @Test
        void unknownAgentIs404() {
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "nobody"));
            assertError(r, 404, "not_found_error", "agent_not_found", "agent_name");
        }

        @Test
        void agentOfAnotherTenantIs404() {
            String lonely = GatewayHarness.uniqueTenant();
            Response r = TF.bearer(token(lonely, "alice")).create(lonely, Map.of("agent_name", "helper"));
            assertError(r, 404, "not_found_error", "agent_not_found", "agent_name");
        }

        @Test
        void idThatExistsIs409AndTheFirstSessionIsUntouched() {
            Response first =
                    TF.bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "helper", "id", "dup-1"));
            assertEquals(201, first.statusCode());
            Response second =
                    TF.bearer(token(tenant, "bob")).create(tenant, Map.of("agent_name", "vault", "id", "dup-1"));
            assertError(second, 409, "conflict_error", "session_exists", "id");
            Response read = TF.bearer(token(tenant, "alice")).get(tenant, "dup-1");
            assertEquals(first.jsonPath().getMap("data"), read.jsonPath().getMap("data"));
        }

        @Test
        void idOfTheGatewaysOwnFormThatExistsIs409() {
            String id = (String) createOk(tenant, "alice", "helper").get("id");
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, Map.of("agent_name", "helper", "id", id));
            assertError(r, 409, "conflict_error", "session_exists", "id");
        }

        static Stream<Arguments> invalidBodies() {
            return Stream.of(
                    Arguments.of("{}", "agent_name"),
                    Arguments.of("{\"agent_name\":null}", "agent_name"),
                    Arguments.of("{\"agent_name\":\"\"}", "agent_name"),
                    Arguments.of("{\"agent_name\":\"" + "a".repeat(256) + "\"}", "agent_name"),
                    Arguments.of("{\"agent_name\":42}", "agent_name"),
                    Arguments.of("{\"agent_name\":true}", "agent_name"),
                    Arguments.of("{\"agent_name\":[\"helper\"]}", "agent_name"),
                    Arguments.of("{\"agent_name\":{\"x\":1}}", "agent_name"),
                    Arguments.of("{\"agent_name\":\"helper\"", null),
                    Arguments.of("{agent_name: helper}", null),
                    Arguments.of("{\"agent_name\":\"helper\",\"agent_name\":\"vault\"}", null),
                    Arguments.of("{\"agent_name\":\"helper\"} trailing", null),
                    Arguments.of("[\"helper\"]", null),
                    Arguments.of("\"helper\"", null),
                    Arguments.of("{\"agent_name\":\"helper\",\"id\":\"\"}", "id"),
                    Arguments.of("{\"agent_name\":\"helper\",\"id\":7}", "id"),
                    Arguments.of("{\"agent_name\":\"helper\",\"id\":\"has space\"}", "id"),
                    Arguments.of("{\"agent_name\":\"helper\",\"id\":\"" + "x".repeat(65) + "\"}", "id"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidBodies")
        void invalidBodyIs422(String body, String param) {
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, body);
            assertError(r, 422, "invalid_request_error", "invalid_request_body", param);
        }

        @Test
        void emptyBodyIs422() {
            Response r = GATEWAY.given()
                    .header("Authorization", "Bearer " + token(tenant, "alice"))
                    .contentType("application/json")
                    .post(SESSIONS, tenant);
            assertError(r, 422, "invalid_request_error", "invalid_request_body", null);
        }

        @Test
        void invalidUtf8Is422() {
            byte[] body = {
                '{',
                '"',
                'a',
                'g',
                'e',
                'n',
                't',
                '_',
                'n',
                'a',
                'm',
                'e',
                '"',
                ':',
                '"',
                (byte) 0xC3,
                (byte) 0x28,
                '"',
                '}'
            };
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, body);
            assertError(r, 422, "invalid_request_error", "invalid_request_body", null);
        }

        @Test
        void deeplyNestedBodyIs422() {
            String body = "{\"agent_name\":\"helper\",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}";
            Response r = TF.bearer(token(tenant, "alice")).create(tenant, body);
            assertError(r, 422, "invalid_request_error", "invalid_request_body", null);
        }

        @Test
        void oversizedBodyIs413() {
            String body = "{\"agent_name\":\"helper\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
            Response r = GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse")
                    .header("Authorization", "Bearer " + token(tenant, "alice"))
                    .contentType("application/json")
                    .body(body)
                    .post(SESSIONS, tenant);
            assertError(r, 413, "invalid_request_error", "payload_too_large", null);
        }

        @Test
        void wrongMediaTypeIs415() {
            Response r = GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse")
                    .header("Authorization", "Bearer " + token(tenant, "alice"))
                    .contentType("text/plain")
                    .body("agent_name=helper")
                    .post(SESSIONS, tenant);
            assertError(r, 415, "invalid_request_error", "unsupported_media_type", null);
        }

        @Test
        void wrongMethodIs405WithAllow() {
            Response r = GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse")
                    .header("Authorization", "Bearer " + token(tenant, "alice"))
                    .put(SESSIONS, tenant);
            assertError(r, 405, "invalid_request_error", "method_not_allowed", null);
            assertTrue(r.header("Allow").contains("POST"), r.header("Allow"));
        }
    }

    @Nested
    class Get {
        @Test
        void ownerReadsExactlyWhatCreateReturned() {
            Map<String, Object> created = createOk(tenant, "alice", "helper");
            Response r = TF.bearer(token(tenant, "alice")).get(tenant, (String) created.get("id"));
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals(Map.of("data", created), r.jsonPath().getMap(""));
        }

        @Test
        void managerOfTheAgentReads() {
            Map<String, Object> created = createOk(tenant, "alice", "helper");
            Response r = TF.bearer(token(tenant, "bob")).get(tenant, (String) created.get("id"));
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals(created, r.jsonPath().getMap("data"));
        }

        @Test
        void sameIdWithAnotherSubjectTypeIsNotTheOwner() {
            Map<String, Object> created = createOk(tenant, "alice", "helper");
            Response r = TF.bearer(token(tenant, "alice", "serviceaccount", null, false, Duration.ofMinutes(5)))
                    .get(tenant, (String) created.get("id"));
            assertError(r, 403, "permission_error", "session_forbidden", null);
        }

        @Test
        void someoneElsesSessionIs403() {
            Map<String, Object> created = createOk(tenant, "alice", "helper");
            assertError(
                    TF.bearer(token(tenant, "carol")).get(tenant, (String) created.get("id")),
                    403,
                    "permission_error",
                    "session_forbidden",
                    null);
        }

        @Test
        void unknownSessionIs404() {
            assertError(
                    TF.bearer(token(tenant, "alice")).get(tenant, "session_" + "0".repeat(32)),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
        }

        @Test
        void overlongIdIs404() {
            assertError(
                    TF.bearer(token(tenant, "alice")).get(tenant, "x".repeat(65)),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
        }

        @Test
        void anotherTenantsSessionIs404ForItsOwnTenantsTokens() {
            Map<String, Object> created = createOk(otherTenant, "alice", "helper");
            assertError(
                    TF.bearer(token(tenant, "alice")).get(tenant, (String) created.get("id")),
                    404,
                    "not_found_error",
                    "session_not_found",
                    null);
        }

        @Test
        void tokenForAnotherTenantIs401() {
            Map<String, Object> created = createOk(tenant, "alice", "helper");
            assertError(
                    TF.bearer(token(otherTenant, "alice")).get(tenant, (String) created.get("id")),
                    401,
                    "authentication_error",
                    "tenant_mismatch",
                    null);
        }

        @Test
        void missingTokenIs401() {
            assertError(TF.get(tenant, "anything"), 401, "authentication_error", "unauthenticated", null);
        }

        static Stream<Arguments> badCredentials() {
            String good = token("acme", "alice");
            String[] parts = good.split("\\.");
            String otherSecret = new TokenMinter(
                            "another-secret-of-at-least-32-bytes!!".getBytes(UTF_8), GatewayHarness.ISSUER)
                    .mint(
                            new Grant("acme", "alice", "user", null, List.of(), null, false, Duration.ofHours(1)),
                            Instant.now());
            String tamperedPayload = parts[0] + "."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(
                                    "{\"sub\":\"mallory\",\"tenant\":\"acme\",\"iss\":\"session-gateway\",\"exp\":9999999999}"
                                            .getBytes(UTF_8))
                    + "." + parts[2];
            String expired = new TokenMinter(GatewayHarness.SECRET.getBytes(UTF_8), GatewayHarness.ISSUER)
                    .mint(
                            new Grant("acme", "alice", "user", null, List.of(), null, false, Duration.ofMinutes(1)),
                            Instant.now().minusSeconds(3600));
            String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(UTF_8))
                    + "." + parts[1] + ".";
            return Stream.of(
                    Arguments.of("Bearer garbage"),
                    Arguments.of("Bearer " + good.substring(0, good.length() - 5)),
                    Arguments.of("Bearer " + otherSecret),
                    Arguments.of("Bearer " + tamperedPayload),
                    Arguments.of("Bearer " + expired),
                    Arguments.of("Bearer " + none),
                    Arguments.of("Basic YWxpY2U6c2VjcmV0"),
                    Arguments.of("Bearer"),
                    Arguments.of(good));
        }

        @ParameterizedTest(name = "[{index}]")
        @MethodSource("badCredentials")
        void badCredentialIs401(String authorization) {
            Response r = TF.as(authorization).get("acme", "session_" + "0".repeat(32));
            assertError(r, 401, "authentication_error", "unauthenticated", null);
        }
    }

    @Nested
    class BeforeTheAdapter {
        @Test
        void unknownRouteUnderTheMountIs404InTheEnvelope() {
            Response r =
                    GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse").get("/{t}/v1/agents/nothing", tenant);
            assertError(r, 404, "not_found_error", "route_not_found", null);
        }

        @Test
        void deeperUnknownRouteIs404InTheEnvelope() {
            Response r = GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse")
                    .get("/{t}/v1/agents/sessions/x/y", tenant);
            assertError(r, 404, "not_found_error", "route_not_found", null);
        }

        @Test
        void wrongMethodOnASessionIs405() {
            Response r =
                    GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse").delete(SESSION, tenant, "whatever");
            assertError(r, 405, "invalid_request_error", "method_not_allowed", null);
        }

        @Test
        void acceptingOnlyHtmlIs406InJson() {
            Response r = GATEWAY.givenUndocumented(ERROR_DOC, "RequestErrorResponse")
                    .header("Authorization", "Bearer " + token(tenant, "alice"))
                    .accept("text/html")
                    .get(SESSION, tenant, "x");
            assertError(r, 406, "invalid_request_error", "not_acceptable", null);
        }
    }
}
