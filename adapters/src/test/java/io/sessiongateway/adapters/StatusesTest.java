package io.sessiongateway.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.adapters.agentcloud.AgentcloudStatus;
import io.sessiongateway.adapters.everruns.EverrunsStatus;
import io.sessiongateway.adapters.recoup.RecoupStatus;
import io.sessiongateway.core.model.SessionStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The README's status table, row by row. */
class StatusesTest {
    @ParameterizedTest(name = "{0} (warning {1}) -> everruns {2}, agentcloud {3}, recoup {4}")
    @CsvSource({
        "CREATED,   false, started, started,    running",
        "RUNNING,   false, active,  running,    running",
        "WAITING,   false, idle,    waiting,    running",
        "COMPLETED, false, idle,    terminated, completed",
        "FAILED,    false, idle,    error,      failed",
        "CANCELLED, false, idle,    terminated, completed",
        "ARCHIVED,  false, idle,    terminated, archived",
        "CREATED,   true,  started, warning,    running",
        "RUNNING,   true,  active,  warning,    running",
        "WAITING,   true,  idle,    warning,    running",
        "COMPLETED, true,  idle,    terminated, completed",
        "FAILED,    true,  idle,    error,      failed",
    })
    void eachDialectProjectsTheCanonicalState(
            SessionStatus status, boolean warning, String everruns, String agentcloud, String recoup) {
        assertEquals(everruns, EverrunsStatus.of(status));
        assertEquals(agentcloud, AgentcloudStatus.of(status, warning));
        assertEquals(recoup, RecoupStatus.of(status));
    }
}
