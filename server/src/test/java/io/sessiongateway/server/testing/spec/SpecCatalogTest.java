package io.sessiongateway.server.testing.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.server.testing.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of {@code specs/}: what it makes of the real documents, and of a document dropped in. */
class SpecCatalogTest {

    @Test
    void readsEveryDialectOfTheRealDocuments() {
        SpecCatalog catalog = SpecCatalog.shared();
        assertEquals(Set.of("admin", "agentcloud", "everruns", "recoup", "runtime", "truefoundry"), catalog.dialects());
        SpecOperation get = catalog.match("get", "/acme/v1/agents/sessions/s1").orElseThrow();
        assertEquals("truefoundry/get-session.yaml", get.documentName());
        assertEquals("GET /{tenantName}/v1/agents/sessions/{sessionId}", get.toString());
        assertEquals(
                List.of("server tenantName", "path sessionId"),
                get.parameters().stream().map(p -> p.in() + " " + p.name()).toList());
        assertTrue(get.declares(404));
        assertEquals(
                "application/json",
                get.response(404).orElseThrow().content().get(0).mediaType());
        assertEquals(List.of("AuthorizationBearer"), get.securitySchemes());
    }

    /**
     * Issue #12 "Done when": every lifecycle operation of every dialect is in the catalog, which is what BadInputIT
     * (every operation, every kind of garbage), FuzzIT (checks each operation got requests) and ConformanceIT walk.
     */
    @Test
    void everyLifecycleOperationOfEveryDialectIsInTheCatalog() {
        SpecCatalog catalog = SpecCatalog.shared();
        Map<String, List<String>> lifecycle = Map.of(
                "truefoundry",
                List.of(
                        "GET /{tenantName}/v1/agents/sessions",
                        "GET /{tenantName}/v1/x/agents/owned-sessions",
                        "GET /{tenantName}/v1/x/agents/search-sessions",
                        "POST /{tenantName}/v1/agents/sessions/{sessionId}/cancel",
                        "DELETE /{tenantName}/v1/agents/sessions/{sessionId}",
                        "PATCH /{tenantName}/v1/agents/sessions/{sessionId}"),
                "everruns",
                List.of(
                        "GET /v1/sessions",
                        "PATCH /v1/sessions/{session_id}",
                        "DELETE /v1/sessions/{session_id}",
                        "POST /v1/sessions/{session_id}/cancel",
                        "GET /v1/sessions/stats",
                        "PUT /v1/sessions/{session_id}/pin",
                        "DELETE /v1/sessions/{session_id}/pin",
                        "POST /v1/sessions/{session_id}/fork"),
                "agentcloud",
                List.of(
                        "GET /{resourceSlug}/sessions.json",
                        "DELETE /{resourceSlug}/forms/session/{sessionId}",
                        "POST /{resourceSlug}/forms/session/{sessionId}/cancel",
                        "POST /{resourceSlug}/forms/session/{sessionId}/edit"),
                "recoup",
                List.of("PATCH /api/sessions/{sessionId}", "GET /api/sessions", "DELETE /api/sessions/{sessionId}"));
        lifecycle.forEach((dialect, operations) -> {
            List<String> served =
                    catalog.of(dialect).stream().map(SpecOperation::toString).toList();
            assertTrue(served.containsAll(operations), dialect + ": " + served);
        });
    }

    /** The lifecycle work adds documents per dialect: both consumers must see them with no code change. */
    @Test
    void aDocumentDroppedIntoADialectFolderReachesTheValidatorAndTheGenerator(@TempDir Path dir) throws IOException {
        copy(SpecCatalog.SPECS, dir);
        Files.writeString(dir.resolve("truefoundry/list-sessions.yaml"), """
                openapi: 3.1.0
                info: {title: t, version: '1'}
                servers:
                  - url: '{scheme}://{host}/{tenantName}'
                    variables:
                      scheme: {default: https, enum: [http, https]}
                      host: {default: example.com}
                      tenantName: {default: acme}
                paths:
                  /v1/agents/sessions:
                    get:
                      operationId: listSessions
                      parameters:
                        - {name: limit, in: query, schema: {type: integer, minimum: 1}}
                      responses:
                        '200':
                          description: ok
                          headers:
                            X-Total: {$ref: '#/components/headers/Total'}
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Page'}
                        '4XX': {description: refused}
                components:
                  headers:
                    Total: {schema: {type: integer}}
                  schemas:
                    Page:
                      type: object
                      required: [data]
                      properties:
                        data: {type: array, items: {type: string}}
                """);
        SpecCatalog catalog = SpecCatalog.load(dir);

        SpecOperation list = catalog.of("truefoundry").stream()
                .filter(o -> o.id().equals("listSessions"))
                .findFirst()
                .orElseThrow();
        assertEquals("GET /{tenantName}/v1/agents/sessions", list.toString());
        assertEquals(
                Map.of("tenantName", "server", "limit", "query"),
                Map.of(
                        list.parameters().get(0).name(),
                                list.parameters().get(0).in(),
                        list.parameters().get(1).name(),
                                list.parameters().get(1).in()));
        assertEquals(
                "Page",
                SpecDocument.refName(list.response(200)
                        .orElseThrow()
                        .content()
                        .get(0)
                        .schema()
                        .node()));
        assertEquals(
                "X-Total", list.response(200).orElseThrow().headers().get(0).name());
        assertEquals("4XX", list.response(404).orElseThrow().key());
        assertThrows(IllegalStateException.class, list::statuses, "a range is no status the generator can provoke");
        assertEquals(list, catalog.match("GET", "/acme/v1/agents/sessions").orElseThrow());

        SpecValidator validator = SpecValidator.of(catalog);
        assertEquals(
                List.of(),
                validator.validate("GET", "/acme/v1/agents/sessions", 200, "application/json", "{\"data\": [\"a\"]}"));
        assertTrue(validator
                .validate("GET", "/acme/v1/agents/sessions", 200, "application/json", "{\"data\": [1]}")
                .toString()
                .contains("/data/0"));
        assertEquals(List.of(), validator.validate("GET", "/acme/v1/agents/sessions", 403, null, ""));
    }

    /**
     * The served-operations switch: an operation marked {@code x-gateway-served: false} is read and compiled but is
     * not among the operations the validator matches and the generators send; removing the mark serves it.
     */
    @Test
    void anOperationMarkedUnservedIsPendingUntilTheMarkGoes(@TempDir Path dir) throws IOException {
        String document = """
                openapi: 3.1.0
                info: {title: t, version: '1'}
                paths:
                  /v1/things/{id}/stream:
                    get:
                      operationId: streamThing
                      x-gateway-served: false
                      parameters:
                        - {name: id, in: path, required: true, schema: {type: string}}
                      responses:
                        '200':
                          description: frames
                          content:
                            text/event-stream:
                              schema: {$ref: '#/components/schemas/Frame'}
                  /v1/things/{id}:
                    get:
                      operationId: getThing
                      parameters:
                        - {name: id, in: path, required: true, schema: {type: string}}
                      responses:
                        '204': {description: none}
                components:
                  schemas:
                    Frame:
                      type: object
                      required: [data]
                      properties:
                        id: {type: string, pattern: '^[0-9]+$'}
                        event: {type: string}
                        data:
                          oneOf:
                            - type: object
                              required: [type]
                              properties: {type: {const: delta}, text: {type: string}}
                            - {const: '[DONE]'}
                """;
        Files.createDirectories(dir.resolve("things"));
        Files.writeString(dir.resolve("things/things.yaml"), document);
        SpecCatalog pending = SpecCatalog.load(dir);
        assertEquals(
                List.of("getThing"),
                pending.operations().stream().map(SpecOperation::id).toList());
        assertEquals(
                List.of("streamThing"),
                pending.pending().stream().map(SpecOperation::id).toList());
        assertTrue(pending.match("GET", "/v1/things/t1/stream").isEmpty());

        Files.writeString(dir.resolve("things/things.yaml"), document.replace("x-gateway-served: false", ""));
        SpecCatalog served = SpecCatalog.load(dir);
        assertEquals(List.of(), served.pending());
        SpecValidator validator = SpecValidator.of(served);
        String stream = ": heartbeat\n\nid: 1\ndata: {\"type\":\"delta\",\"text\":\"hi\"}\n\ndata: [DONE]\n\n";
        assertEquals(List.of(), validator.validate("GET", "/v1/things/t1/stream", 200, "text/event-stream", stream));
        List<String> violations = validator.validate(
                "GET",
                "/v1/things/t1/stream",
                200,
                "text/event-stream",
                "id: x\ndata: {\"type\":\"delta\",\"extra\":1}\n\n");
        assertTrue(violations.toString().contains("frame 0"), violations.toString());
        assertTrue(violations.toString().contains("undeclared property /data/extra"), violations.toString());
        assertTrue(violations.toString().contains("pattern"), violations.toString());
    }

    /**
     * Every document under specs/ compiles, pending operations included; they are listed, never matched. An operation
     * whose adapter landed (TrueFoundry's createTurn) is served, no longer pending.
     */
    @Test
    void theRealDocumentsDeclareTheConversationOperationsAsPending() {
        SpecCatalog catalog = SpecCatalog.shared();
        SpecValidator.of(catalog);
        assertTrue(
                catalog.operations().stream().anyMatch(o -> o.id().equals("createTurn")),
                catalog.pending().toString());
        assertTrue(
                catalog.operations().stream().noneMatch(o -> catalog.pending().contains(o)));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
