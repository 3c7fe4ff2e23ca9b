package io.sessiongateway.server.ops;

import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.health.api.HealthApi;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The gateway's own operations endpoints as a pseudo-dialect: it owns {@code /health/**} and the metrics path, so
 * that errors there (unknown path, wrong method) come in the gateway's envelope and are never claimed by a vendor
 * dialect whose patterns would match ({@code /{tenant}/v1/agents}, {@code /{team}/session}). It must be mounted
 * first. The metrics endpoint itself is mounted separately, at its configured path.
 */
public final class OpsDialect implements Dialect {
    /** Name in metrics and logs. */
    public static final String NAME = "ops";

    private final HealthAdapter health;
    private final ReservedPaths reserved;

    OpsDialect(HealthAdapter health, ReservedPaths reserved) {
        this.health = health;
        this.reserved = reserved;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Binding> bindings() {
        return List.of(new Binding(HealthApi.class, health, ""));
    }

    /** The paths {@link ReservedPaths} keeps for the gateway. */
    @Override
    public boolean claims(String path) {
        return reserved.claims(path);
    }

    @Override
    public int status(ErrorKind kind) {
        return GatewayEnvelope.status(kind);
    }

    @Override
    public Response render(GatewayException error, String reference) {
        return GatewayEnvelope.render(error, reference);
    }
}
