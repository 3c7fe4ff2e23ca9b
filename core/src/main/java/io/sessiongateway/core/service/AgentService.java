package io.sessiongateway.core.service;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Provisioning of agents; the admin API's use cases. Authorization is the caller's job (admin role). */
public final class AgentService {
    /** A responder's name: what workers claim turns by. */
    private static final Pattern RESPONDER = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private final SessionStore store;
    private final Clock clock;

    /** What answers the turns of agents created without naming a responder. */
    private final String defaultResponder;

    public AgentService(SessionStore store, Clock clock) {
        this(store, clock, Agent.DEFAULT_RESPONDER);
    }

    public AgentService(SessionStore store, Clock clock, String defaultResponder) {
        this.defaultResponder = defaultResponder;
        this.store = store;
        this.clock = clock;
    }

    /** Creates the agent, and the tenant on first use. CONFLICT when the name is taken. */
    public Agent create(String tenantName, NewAgent agent) {
        if (agent.responder() != null && !RESPONDER.matcher(agent.responder()).matches()) {
            throw GatewayException.invalidBody(
                    "responder must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter",
                    "responder");
        }
        Tenant tenant = store.ensureTenant(tenantName);
        return store.createAgent(tenant, agent.withDefaultResponder(defaultResponder), now());
    }

    /**
     * The tenant's agent of that name, created (with the tenant, on first use) when missing: for dialects whose
     * creates name no agent. Call it only after the caller passed every check, so that a refused request provisions
     * nothing. Two requests racing to create it both end with the same agent.
     */
    public Agent ensure(String tenantName, String agentName) {
        Tenant tenant = store.ensureTenant(tenantName);
        return store.findAgentByName(tenant.id(), agentName).orElseGet(() -> {
            try {
                return store.createAgent(
                        tenant, new NewAgent(agentName, List.of(), false, null, defaultResponder), now());
            } catch (GatewayException e) {
                if (e.kind() != ErrorKind.CONFLICT) {
                    throw e;
                }
                return store.findAgentByName(tenant.id(), agentName).orElseThrow(() -> e);
            }
        });
    }

    /** The tenant of that name, if it exists; never creates it. */
    public Optional<Tenant> findTenant(String tenantName) {
        return store.findTenant(tenantName);
    }

    /** Creates a team in the tenant (created on first use). CONFLICT when the name is taken. */
    public Team createTeam(String tenantName, String teamName) {
        Tenant tenant = store.ensureTenant(tenantName);
        return store.createTeam(tenant, teamName, now());
    }

    /** The tenant's teams, default first; empty for a tenant that does not exist yet. */
    public List<Team> listTeams(String tenantName) {
        return store.findTenant(tenantName).map(t -> store.listTeams(t.id())).orElse(List.of());
    }

    /** The tenant's agents, oldest first; empty for a tenant that does not exist yet. */
    public List<Agent> list(String tenantName) {
        return store.findTenant(tenantName).map(t -> store.listAgents(t.id())).orElse(List.of());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
