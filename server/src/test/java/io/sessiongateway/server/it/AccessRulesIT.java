package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The create rules of README "Access rules" (AccessPolicy), enforced the same way through every dialect that
 * creates: a restricted agent only by its managers, and only configured subject types; each refusal in the
 * dialect's status and envelope, with nothing written.
 */
class AccessRulesIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    static String tenant;
    static UUID account;
    static Provisioning.Agent restricted;
    static String team;

    @BeforeAll
    static void provision() {
        tenant = GatewayHarness.uniqueTenant();
        account = UUID.randomUUID();
        restricted = GATEWAY.provisioning().agent(tenant, "locked", List.of("manager"), true);
        team = restricted.team();
        // Recoup's sessions go to the tenant's agent "recoup" (gateway.recoup.agent): here an operator restricted it.
        GATEWAY.provisioning().agent(tenant, "recoup", List.of("manager"), true);
    }

    static String token(String subject, String type) {
        return "Bearer "
                + new TokenMinter(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8), GatewayHarness.ISSUER)
                        .mint(
                                new TokenMinter.Grant(
                                        tenant,
                                        subject,
                                        type,
                                        null,
                                        List.of(team),
                                        account,
                                        false,
                                        Duration.ofHours(1)),
                                Instant.now());
    }

    static Response create(String dialect, String bearer) {
        Clients clients = GATEWAY.clients();
        return switch (dialect) {
            case "truefoundry" -> clients.trueFoundry().as(bearer).create(tenant, Map.of("agent_name", "locked"));
            case "everruns" -> clients.everruns().as(bearer).create(Map.of("agent_id", restricted.everrunsId()));
            case "agentcloud" -> clients.agentcloud().as(bearer).create(team, Map.of("id", restricted.agentcloudId()));
            case "recoup" -> clients.recoup().as(bearer).create(Map.of("title", "locked"));
            default -> throw new IllegalArgumentException(dialect);
        };
    }

    static final Map<String, Integer> CREATED =
            Map.of("truefoundry", 201, "everruns", 201, "agentcloud", 200, "recoup", 200);

    @ParameterizedTest(name = "{0}: a restricted agent is refused to a non-manager, allowed to its manager")
    @ValueSource(strings = {"truefoundry", "everruns", "agentcloud", "recoup"})
    void restrictedAgent(String dialect) {
        List<String> before = GATEWAY.sessionSnapshot();
        Response refused = create(dialect, token("alice", "user"));
        String expected = switch (dialect) {
            case "truefoundry" ->
                "{\"error\":{\"message\":\"not authorized to create sessions for agent 'locked'\","
                        + "\"type\":\"permission_error\",\"code\":\"agent_forbidden\",\"param\":\"agent_name\"}}";
            case "everruns" -> "{\"error\":\"agent '" + restricted.everrunsId() + "' not found\"}";
            case "agentcloud" -> "{\"message\":\"not authorized to create sessions for this app\",\"code\":403}";
            case "recoup" ->
                "{\"status\":\"error\",\"error\":\"not authorized to create sessions for agent 'recoup'\"}";
            default -> throw new IllegalArgumentException(dialect);
        };
        assertEquals(dialect.equals("everruns") ? 404 : 403, refused.statusCode(), refused.asString());
        assertEquals(expected, refused.asString());
        assertEquals(before, GATEWAY.sessionSnapshot(), "nothing written");

        Response allowed = create(dialect, token("manager", "user"));
        assertEquals(CREATED.get(dialect), allowed.statusCode(), allowed.asString());
    }

    @ParameterizedTest(name = "{0}: a subject type outside session-creator-types may not create")
    @ValueSource(strings = {"truefoundry", "everruns", "agentcloud", "recoup"})
    void creatorTypes(String dialect) {
        List<String> before = GATEWAY.sessionSnapshot();
        Response refused = create(dialect, token("manager", "robot"));
        String message = "subject type 'robot' may not create sessions; allowed: serviceaccount, user, virtualaccount";
        String expected = switch (dialect) {
            case "truefoundry" ->
                "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"unsupported_subject_type\",\"param\":null}}";
            case "everruns" -> "{\"error\":\"" + message + "\"}";
            case "agentcloud" -> "{\"message\":\"" + message + "\",\"code\":403}";
            case "recoup" -> "{\"status\":\"error\",\"error\":\"" + message + "\"}";
            default -> throw new IllegalArgumentException(dialect);
        };
        assertEquals(
                Map.of("truefoundry", 400, "everruns", 400, "agentcloud", 403, "recoup", 403)
                        .get(dialect),
                refused.statusCode(),
                refused.asString());
        assertEquals(expected, refused.asString());
        assertEquals(before, GATEWAY.sessionSnapshot(), "nothing written");
    }
}
