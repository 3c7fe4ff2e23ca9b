package io.sessiongateway.adapters.everruns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.everruns.model.AgentCapabilityConfig;
import io.sessiongateway.generated.everruns.model.CreateSessionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EverrunsMapperTest {
    private static CreateSessionRequest withConfig(Object config) {
        return new CreateSessionRequest()
                .agentId("agent_" + "0".repeat(32))
                .capabilities(
                        List.of(new AgentCapabilityConfig().ref("current_time").config(config)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "list", "number"})
    void capabilityConfigThatIsNotAnObjectIsAnInvalidBody(String kind) {
        Object config = switch (kind) {
            case "text" -> "not-an-object";
            case "list" -> List.of(1, 2);
            default -> 42;
        };
        GatewayException e = assertThrows(GatewayException.class, () -> EverrunsMapper.newSession(withConfig(config)));
        assertEquals(ErrorKind.INVALID_BODY, e.kind());
        assertEquals("capabilities", e.param());
    }

    @Test
    void objectConfigIsKept() {
        var session = EverrunsMapper.newSession(withConfig(Map.of("tz", "UTC")));
        assertEquals(
                "UTC", session.capabilities().get(0).path("config").path("tz").asText());
    }
}
