package io.sessiongateway.core.service;

import static io.sessiongateway.core.service.ServiceFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Provisioning through {@link AgentService}; the admin role is checked by the admin adapter before it. */
class AgentServiceTest {
    private final ServiceFixture f = new ServiceFixture();

    @Test
    void createMakesTheTenantOnFirstUseAndPutsTheAgentInItsDefaultTeam() {
        f.clock.advance(Duration.ofNanos(1_234_567));
        Agent agent = f.agents.create("acme", new NewAgent("helper", List.of("bob"), true));
        Tenant acme = f.store.findTenant("acme").orElseThrow();
        assertEquals(
                new Agent(
                        agent.id(),
                        acme.id(),
                        "acme",
                        acme.defaultTeamId(),
                        acme.defaultTeamObjectId(),
                        "helper",
                        agent.objectId(),
                        List.of("bob"),
                        true,
                        ServiceFixture.START.plusMillis(1),
                        ServiceFixture.START.plusMillis(1)),
                agent,
                "times kept to the millisecond");
    }

    @Test
    void createWithATakenNameIsAConflict() {
        f.agent("acme", "helper");
        refused(ErrorKind.CONFLICT, "agent_exists", () -> f.agent("acme", "helper"));
        assertEquals("helper", f.agent("globex", "helper").name(), "names are per tenant");
    }

    @Test
    void createInAnUnknownTeamIsNotFound() {
        refused(
                ErrorKind.NOT_FOUND,
                "team_not_found",
                () -> f.agents.create("acme", new NewAgent("helper", List.of(), false, "nowhere")));
    }

    @Test
    void createTeamWithATakenNameIsAConflict() {
        f.team("acme", "research");
        refused(ErrorKind.CONFLICT, "team_exists", () -> f.team("acme", "research"));
        refused(ErrorKind.CONFLICT, "team_exists", () -> f.team("acme", "default"));
    }

    @Test
    void listsAreOldestFirstWithTheDefaultTeamFirst() {
        Team research = f.team("acme", "research");
        f.clock.advance(Duration.ofSeconds(1));
        Team sales = f.team("acme", "sales");
        Agent first = f.agent("acme", "first");
        f.clock.advance(Duration.ofSeconds(1));
        Agent second = f.agent("acme", "second");
        assertEquals(
                List.of("default", "research", "sales"),
                f.agents.listTeams("acme").stream().map(Team::name).toList());
        assertEquals(List.of(research, sales), f.agents.listTeams("acme").subList(1, 3));
        assertEquals(List.of(first, second), f.agents.list("acme"));
    }

    @Test
    void listsOfAnUnknownTenantAreEmptyAndCreateNoTenant() {
        assertEquals(List.of(), f.agents.list("nobody"));
        assertEquals(List.of(), f.agents.listTeams("nobody"));
        assertTrue(f.store.findTenant("nobody").isEmpty());
    }
}
