package io.sessiongateway.adapters.everruns;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Principal;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Everruns' credential forms, all in {@code Authorization}: {@code Bearer <jwt>}, or an API key ({@code evr_…})
 * bare, after {@code ApiKey}, or after {@code Bearer}.
 */
final class EverrunsCredentials {
    /** Everruns' real keys start with it. */
    static final String KEY_PREFIX = "evr_";

    private EverrunsCredentials() {}

    static Principal principal(Caller caller) {
        List<String> authorization = caller.headers(HttpHeaders.AUTHORIZATION);
        if (authorization.isEmpty()) {
            throw GatewayException.unauthenticated("missing authentication token or API key");
        }
        String value = Caller.single(authorization, HttpHeaders.AUTHORIZATION).strip();
        if (value.startsWith(KEY_PREFIX)) {
            return caller.apiKey(EverrunsDialect.NAME, value);
        }
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : value.substring(space + 1).strip();
        if (scheme.equals("apikey")) {
            return caller.apiKey(EverrunsDialect.NAME, rest);
        }
        if (scheme.equals("bearer") && rest.startsWith(KEY_PREFIX)) {
            return caller.apiKey(EverrunsDialect.NAME, rest);
        }
        return caller.bearer(value);
    }
}
