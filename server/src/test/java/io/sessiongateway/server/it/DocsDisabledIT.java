package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code gateway.docs.enabled = false}: none of the documents' or the page's paths exists. */
class DocsDisabledIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_DOCS_ENABLED", "false"));

    @ParameterizedTest
    @ValueSource(strings = {"/openapi", "/openapi/everruns.yaml", "/docs", "/docs/swagger-ui-bundle.js"})
    void everyPathIsTheGatewaysOwn404(String path) {
        Response r = GATEWAY.givenOnly("admin/admin.yaml", "AdminError").get(path);
        assertEquals(404, r.statusCode(), r.asString());
        assertEquals(ApiDocumentsIT.notFound(), r.jsonPath().getMap(""));
    }
}
