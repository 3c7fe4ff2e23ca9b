package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;

/** Recoup's credential forms: exactly one of {@code x-api-key} (an {@code rcp_…} key) or a Bearer JWT. */
final class RecoupCredentials {
    static final String API_KEY_HEADER = "x-api-key";
    static final String KEY_PREFIX = "rcp_";

    private RecoupCredentials() {}

    static Principal principal(Caller caller) {
        List<String> key = caller.headers(API_KEY_HEADER);
        List<String> authorization = caller.headers(HttpHeaders.AUTHORIZATION);
        if (!key.isEmpty() && !authorization.isEmpty()) {
            throw GatewayException.unauthenticated("send exactly one of x-api-key or Authorization, not both");
        }
        if (!key.isEmpty()) {
            return caller.apiKey(
                    RecoupDialect.NAME, Caller.single(key, API_KEY_HEADER).strip());
        }
        if (!authorization.isEmpty()) {
            return caller.bearer(Caller.single(authorization, HttpHeaders.AUTHORIZATION));
        }
        throw GatewayException.unauthenticated("missing x-api-key or Authorization: Bearer token");
    }
}
