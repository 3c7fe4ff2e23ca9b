package io.sessiongateway.adapters.admin;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.generated.admin.api.AdminApi;
import io.sessiongateway.generated.admin.model.AgentIds;
import io.sessiongateway.generated.admin.model.AgentList;
import io.sessiongateway.generated.admin.model.CreateAgentRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/** The gateway's own provisioning API; every operation needs an admin token for the tenant in the path. */
public final class AdminAdapter implements AdminApi {
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MAX_MANAGERS = 100;

    private final AgentService agents;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    public AdminAdapter(AgentService agents) {
        this.agents = agents;
    }

    @Override
    public Response createAgent(String tenant, CreateAgentRequest body) {
        requireAdmin(tenant);
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        String name = body.getName();
        if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > 255) {
            throw GatewayException.invalidBody("name is required: 1 to 255 characters", "name");
        }
        List<String> managers = body.getManagers() == null ? List.of() : body.getManagers();
        if (managers.size() > MAX_MANAGERS) {
            throw GatewayException.invalidBody("at most " + MAX_MANAGERS + " managers", "managers");
        }
        for (String m : managers) {
            if (m == null || m.isEmpty() || m.length() > 255) {
                throw GatewayException.invalidBody("each manager is a subject id of 1 to 255 characters", "managers");
            }
        }
        boolean restricted = Boolean.TRUE.equals(body.getRestricted());
        Agent agent = agents.create(tenant, new NewAgent(name, managers.stream().distinct().toList(), restricted));
        return Response.status(Response.Status.CREATED).entity(toAgent(agent)).build();
    }

    @Override
    public Response listAgents(String tenant) {
        requireAdmin(tenant);
        return Response.ok(new AgentList().data(agents.list(tenant).stream().map(AdminAdapter::toAgent).toList()))
                .build();
    }

    private void requireAdmin(String tenant) {
        Principal principal = Caller.of(request.get()).require();
        if (!TENANT.matcher(tenant).matches()) {
            throw GatewayException.invalidArgument("tenant must match " + TENANT.pattern(), "tenant");
        }
        if (!principal.admin() || !tenant.equals(principal.tenant())) {
            throw GatewayException.forbidden("admin_required",
                    "an admin token for tenant '" + tenant + "' is required");
        }
    }

    static io.sessiongateway.generated.admin.model.Agent toAgent(Agent a) {
        return new io.sessiongateway.generated.admin.model.Agent()
                .id(a.id())
                .tenant(a.tenantName())
                .name(a.name())
                .managers(a.managers())
                .restricted(a.restricted())
                .ids(new AgentIds()
                        .truefoundry(a.name())
                        .everruns(Ids.prefixed("agent", a.id()))
                        .agentcloud(a.objectId()))
                .createdAt(a.createdAt().atOffset(ZoneOffset.UTC));
    }
}
