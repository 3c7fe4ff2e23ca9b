package io.sessiongateway.server.ops;

import io.sessiongateway.generated.health.api.HealthApi;
import io.sessiongateway.generated.health.model.Check;
import io.sessiongateway.generated.health.model.Liveness;
import io.sessiongateway.generated.health.model.Readiness;
import io.sessiongateway.generated.health.model.ReadinessChecks;
import io.sessiongateway.server.ops.Readiness.Result;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/** {@code GET /health/live} and {@code GET /health/ready} of {@code specs/admin/health.yaml}. */
final class HealthAdapter implements HealthApi {
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final io.sessiongateway.server.ops.Readiness readiness;

    HealthAdapter(io.sessiongateway.server.ops.Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public Response getLiveness() {
        return Response.ok(new Liveness().status(Liveness.StatusEnum.UP), MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(NO_STORE)
                .build();
    }

    @Override
    public Response getReadiness() {
        Result result = readiness.check();
        Readiness body = new Readiness()
                .status(result.ready() ? Readiness.StatusEnum.UP : Readiness.StatusEnum.DOWN)
                .checks(new ReadinessChecks()
                        .database(check(result.database()))
                        .migrations(check(result.migrations())));
        return Response.status(result.ready() ? 200 : 503)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body)
                .cacheControl(NO_STORE)
                .build();
    }

    private static Check check(io.sessiongateway.server.ops.Readiness.Check c) {
        return new Check()
                .status(Check.StatusEnum.fromValue(c.status().name().toLowerCase(Locale.ROOT)))
                .detail(c.detail())
                .durationMs(c.durationMs() == null ? null : (int) Math.min(Integer.MAX_VALUE, c.durationMs()));
    }
}
