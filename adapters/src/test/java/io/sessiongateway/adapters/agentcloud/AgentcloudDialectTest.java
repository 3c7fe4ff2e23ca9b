package io.sessiongateway.adapters.agentcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which paths answer errors raised before an adapter in Agentcloud's envelope. */
class AgentcloudDialectTest {
    static final Pattern CLAIMED = Pattern.compile(AgentcloudDialect.CLAIMED);

    @ParameterizedTest
    @CsvSource({
        "/65f0c0ffee0123456789ab02/session/65f0c0ffee0123456789abcd.json, true",
        "/acme/session/x.json, true",
        "/acme/sessions.json, true",
        "/65f0c0ffee0123456789ab02/sessions.json, true",
        "/acme/forms/session/add, true",
        "/65f0c0ffee0123456789ab02/forms/session/65f0c0ffee0123456789abcd/cancel, true",
        "/65f0c0ffee0123456789ab02/conformance-unknown, true",
        "/65f0c0ffee0123456789ab02, true",
        "/65f0c0ffee0123456789ab02/v1/agentsx, true",
        "/65f0c0ffee0123456789ab02/v1/agents, false",
        "/65f0c0ffee0123456789ab02/v1/agents/sessions, false",
        "/acme/v1/agents/sessions, false",
        "/acme/sessionsxjson, false",
        "/acme/other, false",
        "/v1/sessions, false",
        "/api/sessions, false",
        "/admin/v1/tenants, false",
    })
    void claims(String path, boolean claimed) {
        assertEquals(claimed, CLAIMED.matcher(path).matches(), path);
    }
}
