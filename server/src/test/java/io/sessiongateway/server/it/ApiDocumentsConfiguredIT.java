package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.swagger.v3.oas.models.OpenAPI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The served documents follow the configuration: a dialect under a prefix has its {@code servers} there, a disabled
 * dialect has no document, and the health document has metrics where they are served, or none.
 */
class ApiDocumentsConfiguredIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of(
            "GATEWAY_DIALECT_TRUEFOUNDRY_PREFIX", "/tf",
            "GATEWAY_DIALECT_EVERRUNS_PREFIX", "/evr",
            "GATEWAY_DIALECT_RECOUP_ENABLED", "false",
            "GATEWAY_METRICS_PATH", "/internal/prometheus"));

    @Test
    void theIndexLeavesOutTheDisabledDialect() {
        Response r = GATEWAY.given().get("/openapi");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(
                List.of("truefoundry", "everruns", "agentcloud", "admin", "runtime", "health"),
                r.jsonPath().getList("documents.name"));
    }

    @Test
    void aPrefixedDialectsServersCarryThePrefix() {
        OpenAPI tf = ApiDocumentsIT.parse(
                GATEWAY.given().get("/openapi/truefoundry.yaml").asString());
        assertEquals("/tf/{tenantName}", tf.getServers().get(0).getUrl());
        assertEquals(
                ApiDocumentsIT.expectedOperations("truefoundry", true), ApiDocumentsIT.operations(tf, "/{tenantName}"));
        OpenAPI evr = ApiDocumentsIT.parse(
                GATEWAY.given().get("/openapi/everruns.yaml").asString());
        assertEquals("/evr", evr.getServers().get(0).getUrl());
        assertEquals(ApiDocumentsIT.expectedOperations("everruns", true), ApiDocumentsIT.operations(evr, ""));
    }

    @Test
    void aDisabledDialectHasNoDocument() {
        Response r = GATEWAY.givenOnly("admin/admin.yaml", "AdminError").get("/openapi/recoup.yaml");
        assertEquals(404, r.statusCode(), r.asString());
        assertEquals(ApiDocumentsIT.notFound(), r.jsonPath().getMap(""));
    }

    @Test
    void theHealthDocumentHasMetricsWhereTheyAreServed() {
        OpenAPI health =
                ApiDocumentsIT.parse(GATEWAY.given().get("/openapi/health.yaml").asString());
        Set<String> expected = new TreeSet<>(ApiDocumentsIT.expectedOperations("health", false));
        expected.add("GET /internal/prometheus");
        assertEquals(expected, ApiDocumentsIT.operations(health, ""));
    }
}
