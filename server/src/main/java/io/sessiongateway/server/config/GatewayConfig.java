package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's configuration: built-in defaults ({@code reference.conf}), then an optional file, then environment
 * variables, each layer overriding the one before. Read once at start.
 */
public record GatewayConfig(
        int port,
        String bind,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        Duration dbConnectTimeout,
        String jwtSecret,
        String jwtIssuer,
        Duration clockSkew,
        Set<String> sessionCreatorTypes,
        long maxBodyBytes,
        Map<String, DialectSettings> dialects,
        String recoupAgent,
        OpsSettings ops,
        JwtSettings jwt) {

    /**
     * Whether and where a dialect is mounted, and which version of the vendor's API it speaks ({@code seed}, the
     * seed document's shapes, unless {@code gateway.dialects.<name>.version} names another of {@link #VERSIONS}).
     */
    public record DialectSettings(boolean enabled, String prefix, String version) {
    }

    /** The API versions each dialect can speak; the first is the default. */
    public static final Map<String, List<String>> VERSIONS = Map.of("everruns", List.of("seed", "0.2"));

    /** Environment variable -> config path, for every key documented in reference.conf. */
    static final Map<String, String> ENV = withJwt(Map.ofEntries(
            Map.entry("GATEWAY_PORT", "gateway.port"),
            Map.entry("GATEWAY_BIND", "gateway.bind"),
            Map.entry("GATEWAY_DATA_DIR", "gateway.data-dir"),
            Map.entry("GATEWAY_DB_URL", "gateway.db.url"),
            Map.entry("GATEWAY_DB_USER", "gateway.db.user"),
            Map.entry("GATEWAY_DB_PASSWORD", "gateway.db.password"),
            Map.entry("GATEWAY_DB_POOL_SIZE", "gateway.db.pool-size"),
            Map.entry("GATEWAY_DB_CONNECT_TIMEOUT", "gateway.db.connect-timeout"),
            Map.entry("GATEWAY_DB_STARTUP_TIMEOUT", "gateway.db.startup-timeout"),
            Map.entry("GATEWAY_JWT_SECRET", "gateway.auth.jwt-secret"),
            Map.entry("GATEWAY_JWT_ISSUER", "gateway.auth.issuer"),
            Map.entry("GATEWAY_JWT_CLOCK_SKEW", "gateway.auth.clock-skew"),
            Map.entry("GATEWAY_SESSION_CREATOR_TYPES", "gateway.auth.session-creator-types"),
            Map.entry("GATEWAY_MAX_BODY_BYTES", "gateway.http.max-body-bytes"),
            Map.entry("GATEWAY_RECOUP_AGENT", "gateway.recoup.agent"),
            Map.entry("GATEWAY_SHUTDOWN_GRACE", "gateway.http.shutdown-grace"),
            Map.entry("GATEWAY_WORKER_THREADS", "gateway.http.worker-threads"),
            Map.entry("GATEWAY_READY_TIMEOUT", "gateway.health.ready-timeout"),
            Map.entry("GATEWAY_METRICS_ENABLED", "gateway.metrics.enabled"),
            Map.entry("GATEWAY_METRICS_PATH", "gateway.metrics.path")));

    private static Map<String, String> withJwt(Map<String, String> base) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(JwtSettings.ENV);
        return Map.copyOf(all);
    }

    /**
     * Loads the configuration.
     *
     * @param file a config file, or null for {@code GATEWAY_CONFIG} or none
     * @param env the environment (System.getenv() in production; a map in tests)
     */
    public static GatewayConfig load(Path file, Map<String, String> env) {
        Config defaults = ConfigFactory.defaultReference(GatewayConfig.class.getClassLoader());
        Path configFile = file != null ? file
                : env.containsKey("GATEWAY_CONFIG") && !env.get("GATEWAY_CONFIG").isBlank()
                        ? Path.of(env.get("GATEWAY_CONFIG")) : null;
        Config fromFile = ConfigFactory.empty();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("config file not found: " + configFile);
            }
            fromFile = ConfigFactory.parseFile(configFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        }
        Config config = fromEnv(env, defaults.withFallback(ConfigFactory.empty()))
                .withFallback(fromFile)
                .withFallback(defaults)
                .resolve();
        try {
            return from(config.getConfig("gateway"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    private static Config fromEnv(Map<String, String> env, Config defaults) {
        Map<String, Object> values = new LinkedHashMap<>();
        ENV.forEach((var, path) -> {
            String v = env.get(var);
            if (v != null) {
                values.put(path, path.endsWith("session-creator-types") || JwtSettings.LIST_PATHS.contains(path)
                        ? Arrays.stream(v.split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList() : v);
            }
        });
        for (String dialect : defaults.getConfig("gateway.dialects").root().keySet()) {
            String base = "GATEWAY_DIALECT_" + dialect.toUpperCase(Locale.ROOT);
            if (env.containsKey(base + "_ENABLED")) {
                values.put("gateway.dialects." + dialect + ".enabled", env.get(base + "_ENABLED"));
            }
            if (env.containsKey(base + "_PREFIX")) {
                values.put("gateway.dialects." + dialect + ".prefix", env.get(base + "_PREFIX"));
            }
            if (env.containsKey(base + "_VERSION")) {
                values.put("gateway.dialects." + dialect + ".version", env.get(base + "_VERSION"));
            }
        }
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "environment"));
        }
        return c;
    }

    private static GatewayConfig from(Config g) {
        Map<String, DialectSettings> dialects = new LinkedHashMap<>();
        Config d = g.getConfig("dialects");
        for (String name : d.root().keySet()) {
            String prefix = d.getString(name + ".prefix").strip();
            if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("{"))) {
                throw new IllegalArgumentException("dialects." + name + ".prefix must be empty or like /path: "
                        + prefix);
            }
            List<String> versions = VERSIONS.getOrDefault(name, List.of("seed"));
            String version = d.hasPath(name + ".version") ? d.getString(name + ".version").strip() : "";
            if (version.isEmpty()) {
                version = versions.get(0);
            } else if (!versions.contains(version)) {
                throw new IllegalArgumentException("dialects." + name + ".version must be one of " + versions + ": "
                        + version);
            }
            dialects.put(name, new DialectSettings(d.getBoolean(name + ".enabled"), prefix, version));
        }
        int port = g.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        long maxBody = g.getBytes("http.max-body-bytes");
        if (maxBody < 1024) {
            throw new IllegalArgumentException("http.max-body-bytes must be at least 1024");
        }
        List<String> creators = g.getStringList("auth.session-creator-types");
        return new GatewayConfig(
                port,
                g.getString("bind"),
                Path.of(g.getString("data-dir")),
                g.getString("db.url"),
                blankToNull(g.getString("db.user")),
                blankToNull(g.getString("db.password")),
                g.getInt("db.pool-size"),
                g.getDuration("db.connect-timeout"),
                blankToNull(g.getString("auth.jwt-secret")),
                g.getString("auth.issuer"),
                g.getDuration("auth.clock-skew"),
                Set.copyOf(creators.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()),
                maxBody,
                Map.copyOf(dialects),
                g.getString("recoup.agent"),
                OpsSettings.from(g),
                JwtSettings.from(g.getConfig("auth")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A copy listening on another port (tests use 0). */
    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(newPort, bind, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, dbConnectTimeout,
                jwtSecret, jwtIssuer, clockSkew, sessionCreatorTypes, maxBodyBytes, dialects, recoupAgent, ops, jwt);
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "GatewayConfig[port=" + port + ", bind=" + bind + ", dataDir=" + dataDir + ", db="
                + (dbUrl == null || dbUrl.isBlank() ? "h2-file" : dbUrl.replaceAll("password=[^&;]*", "password=***"))
                + ", dialects=" + dialects + "]";
    }
}
