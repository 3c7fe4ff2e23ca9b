package io.sessiongateway.server;

import io.sessiongateway.adapters.agentcloud.AgentcloudDialect;
import io.sessiongateway.adapters.everruns.EverrunsDialect;
import io.sessiongateway.adapters.everruns.EverrunsMapper;
import io.sessiongateway.adapters.recoup.RecoupDialect;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.truefoundry.TrueFoundryDialect;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.server.auth.DevSecret;
import io.sessiongateway.server.config.DialectSettings;
import io.sessiongateway.server.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The registry of vendor dialects: the one place in the server that names them. Everything else (API key forms,
 * null policy, status projections, mounting) is read from what each registered dialect declares. A new dialect is
 * one line here.
 */
public final class Dialects {
    private Dialects() {}

    /**
     * Every vendor dialect, over the core's services and with its own settings, in mounting order. Constructing a
     * dialect does no work, so the command line also builds them without services (and configuration) to read their
     * declarations.
     */
    /**
     * Refuses a configured {@code gateway.dialects.<name>.version} that its dialect does not serve (at start, with
     * the key named).
     */
    public static void checkVersions(GatewayConfig config) {
        for (Dialect d : vendors(null, null, null)) {
            DialectSettings settings = config.dialects().get(d.name());
            String version =
                    settings == null ? null : settings.option("version").orElse(null);
            if (version != null && !d.versions().contains(version)) {
                throw new IllegalArgumentException("dialects." + d.name() + ".version: '" + version
                        + "' is not served; this dialect serves " + d.versions());
            }
        }
    }

    public static List<Dialect> vendors(SessionService sessions, AgentService agents, GatewayConfig config) {
        return vendors(sessions, agents, null, null, config);
    }

    /**
     * Every vendor dialect with the conversation services its turn and message operations need (null where only the
     * declarations are read).
     */
    public static List<Dialect> vendors(
            SessionService sessions,
            AgentService agents,
            ConversationService conversations,
            EventStreams streams,
            GatewayConfig config) {
        if (config != null) {
            checkVersions(config);
        }
        return List.of(
                config == null
                        ? new TrueFoundryDialect(sessions)
                        : new TrueFoundryDialect(
                                sessions, pageTokens(config), Clock.systemUTC(), conversations, streams),
                config == null
                        ? new EverrunsDialect(sessions)
                        : new EverrunsDialect(
                                sessions,
                                pageTokens(config),
                                EverrunsMapper.Shape.of(config.dialects()
                                        .get(EverrunsDialect.NAME)
                                        .version()),
                                streams),
                new AgentcloudDialect(sessions),
                new RecoupDialect(
                        sessions,
                        agents,
                        config == null
                                ? null
                                : config.dialects()
                                        .get("recoup")
                                        .option("agent")
                                        .orElseThrow()));
    }

    /**
     * Signs the page tokens of lists with a key derived from the server's secret (never the secret itself), so that
     * every instance sharing the secret accepts every instance's tokens.
     */
    static PageTokens pageTokens(GatewayConfig config) {
        byte[] secret = DevSecret.resolve(config.auth().jwtSecret(), config.dataDir());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return new PageTokens(mac.doFinal("session-gateway page tokens".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
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
