package io.sessiongateway.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentMergerTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    private static ObjectNode yaml(String text) {
        return (ObjectNode) node(text);
    }

    private static JsonNode node(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String GET = """
            openapi: 3.1.0
            info: {title: Vendor, version: '1'}
            servers: [{url: 'https://api.vendor.example/{tenant}', variables: {tenant: {default: acme}}}]
            security: [{bearer: []}]
            paths:
              /v1/things/{id}:
                parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                get:
                  responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Id'}}}}}
            components:
              schemas:
                Id: {type: string}
              securitySchemes:
                bearer: {type: http, scheme: bearer}
            """;

    private static final String DELETE = """
            openapi: 3.1.0
            info: {title: Vendor, version: '1'}
            servers: [{url: 'https://api.vendor.example/{tenant}'}]
            security: [{bearer: []}]
            paths:
              /v1/things/{id}:
                delete:
                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                  responses: {'204': {description: gone}}
                patch:
                  responses: {'405': {description: not served}}
              /v1/other:
                get:
                  responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Id'}}}}}
            components:
              schemas:
                Id: {type: string, pattern: '^[a-f0-9]{24}$'}
              securitySchemes:
                bearer: {type: http, scheme: bearer}
            """;

    private static ObjectNode merge(Set<OperationKey> mounted, List<String> warnings) {
        return DocumentMerger.merge(
                new DocumentSource("vendor", List.of("v/get.yaml", "v/delete.yaml"), "/vx", mounted, Map.of()),
                List.of(
                        new DocumentMerger.Loaded("v/get.yaml", yaml(GET)),
                        new DocumentMerger.Loaded("v/delete.yaml", yaml(DELETE))),
                warnings::add);
    }

    @Test
    void keepsOnlyTheMountedOperationsUnderTheGatewaysServer() {
        List<String> warnings = new ArrayList<>();
        ObjectNode merged = merge(
                Set.of(OperationKey.of("GET", "/{t}/v1/things/{x}"), OperationKey.of("DELETE", "/{t}/v1/things/{x}")),
                warnings);
        assertEquals(List.of(), warnings);
        assertEquals(
                node(
                        "[{url: '/vx/{tenant}', description: this Session Gateway, variables: {tenant: {default: acme}}}]"),
                merged.get("servers"));
        assertEquals(List.of("/v1/things/{id}"), fieldNames(merged.get("paths")));
        assertEquals(List.of("get", "delete"), fieldNames(merged.get("paths").get("/v1/things/{id}")));
        // the path-level parameter moved into the operation, since another document may share the path
        assertEquals(
                "id",
                merged.at("/paths/~1v1~1things~1{id}/get/parameters/0/name").asText());
        assertEquals(node("[{bearer: []}]"), merged.get("security"));
    }

    @Test
    void aComponentDefinedDifferentlyIsRenamedInTheLaterDocument() {
        ObjectNode merged = merge(
                Set.of(OperationKey.of("GET", "/{t}/v1/things/{x}"), OperationKey.of("GET", "/{t}/v1/other")),
                new ArrayList<>());
        assertEquals(yaml("{type: string}"), merged.at("/components/schemas/Id"));
        assertEquals(yaml("{type: string, pattern: '^[a-f0-9]{24}$'}"), merged.at("/components/schemas/Id_delete"));
        assertEquals(
                "#/components/schemas/Id_delete",
                merged.at("/paths/~1v1~1other/get/responses/200/content/application~1json/schema/$ref")
                        .asText());
        assertEquals(
                "#/components/schemas/Id",
                merged.at("/paths/~1v1~1things~1{id}/get/responses/200/content/application~1json/schema/$ref")
                        .asText());
    }

    @Test
    void aMountedOperationNoDocumentDeclaresIsReported() {
        List<String> warnings = new ArrayList<>();
        merge(Set.of(OperationKey.of("POST", "/{t}/v1/things")), warnings);
        assertEquals(
                List.of("the gateway serves [POST /{}/v1/things] but no document in specs/ [v/get.yaml, v/delete.yaml]"
                        + " declares it"),
                warnings);
    }

    @Test
    void documentsOfDifferentOpenApiVersionsAreRefused() {
        assertThrows(
                IllegalStateException.class,
                () -> DocumentMerger.merge(
                        new DocumentSource("v", List.of("a", "b"), "", Set.of(), Map.of()),
                        List.of(
                                new DocumentMerger.Loaded("a", yaml("{openapi: 3.1.0, paths: {}}")),
                                new DocumentMerger.Loaded("b", yaml("{openapi: 3.0.0, paths: {}}"))),
                        w -> {}));
    }

    @Test
    void theServerPathIsThePathOfTheFirstServer() {
        assertEquals(
                "/{tenantName}",
                DocumentMerger.serverPath(yaml("servers: [{url: '{scheme}://{gatewayBaseURL}/{tenantName}'}]")));
        assertEquals("", DocumentMerger.serverPath(yaml("servers: [{url: 'https://app.agentcloud.dev'}]")));
        assertEquals("", DocumentMerger.serverPath(yaml("servers: [{url: 'http://127.0.0.1:8080/'}]")));
        assertEquals("", DocumentMerger.serverPath(yaml("{}")));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
