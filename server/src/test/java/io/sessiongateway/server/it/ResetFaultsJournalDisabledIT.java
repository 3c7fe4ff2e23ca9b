package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Without {@code gateway.testing.enabled} (the default) the testing endpoints do not exist: whatever the method and
 * the credentials, their paths answer exactly what an unknown path of the admin API answers.
 */
class ResetFaultsJournalDisabledIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    @ParameterizedTest
    @CsvSource({
        "POST, /admin/v1/testing/reset",
        "GET, /admin/v1/testing/faults",
        "POST, /admin/v1/testing/faults",
        "DELETE, /admin/v1/testing/faults",
        "DELETE, /admin/v1/testing/faults/fault_1",
        "GET, /admin/v1/testing/journal",
        "DELETE, /admin/v1/testing/journal",
        "PUT, /admin/v1/testing/journal",
        "GET, /admin/v1/testing"
    })
    void theirPathsAnswerAsUnknownPaths(String method, String path) {
        for (Map<String, String> credentials :
                List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer " + adminToken("*")))) {
            Response testing = send(method, path, credentials);
            Response unknown = send(method, "/admin/v1/no-such-path", credentials);
            assertEquals(404, testing.statusCode(), testing.asString());
            assertEquals(unknown.statusCode(), testing.statusCode());
            assertEquals(unknown.contentType(), testing.contentType());
            assertEquals(unknown.jsonPath().getMap(""), testing.jsonPath().getMap(""));
            assertEquals(
                    Map.of("code", "route_not_found", "message", "no such route"),
                    Map.of(
                            "code", testing.jsonPath().getString("error.code"),
                            "message", testing.jsonPath().getString("error.message")));
        }
    }

    @Test
    void theServedAdminDocumentLeavesThemOut() throws IOException {
        Response doc = GATEWAY.given().get("/openapi/admin.yaml");
        assertEquals(200, doc.statusCode(), doc.asString());
        JsonNode paths = new YAMLMapper().readTree(doc.asString()).path("paths");
        assertTrue(paths.has("/admin/v1/sessions/{sessionId}"), "the admin document is served");
        List<String> names = new ArrayList<>();
        paths.fieldNames().forEachRemaining(names::add);
        assertFalse(names.stream().anyMatch(n -> n.startsWith("/admin/v1/testing")), names.toString());
    }

    private static Response send(String method, String path, Map<String, String> headers) {
        RequestSpecification r =
                GATEWAY.givenOnly("admin/admin.yaml", "AdminError").headers(headers);
        if (method.equals("POST") || method.equals("PUT")) {
            r = r.contentType("application/json").body("{}");
        }
        return r.request(method, path);
    }
}
