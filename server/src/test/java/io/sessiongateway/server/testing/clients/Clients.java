package io.sessiongateway.server.testing.clients;

import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import java.util.List;

/**
 * The typed clients of one gateway, each at the base path where that gateway mounts its dialect. Get them from the
 * harness ({@link GatewayHarness#clients()}), or over any gateway (another instance, a child process, dialects under
 * prefixes) with {@link #Clients(Routes)}.
 */
public final class Clients {
    /** The four vendor dialects, in a fixed order. */
    public static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup");

    /** A spec-validated request to a dialect (or {@code admin}), whose base path is where that dialect is mounted. */
    @FunctionalInterface
    public interface Routes {
        RequestSpecification to(String dialect);
    }

    private final Routes routes;

    public Clients(Routes routes) {
        this.routes = routes;
    }

    /** Where each dialect's requests go. */
    public Routes routes() {
        return routes;
    }

    public TrueFoundryClient trueFoundry() {
        return new TrueFoundryClient(() -> routes.to("truefoundry"));
    }

    public EverrunsClient everruns() {
        return new EverrunsClient(() -> routes.to("everruns"));
    }

    public AgentcloudClient agentcloud() {
        return new AgentcloudClient(() -> routes.to("agentcloud"));
    }

    public RecoupClient recoup() {
        return new RecoupClient(() -> routes.to("recoup"));
    }

    /** The admin API without credentials. */
    public GatewayAdminClient admin() {
        return new GatewayAdminClient(() -> routes.to("admin"));
    }

    /** The admin API as the tenant's administrator ({@link GatewayHarness#adminToken}). */
    public GatewayAdminClient admin(String tenant) {
        return admin().bearer(GatewayHarness.adminToken(tenant));
    }

    /** Tenants, teams, agents and keys created through the admin API of this gateway. */
    public Provisioning provisioning() {
        return new Provisioning(this);
    }
}
