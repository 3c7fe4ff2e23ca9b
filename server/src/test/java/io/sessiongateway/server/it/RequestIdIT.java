package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code X-Request-Id}: a well-formed incoming id is echoed, anything else is replaced by a fresh UUID, and every
 * response carries one, successes and errors of every dialect alike.
 */
class RequestIdIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static final Clients CLIENTS = GATEWAY.clients();

    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final String ID = "Root=1-5759e988-bd862e3fe1be46a994272793";

    @Test
    void generatedWhenAbsent() {
        String first =
                CLIENTS.admin().liveness().then().statusCode(200).extract().header("X-Request-Id");
        String second =
                CLIENTS.admin().liveness().then().statusCode(200).extract().header("X-Request-Id");
        assertTrue(UUID.matcher(first).matches(), first);
        assertTrue(UUID.matcher(second).matches(), second);
        assertNotEquals(first, second);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "0190a5b4-7c1e-7000-8000-000000000001",
                "01JD5Z8Q2W3E4R5T6Y7U8I9O0P",
                ID,
                "abc.DEF_123:~+/=-"
            })
    void wellFormedIncomingIdsAreEchoed(String id) {
        Response r = GATEWAY.given().header("X-Request-Id", id).get("/health/live");
        assertEquals(200, r.statusCode());
        assertEquals(id, r.header("X-Request-Id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "<script>alert(1)</script>", "semi;colon", "a,b", "quote\"d", "ü"})
    void malformedIncomingIdsAreReplaced(String id) {
        Response r = GATEWAY.given().header("X-Request-Id", id).get("/health/live");
        assertEquals(200, r.statusCode());
        assertTrue(UUID.matcher(r.header("X-Request-Id")).matches(), r.header("X-Request-Id"));
    }

    @Test
    void overlongIncomingIdsAreReplacedNotTruncated() {
        String max = "x".repeat(128);
        assertEquals(
                max,
                GATEWAY.given().header("X-Request-Id", max).get("/health/live").header("X-Request-Id"));
        String id = GATEWAY.given()
                .header("X-Request-Id", max + "y")
                .get("/health/live")
                .header("X-Request-Id");
        assertTrue(UUID.matcher(id).matches(), id);
    }

    static Stream<Arguments> errors() {
        Function<RequestSpecification, Response> tfNoToken = s -> s.get("/acme/v1/agents/sessions/x");
        Function<RequestSpecification, Response> everrunsNoToken = s -> s.get("/v1/sessions/nope");
        Function<RequestSpecification, Response> agentcloudNoSlug = s -> s.get("/not-a-team/session/x.json");
        Function<RequestSpecification, Response> recoupNoKey = s -> s.get("/api/sessions/x");
        Function<RequestSpecification, Response> adminNoToken = s -> s.get("/admin/v1/tenants/acme/agents");
        return Stream.of(
                Arguments.of("truefoundry 401", tfNoToken, 401, null, null),
                Arguments.of("everruns 401", everrunsNoToken, 401, null, null),
                Arguments.of("agentcloud 400", agentcloudNoSlug, 400, null, null),
                Arguments.of("recoup 401", recoupNoKey, 401, null, null),
                Arguments.of("admin 401", adminNoToken, 401, null, null),
                Arguments.of(
                        "unknown route 404",
                        (Function<RequestSpecification, Response>) s -> s.get("/nowhere"),
                        404,
                        "admin/admin.yaml",
                        "AdminError"),
                Arguments.of(
                        "method not allowed 405",
                        (Function<RequestSpecification, Response>) s -> s.put("/v1/sessions/x"),
                        405,
                        "everruns/get-session.yaml",
                        "ErrorResponse"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorsCarryTheIdToo(
            String name, Function<RequestSpecification, Response> call, int status, String doc, String schema) {
        RequestSpecification spec = doc == null ? GATEWAY.given() : GATEWAY.givenUndocumented(doc, schema);
        Response r = call.apply(spec.header("X-Request-Id", ID));
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals(ID, r.header("X-Request-Id"));
        Response generated = call.apply(doc == null ? GATEWAY.given() : GATEWAY.givenUndocumented(doc, schema));
        assertEquals(status, generated.statusCode(), generated.asString());
        assertTrue(UUID.matcher(generated.header("X-Request-Id")).matches(), generated.header("X-Request-Id"));
    }
}
