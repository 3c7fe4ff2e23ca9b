package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's configuration, grouped like its keys: built-in defaults ({@code reference.conf}, which lists every
 * key and the environment variable beside it), then an optional file, then environment variables, each layer
 * overriding the one before. Read once at start.
 *
 * @param dataDir {@code gateway.data-dir}: the H2 database file and the generated dev secret
 * @param http {@code gateway.port}, {@code gateway.bind}, {@code gateway.http.*}
 * @param db {@code gateway.db.*}
 * @param auth {@code gateway.auth.*}
 * @param ops {@code gateway.health.*}, {@code gateway.metrics.*}
 * @param dialects {@code gateway.dialects.<name>.*}, by dialect name
 * @param testing {@code gateway.fixtures}, {@code gateway.testing.*}
 */
public record GatewayConfig(
        Path dataDir,
        HttpSettings http,
        DbSettings db,
        AuthSettings auth,
        OpsSettings ops,
        Map<String, DialectSettings> dialects,
        TestingSettings testing) {

    public GatewayConfig {
        dialects = Map.copyOf(dialects);
    }

    /** The same configuration with another fixtures file ({@code serve --fixtures FILE}). */
    public GatewayConfig withFixtures(Path file) {
        return new GatewayConfig(dataDir, http, db, auth, ops, dialects, testing.withFixtures(file));
    }

    /**
     * Loads the configuration.
     *
     * @param file a config file, or null for {@code GATEWAY_CONFIG} or none
     * @param env the environment (System.getenv() in production; a map in tests)
     * @throws IllegalArgumentException naming the key when a value is missing, malformed or out of range
     */
    public static GatewayConfig load(Path file, Map<String, String> env) {
        Path configFile = file != null
                ? file
                : env.containsKey("GATEWAY_CONFIG")
                                && !env.get("GATEWAY_CONFIG").isBlank()
                        ? Path.of(env.get("GATEWAY_CONFIG"))
                        : null;
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("config file not found: " + configFile);
        }
        try {
            return from(ConfigLayers.load(configFile, env).getConfig("gateway"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /**
     * Every environment variable that sets a key, with that key ({@code GATEWAY_PORT} -> {@code gateway.port}), as
     * {@code reference.conf} binds them. {@code GATEWAY_CONFIG} names the file and is not among them.
     */
    public static Map<String, String> environmentVariables() {
        return ConfigLayers.variables();
    }

    private static GatewayConfig from(Config g) {
        Map<String, DialectSettings> dialects = new LinkedHashMap<>();
        Config d = g.getConfig("dialects");
        for (String name : d.root().keySet()) {
            dialects.put(name, DialectSettings.from(name, d.getConfig(name)));
        }
        return new GatewayConfig(
                Path.of(g.getString("data-dir")),
                HttpSettings.from(g),
                DbSettings.from(g),
                AuthSettings.from(g.getConfig("auth")),
                OpsSettings.from(g),
                dialects,
                TestingSettings.from(g));
    }

    /** Blank to null: an empty string in {@code reference.conf} means "not set". */
    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        // Never print secrets: db and auth redact theirs.
        return "GatewayConfig[dataDir=" + dataDir + ", http=" + http + ", db=" + db + ", auth=" + auth + ", ops=" + ops
                + ", dialects=" + dialects + ", testing=" + testing + "]";
    }
}
