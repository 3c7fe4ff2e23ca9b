package io.sessiongateway.adapters.runtime;

import io.sessiongateway.adapters.spi.BaseDialect;
import io.sessiongateway.adapters.spi.GatewayEnvelope;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.RuntimeService;
import io.sessiongateway.generated.runtime.api.RuntimeApi;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * The runtime API ({@code specs/runtime/runtime.yaml}): external workers claim turns, stream output and finish them,
 * in the gateway's own envelope ({@link GatewayEnvelope}). It takes worker keys ({@code sgw_wk_…}) and worker JWTs
 * only.
 */
public final class RuntimeDialect extends BaseDialect {
    public static final String NAME = ApiKeyService.WORKER_FORM;
    /** Worker API keys start with it. */
    public static final String KEY_PREFIX = "sgw_wk_";

    /** @param runtime null when only the dialect's declarations are read (the command line) */
    public RuntimeDialect(RuntimeService runtime) {
        super(NAME, "^/runtime(/.*)?$", new RuntimeAdapter(runtime), "", RuntimeApi.class);
    }

    @Override
    public Optional<String> apiKeyPrefix() {
        return Optional.of(KEY_PREFIX);
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
