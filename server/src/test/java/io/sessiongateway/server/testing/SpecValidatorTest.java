package io.sessiongateway.server.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Proves that {@link SpecValidator} and {@link SpecValidationFilter} can fail, using the real documents. */
class SpecValidatorTest {

    private static final Path SPECS = Path.of("..", "specs");
    private static final SpecValidator VALIDATOR = SpecValidator.load(SPECS);

    private static final String JSON = "application/json";
    private static final String TF_GET = "/acme/v1/agents/sessions/s1";
    private static final String RECOUP_GET = "/api/sessions/abc";
    private static final String AGENTCLOUD_GET = "/0123456789abcdef01234567/session/0123456789abcdef89abcdef.json";

    private static final String TF_SESSION = """
            {"data": {"id": "s1", "agent_name": "helper", "title": %s,
              "created_by_subject": {"subject_id": "u1", "subject_type": "user", "subject_slug": null},
              "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"%s}%s}""";

    private static String tfSession(String title, String extraInData, String extraTopLevel) {
        return TF_SESSION.formatted(title, extraInData, extraTopLevel);
    }

    private static String recoupSession(String createdAt) {
        return """
                {"session": {"id": "V1StGXR8_Z5jdHi6B-myT", "userId": "0190a5b4-7c1e-7def-8abc-0123456789ab",
                  "artistId": null, "title": "t", "status": "running", "isNewBranch": false,
                  "globalSkillRefs": [{"any": "thing"}], "lifecycleVersion": 0,
                  "repoOwner": null, "lifecycleState": null, "sandboxState": {"free": "form"},
                  "createdAt": "%s", "updatedAt": "2026-01-01T00:00:00.123Z"}}""".formatted(createdAt);
    }

    private static String agentcloudSession(String status) {
        return """
                {"csrf": "x", "session": {"_id": "0123456789abcdef89abcdef",
                  "orgId": "0123456789abcdef01234567", "teamId": "0123456789abcdef01234567",
                  "name": "chat", "startDate": {}, "lastUpdatedDate": {}, "tokensUsed": 0, "status": "%s",
                  "sharingConfig": {"permissions": {"u1": "view"}, "mode": "restricted"}}}""".formatted(status);
    }

    private static void assertValid(List<String> violations) {
        assertEquals(List.of(), violations);
    }

    private static void assertViolation(List<String> violations, String expectedFragment) {
        assertTrue(violations.stream().anyMatch(v -> v.contains(expectedFragment)),
                () -> "expected a violation containing '" + expectedFragment + "' but got " + violations);
    }

    @Test
    void truefoundrySessionPasses() {
        assertValid(VALIDATOR.validate("GET", TF_GET, 200, "application/json; charset=utf-8",
                tfSession("\"My session\"", "", "")));
    }

    @Test
    void truefoundryIdOfWrongTypeFails() {
        String body = tfSession("\"t\"", "", "").replace("\"id\": \"s1\"", "\"id\": 123");
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, body), "/data/id");
    }

    @Test
    void truefoundryTitleIsRequiredButNullable() {
        String missing = tfSession("null", "", "").replace("\"title\": null,", "");
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, missing), "title");
        assertValid(VALIDATOR.validate("GET", TF_GET, 200, JSON, tfSession("null", "", "")));
    }

    @Test
    void undeclaredPropertiesFail() {
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, tfSession("null", "", ", \"extra\": 1")),
                "undeclared property /extra");
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, tfSession("null", ", \"x/y\": true", "")),
                "undeclared property /data/x~1y");
    }

    @Test
    void undeclaredStatusFails() {
        assertViolation(VALIDATOR.validate("GET", TF_GET, 500, JSON, "{}"), "undeclared status 500");
    }

    @Test
    void wrongContentTypeFails() {
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, "text/plain", tfSession("null", "", "")),
                "content type 'text/plain' is not declared");
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, null, tfSession("null", "", "")),
                "content type (none) is not declared");
    }

    @Test
    void malformedJsonFails() {
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, "{\"data\": "), "not valid JSON");
        assertViolation(VALIDATOR.validate("GET", TF_GET, 200, JSON, ""), "body is empty");
    }

    @Test
    void truefoundryErrorEnvelopePasses() {
        String error = "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":null,\"param\":null}}";
        assertValid(VALIDATOR.validate("GET", TF_GET, 404, JSON, error));
        assertViolation(VALIDATOR.validate("GET", TF_GET, 404, JSON, "{\"error\":{\"type\":\"t\"}}"), "message");
    }

    @Test
    void unknownRouteHasNoOperation() {
        assertViolation(VALIDATOR.validate("GET", "/nope", 404, JSON, "{}"), "no operation for GET /nope");
        assertViolation(VALIDATOR.validate("PUT", TF_GET, 405, JSON, "{}"), "no operation for PUT");
    }

    @Test
    void recoupNullablesPassAndFormatsAreAsserted() {
        assertValid(VALIDATOR.validate("GET", RECOUP_GET, 200, JSON, recoupSession("2026-01-01T00:00:00Z")));
        assertViolation(VALIDATOR.validate("GET", RECOUP_GET, 200, JSON, recoupSession("yesterday")), "/session/createdAt");
        String badUuid = recoupSession("2026-01-01T00:00:00Z").replace("0190a5b4-7c1e", "not-a-uuid");
        assertViolation(VALIDATOR.validate("GET", RECOUP_GET, 200, JSON, badUuid), "/session/userId");
    }

    @Test
    void recoupErrorEnvelope() {
        assertValid(VALIDATOR.validate("GET", RECOUP_GET, 401, JSON, "{\"status\":\"error\",\"error\":\"no\"}"));
        assertViolation(VALIDATOR.validate("GET", RECOUP_GET, 401, JSON, "{\"status\":\"failed\",\"error\":\"no\"}"),
                "/status");
    }

    @Test
    void agentcloudSessionPassesAndStatusIsAnEnum() {
        assertValid(VALIDATOR.validate("GET", AGENTCLOUD_GET, 200, JSON, agentcloudSession("running")));
        assertViolation(VALIDATOR.validate("GET", AGENTCLOUD_GET, 200, JSON, agentcloudSession("sleeping")),
                "/session/status");
        String missingName = agentcloudSession("running").replace("\"name\": \"chat\", ", "");
        assertViolation(VALIDATOR.validate("GET", AGENTCLOUD_GET, 200, JSON, missingName), "name");
    }

    @Test
    void pathMatchingPicksTheDeclaringDocument() {
        assertEquals("agentcloud/retrieve-session.yaml", documentOf("GET", "/acme/session/abc.json"));
        assertEquals("truefoundry/get-session.yaml", documentOf("GET", "/acme/v1/agents/sessions/x"));
        assertEquals("truefoundry/create-session.yaml", documentOf("POST", "/acme/v1/agents/sessions"));
        assertEquals("recoup/get-session.yaml", documentOf("GET", "/api/sessions/x"));
        assertEquals("admin/admin.yaml", documentOf("POST", "/admin/v1/tenants/acme/agents"));
        assertEquals(Optional.empty(), VALIDATOR.findOperation("GET", "/acme/v1/agents/sessions/x/y"));
        assertEquals(Optional.empty(), VALIDATOR.findOperation("GET", "/acme/session/abc"));
    }

    @Test
    void everrunsPathsAreNotSwallowedByTrueFoundry() {
        Assumptions.assumeTrue(Files.exists(SPECS.resolve("everruns/get-session.yaml")), "no Everruns document yet");
        assertEquals("everruns/get-session.yaml", documentOf("GET", "/v1/sessions/x"));
    }

    @Test
    void everrunsSessionIsCheckedIncludingOneOfBranches() {
        Assumptions.assumeTrue(Files.exists(SPECS.resolve("everruns/get-session.yaml")), "no Everruns document yet");
        String path = "/v1/sessions/session_0123456789abcdef0123456789abcdef";
        String session = """
                {"id": "session_0123456789abcdef0123456789abcdef", "agent_id": "agent_0123456789abcdef0123456789abcdef",
                 "organization_id": "org_0123456789abcdef0123456789abcdef", "status": "idle",
                 "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "usage": %s}""";
        assertValid(VALIDATOR.validate("GET", path, 200, JSON, session.formatted("null")));
        assertValid(VALIDATOR.validate("GET", path, 200, JSON,
                session.formatted("{\"input_tokens\": 1, \"output_tokens\": 2}")));
        assertViolation(VALIDATOR.validate("GET", path, 200, JSON,
                session.formatted("{\"input_tokens\": 1, \"output_tokens\": 2, \"total\": 3}")),
                "undeclared property /usage/total");
    }

    @Test
    void adminResponsesDeclaredByReference() {
        String error = "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"no token\",\"reference\":null}}";
        assertValid(VALIDATOR.validate("GET", "/admin/v1/tenants/acme/agents", 401, JSON, error));
        assertViolation(VALIDATOR.validate("GET", "/admin/v1/tenants/acme/agents", 401, JSON,
                "{\"error\":{\"code\":\"x\",\"message\":\"m\",\"hint\":\"h\"}}"), "undeclared property /error/hint");
    }

    @Test
    void componentValidationChecksContentTypeSchemaAndProperties() {
        String error = "{\"error\":{\"message\":\"Method Not Allowed\",\"type\":\"t\",\"code\":null,\"param\":null}}";
        assertValid(VALIDATOR.validateAgainstComponent("truefoundry/get-session.yaml", "RequestErrorResponse",
                "application/json;charset=UTF-8", error));
        assertViolation(VALIDATOR.validateAgainstComponent("truefoundry/get-session.yaml", "RequestErrorResponse",
                "text/html", error), "not application/json");
        assertViolation(VALIDATOR.validateAgainstComponent("truefoundry/get-session.yaml", "RequestErrorResponse",
                JSON, "{\"error\":{\"message\":1}}"), "/error/message");
        assertViolation(VALIDATOR.validateAgainstComponent("truefoundry/get-session.yaml", "RequestErrorResponse",
                JSON, "{\"error\":{\"message\":\"m\"},\"status\":405}"), "undeclared property /status");
        assertThrows(IllegalArgumentException.class,
                () -> VALIDATOR.validateAgainstComponent("truefoundry/get-session.yaml", "Nope", JSON, "{}"));
    }

    @Test
    void genericDocumentsAreHandled(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("not-openapi.yaml"), "just: data\n");
        Files.createDirectories(dir.resolve("v30"));
        Files.writeString(dir.resolve("v30/legacy.yaml"), """
                openapi: 3.0.3
                info: {title: t, version: '1'}
                servers:
                  - url: '{custom_url}'
                paths:
                  /things/{id}:
                    get:
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Thing'}
                        '204':
                          description: nothing
                        default:
                          description: error
                          content:
                            application/problem+json:
                              schema:
                                type: object
                                additionalProperties: true
                                properties: {title: {type: string}}
                components:
                  schemas:
                    Thing:
                      type: object
                      required: [name, at]
                      properties:
                        name: {type: string, nullable: true}
                        at: {type: string, format: date-time}
                        kind:
                          oneOf:
                            - {type: object, required: [a], properties: {a: {type: integer}}}
                            - {type: object, required: [b], properties: {b: {type: integer}}}
                """);
        Files.writeString(dir.resolve("mounted.yaml"), """
                openapi: 3.1.0
                info: {title: t, version: '1'}
                servers:
                  - url: https://example.com/base/
                paths:
                  /things/{id}:
                    get:
                      responses:
                        '2XX':
                          description: ok
                          content:
                            application/json:
                              schema:
                                allOf:
                                  - {type: object, properties: {x: {type: integer}}}
                                  - {type: object, properties: {y: {type: integer}}}
                """);
        Files.writeString(dir.resolve("wild.yaml"), """
                openapi: 3.1.0
                info: {title: t, version: '1'}
                paths:
                  /{tenant}/things/{id}:
                    get:
                      responses:
                        '200': {description: ok}
                """);
        SpecValidator validator = SpecValidator.load(dir);
        assertEquals(Set.of("mounted.yaml", "v30/legacy.yaml", "wild.yaml"), validator.documents());

        assertValid(validator.validate("GET", "/things/1", 200, JSON, "{\"name\": null, \"at\": \"2026-01-01T00:00:00Z\"}"));
        assertViolation(validator.validate("GET", "/things/1", 200, JSON, "{\"name\": \"n\", \"at\": \"now\"}"), "/at");
        assertValid(validator.validate("GET", "/things/1", 200, JSON,
                "{\"name\": \"n\", \"at\": \"2026-01-01T00:00:00Z\", \"kind\": {\"b\": 1}}"));
        assertViolation(validator.validate("GET", "/things/1", 200, JSON,
                "{\"name\": \"n\", \"at\": \"2026-01-01T00:00:00Z\", \"kind\": {\"c\": 1}}"), "undeclared property /kind/c");
        assertValid(validator.validate("GET", "/things/1", 204, null, ""));
        assertViolation(validator.validate("GET", "/things/1", 204, JSON, "{}"), "declares no content");
        assertValid(validator.validate("GET", "/things/1", 503, "application/problem+json", "{\"title\": \"t\", \"more\": 1}"));

        assertEquals("mounted.yaml", validator.findOperation("GET", "/base/things/1")
                .map(SpecOperation::documentName).orElse(null));
        assertEquals("wild.yaml", validator.findOperation("GET", "/other/things/1")
                .map(SpecOperation::documentName).orElse(null));
        assertValid(validator.validate("GET", "/base/things/1", 201, JSON, "{\"x\": 1, \"y\": 2}"));
        assertViolation(validator.validate("GET", "/base/things/1", 201, JSON, "{\"x\": 1, \"z\": 2}"), "undeclared property /z");
    }

    private static String documentOf(String method, String path) {
        return VALIDATOR.findOperation(method, path).map(SpecOperation::documentName).orElse(null);
    }

    /** The filter against a tiny HTTP server that answers with canned responses. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class FilterTest {
        private HttpServer server;
        private String baseUri;

        @BeforeAll
        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String body;
                int status;
                if (path.endsWith("/good")) {
                    status = 200;
                    body = tfSession("null", "", "");
                } else if (path.endsWith("/bad")) {
                    status = 200;
                    body = tfSession("null", "", ", \"extra\": 1");
                } else {
                    status = 405;
                    body = "{\"error\":{\"message\":\"Method Not Allowed\",\"type\":\"t\",\"code\":null,\"param\":null}}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            baseUri = "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @AfterAll
        void stop() {
            server.stop(0);
        }

        @Test
        void validResponsePassesAndIsCounted() {
            SpecValidationFilter filter = VALIDATOR.filter();
            String title = given().baseUri(baseUri).filter(filter)
                    .queryParam("q", "1")
                    .get("/acme/v1/agents/sessions/good")
                    .then().statusCode(200)
                    .extract().path("data.agent_name");
            assertEquals("helper", title);
            assertEquals(1, filter.validatedCount());
            assertTrue(SpecValidationFilter.totalValidatedCount() >= 1);
        }

        @Test
        void invalidResponseThrows() {
            SpecValidationFilter filter = VALIDATOR.filter();
            AssertionError error = assertThrows(AssertionError.class,
                    () -> given().baseUri(baseUri).filter(filter).get("/acme/v1/agents/sessions/bad"));
            assertTrue(error.getMessage().contains("undeclared property /extra"), error.getMessage());
            assertTrue(error.getMessage().contains("GET /acme/v1/agents/sessions/bad -> 200"), error.getMessage());
            assertEquals(1, filter.validatedCount());
        }

        @Test
        void orElseValidatesUndeclaredResponsesAgainstTheComponent() {
            SpecValidationFilter filter = VALIDATOR.filter();
            assertThrows(AssertionError.class,
                    () -> given().baseUri(baseUri).filter(filter).put("/acme/v1/agents/sessions/x"));
            SpecValidationFilter lenient = filter.orElse("truefoundry/get-session.yaml", "RequestErrorResponse");
            given().baseUri(baseUri).filter(lenient).put("/acme/v1/agents/sessions/x").then().statusCode(405);
            SpecValidationFilter wrongSchema = filter.orElse("recoup/get-session.yaml", "Error");
            assertThrows(AssertionError.class,
                    () -> given().baseUri(baseUri).filter(wrongSchema).put("/acme/v1/agents/sessions/x"));
            assertEquals(3, filter.validatedCount());
        }
    }
}
