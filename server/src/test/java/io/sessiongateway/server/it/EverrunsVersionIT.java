package io.sessiongateway.server.it;

import static io.sessiongateway.server.testing.GatewayHarness.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code gateway.dialects.everruns.version = "0.2"}: the Session of the vendor's API 0.2, as everruns-sdk 0.1.3
 * and later require it (with {@code harness_id}); the default seed shape is {@link EverrunsIT}'s. The SDKs
 * themselves run against both in compat/.
 *
 * <p>specs/ holds the seed's document only, which does not declare {@code harness_id}: each answer is validated
 * against it without that one property, and the property is checked here.
 */
class EverrunsVersionIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.2"));

    @Test
    void sessionCarriesTheOrganisationsBaseHarness() {
        String org = GatewayHarness.uniqueTenant();
        String agent =
                GATEWAY.provisioning().agent(org, "coder", List.of(), false).everrunsId();
        Response created = RestAssured.given()
                .baseUri(GATEWAY.baseUri())
                .header("Authorization", "Bearer " + token(org, "alice"))
                .contentType("application/json")
                .body(Map.of("agent_id", agent))
                .post("/v1/sessions");
        assertEquals(201, created.statusCode(), created.asString());
        assertValidWithoutHarness("POST", "/v1/sessions", created);
        Map<String, Object> s = created.jsonPath().getMap("");
        String orgHex = ((String) s.get("organization_id")).substring("org_".length());
        assertEquals(
                Map.of(
                        "id",
                        s.get("id"),
                        "agent_id",
                        agent,
                        "organization_id",
                        "org_" + orgHex,
                        "harness_id",
                        "harness_" + orgHex,
                        "status",
                        "started",
                        "created_at",
                        s.get("created_at"),
                        "updated_at",
                        s.get("created_at"),
                        "is_pinned",
                        false),
                s);

        Response read = RestAssured.given()
                .baseUri(GATEWAY.baseUri())
                .header("Authorization", "Bearer " + token(org, "carol"))
                .get("/v1/sessions/{id}", s.get("id"));
        assertEquals(200, read.statusCode(), read.asString());
        assertValidWithoutHarness("GET", "/v1/sessions/" + s.get("id"), read);
        assertEquals(s, read.jsonPath().getMap(""));
    }

    private static void assertValidWithoutHarness(String method, String path, Response r) {
        ObjectNode body;
        try {
            body = (ObjectNode) new ObjectMapper().readTree(r.asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        body.remove("harness_id");
        assertEquals(
                List.of(),
                GatewayHarness.validator().validate(method, path, r.statusCode(), r.contentType(), body.toString()));
    }
}
