package io.sessiongateway.server;

import io.sessiongateway.adapters.agentcloud.AgentcloudDialect;
import io.sessiongateway.adapters.everruns.EverrunsDialect;
import io.sessiongateway.adapters.recoup.RecoupDialect;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.truefoundry.TrueFoundryDialect;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.server.config.GatewayConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of vendor dialects: the one place in the server that names them. Everything else (API key forms,
 * null policy, status projections, mounting) is read from what each registered dialect declares. A new dialect is
 * one line here.
 */
public final class Dialects {
    private Dialects() {
    }

    /**
     * Every vendor dialect, over the core's services and with its own settings, in mounting order. Constructing a
     * dialect does no work, so the command line also builds them without services (and configuration) to read their
     * declarations.
     */
    public static List<Dialect> vendors(SessionService sessions, AgentService agents, GatewayConfig config) {
        return List.of(
                new TrueFoundryDialect(sessions),
                new EverrunsDialect(sessions),
                new AgentcloudDialect(sessions),
                new RecoupDialect(sessions, agents, config == null ? null : config.dialects().get("recoup").option("agent").orElseThrow()));
    }

    /** API key prefix by key form (the dialect's name), for the dialects that take API keys. */
    public static Map<String, String> apiKeyPrefixes(List<Dialect> dialects) {
        Map<String, String> prefixes = new TreeMap<>();
        for (Dialect d : dialects) {
            d.apiKeyPrefix().ifPresent(prefix -> prefixes.put(d.name(), prefix));
        }
        return prefixes;
    }

    /** The API key forms, sorted: the names of the registered dialects that take API keys. */
    public static List<String> apiKeyForms() {
        return List.copyOf(apiKeyPrefixes(vendors(null, null, null)).keySet());
    }
}
