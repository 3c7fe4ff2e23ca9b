package io.sessiongateway.core.service;

import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Provisioning of agents; the admin API's use cases. Authorization is the caller's job (admin role). */
public final class AgentService {
    private final SessionStore store;
    private final Clock clock;

    public AgentService(SessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates the agent, and the tenant on first use. CONFLICT when the name is taken. */
    public Agent create(String tenantName, NewAgent agent) {
        Tenant tenant = store.ensureTenant(tenantName);
        return store.createAgent(tenant, agent, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Creates a team in the tenant (created on first use). CONFLICT when the name is taken. */
    public Team createTeam(String tenantName, String teamName) {
        Tenant tenant = store.ensureTenant(tenantName);
        return store.createTeam(tenant, teamName, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** The tenant's teams, default first; empty for a tenant that does not exist yet. */
    public List<Team> listTeams(String tenantName) {
        return store.findTenant(tenantName).map(t -> store.listTeams(t.id())).orElse(List.of());
    }

    /** The tenant's agents, oldest first; empty for a tenant that does not exist yet. */
    public List<Agent> list(String tenantName) {
        return store.findTenant(tenantName).map(t -> store.listAgents(t.id())).orElse(List.of());
    }
}
