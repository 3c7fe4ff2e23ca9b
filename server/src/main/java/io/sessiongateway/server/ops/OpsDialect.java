package io.sessiongateway.server.ops;

import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.adapters.spi.Mount;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.health.api.HealthApi;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The gateway's own operations endpoints as a pseudo-dialect: it owns {@code /health/**} and the metrics path, so
 * that errors there (unknown path, wrong method) come in the gateway's envelope and are never claimed by a vendor
 * dialect whose patterns would match ({@code /{tenant}/v1/agents}, {@code /{team}/session}). It must be mounted first. The metrics endpoint itself is mounted separately, at its
 * configured path.
 */
public final class OpsDialect implements Dialect {
    /** Name in metrics and logs. */
    public static final String NAME = "ops";

    private final HealthAdapter health;
    private final String metricsPath;

    OpsDialect(HealthAdapter health, String metricsPath) {
        this.health = health;
        this.metricsPath = metricsPath;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Mount> mounts() {
        return List.of(new Mount(HealthApi.class, health, ""));
    }

    @Override
    public boolean claims(String path) {
        return under(path, "/health") || (metricsPath != null && under(path, metricsPath));
    }

    private static boolean under(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
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
