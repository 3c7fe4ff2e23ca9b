package io.sessiongateway.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.server.Dialects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.load(null, Map.of());
        assertEquals(8080, c.http().port());
        assertEquals("0.0.0.0", c.http().bind());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals("", c.db().url());
        assertFalse(c.db().hasUrl());
        assertEquals(null, c.auth().jwtSecret());
        assertEquals(Duration.ofSeconds(60), c.auth().clockSkew());
        assertEquals(
                Set.of("user", "serviceaccount", "virtualaccount"), c.auth().sessionCreatorTypes());
        assertEquals(1048576, c.http().maxBodyBytes());
        assertEquals(Duration.ofSeconds(10), c.http().shutdownGrace());
        // Request threads: 2 x cores on H2 (no pool to match), on PostgreSQL at least the pool size (default 10).
        assertEquals(4, c.http().workerThreads(2, 0));
        assertEquals(10, c.http().workerThreads(2, c.db().poolSize()));
        assertEquals(16, c.http().workerThreads(8, c.db().poolSize()));
        assertEquals(Duration.ofSeconds(2), c.ops().readyTimeout());
        assertEquals(
                Set.of("truefoundry", "everruns", "agentcloud", "recoup", "admin", "runtime"),
                c.dialects().keySet());
        assertEquals(
                new DialectSettings(true, "", Map.of("version", "seed")),
                c.dialects().get("truefoundry"));
        assertEquals(
                new DialectSettings(true, "", Map.of("version", "seed", "agent", "recoup")),
                c.dialects().get("recoup"));
        assertEquals(new DialectSettings(true, "", Map.of()), c.dialects().get("admin"));
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, """
                gateway {
                  port = 9000
                  data-dir = "/var/lib/gateway"
                  http.max-body-bytes = 64KiB
                  auth.session-creator-types = [user]
                  dialects.truefoundry { enabled = false, prefix = "/tf" }
                }
                """);
        GatewayConfig fromFile = GatewayConfig.load(file, Map.of());
        assertEquals(9000, fromFile.http().port());
        assertEquals(65536, fromFile.http().maxBodyBytes());
        assertEquals(Set.of("user"), fromFile.auth().sessionCreatorTypes());
        assertFalse(fromFile.dialects().get("truefoundry").enabled());
        assertEquals("/tf", fromFile.dialects().get("truefoundry").prefix());

        Map<String, String> env = Map.of(
                "GATEWAY_PORT", "9100",
                "GATEWAY_DATA_DIR", "/tmp/x",
                "GATEWAY_SESSION_CREATOR_TYPES", "user, robot",
                "GATEWAY_DIALECT_TRUEFOUNDRY_ENABLED", "true",
                "GATEWAY_JWT_SECRET", "s".repeat(32));
        // The same whether the file is named by --config or by GATEWAY_CONFIG.
        GatewayConfig byVariable = GatewayConfig.load(null, with(env, "GATEWAY_CONFIG", file.toString()));
        GatewayConfig byOption = GatewayConfig.load(file, env);
        for (GatewayConfig c : new GatewayConfig[] {byVariable, byOption}) {
            assertEquals(9100, c.http().port(), "the environment wins over the file");
            assertEquals(Path.of("/tmp/x"), c.dataDir());
            assertEquals(Set.of("user", "robot"), c.auth().sessionCreatorTypes());
            assertTrue(c.dialects().get("truefoundry").enabled());
            assertEquals("/tf", c.dialects().get("truefoundry").prefix(), "the file wins over the defaults");
            assertEquals(65536, c.http().maxBodyBytes());
            assertFalse(c.toString().contains("ssss"), "secrets never printed");
        }
        assertEquals(byVariable, byOption);
    }

    @Test
    void aFileMayReadTheEnvironmentItself() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, """
                gateway.db { url = "jdbc:postgresql://db:5432/gateway", user = gateway, password = ${?DB_PASSWORD} }
                """);
        DbSettings db =
                GatewayConfig.load(file, Map.of("DB_PASSWORD", "hunter2")).db();
        assertEquals("hunter2", db.password());
        assertEquals(null, GatewayConfig.load(file, Map.of()).db().password());
        assertFalse(db.toString().contains("hunter2"), db.toString());
    }

    @Test
    void theRecoupAgentIsADialectKeyAndItsOlderNamesStillWork() throws Exception {
        assertEquals(Optional.of("recoup"), agent(null, Map.of()));
        assertEquals(Optional.of("a1"), agent(null, Map.of("GATEWAY_DIALECT_RECOUP_AGENT", "a1")));
        assertEquals(Optional.of("a2"), agent(null, Map.of("GATEWAY_RECOUP_AGENT", "a2")));
        assertEquals(
                Optional.of("a1"),
                agent(null, Map.of("GATEWAY_DIALECT_RECOUP_AGENT", "a1", "GATEWAY_RECOUP_AGENT", "a2")),
                "the newer variable wins");

        Path old = dir.resolve("old.conf");
        Files.writeString(old, "gateway.recoup.agent = f1");
        assertEquals(Optional.of("f1"), agent(old, Map.of()));
        Path both = dir.resolve("both.conf");
        Files.writeString(both, "gateway { recoup.agent = f1, dialects.recoup.agent = f2 }");
        assertEquals(Optional.of("f2"), agent(both, Map.of()), "the newer key wins");
        assertEquals(
                Optional.of("a2"),
                agent(both, Map.of("GATEWAY_RECOUP_AGENT", "a2")),
                "either variable wins over the file");
        assertEquals(
                Optional.empty(),
                GatewayConfig.load(null, Map.of()).dialects().get("everruns").option("agent"));
    }

    @Test
    void aDialectsOwnKeysAreReadByName() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, "gateway.dialects.everruns { greeting = hello, limit = 3 }");
        DialectSettings everruns = GatewayConfig.load(file, Map.of()).dialects().get("everruns");
        assertEquals(Optional.of("hello"), everruns.option("greeting"));
        assertEquals(Optional.of("3"), everruns.option("limit"));
        assertEquals(Optional.empty(), everruns.option("missing"));
        Files.writeString(file, "gateway.dialects.everruns.greeting = [a, b]");
        assertEquals(
                "dialects.everruns.greeting must be a single value",
                assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(file, Map.of()))
                        .getMessage());
    }

    @Test
    void everyVendorDialectServesTheSeedVersionAndNoOther() {
        GatewayConfig c = GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "seed"));
        for (String dialect : Set.of("truefoundry", "everruns", "agentcloud", "recoup")) {
            assertEquals(Optional.of("seed"), c.dialects().get(dialect).option("version"), dialect);
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Dialects.checkVersions(
                        GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "2025-01"))));
        assertEquals(
                "dialects.everruns.version: '2025-01' is not served; this dialect serves [seed, 0.2]", e.getMessage());
    }

    @Test
    void invalidValuesAreClearErrors() throws Exception {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GatewayConfig.load(null, Map.of("GATEWAY_PORT", "eighty")));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(null, Map.of("GATEWAY_PORT", "70000")));
        assertThrows(
                IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_TRUEFOUNDRY_PREFIX", "tf/")));
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(dir.resolve("missing.conf"), Map.of()));
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "gateway { port = ");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(broken, Map.of()))
                .getMessage()
                .startsWith("invalid configuration: "));
        Path unresolved = dir.resolve("unresolved.conf");
        Files.writeString(unresolved, "gateway.db.password = ${DB_PASSWORD}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(unresolved, Map.of()))
                .getMessage()
                .contains("DB_PASSWORD"));
    }

    @Test
    void dialectVersionDefaultsToTheSeedAndIsChecked() throws Exception {
        assertEquals(
                "seed",
                GatewayConfig.load(null, Map.of()).dialects().get("everruns").version());
        assertEquals(
                "seed",
                GatewayConfig.load(null, Map.of()).dialects().get("truefoundry").version());
        assertEquals(
                "0.2",
                GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.2"))
                        .dialects()
                        .get("everruns")
                        .version());
        Path file = dir.resolve("version.conf");
        Files.writeString(file, "gateway.dialects.everruns.version = \"0.2\"\n");
        assertEquals(
                "0.2",
                GatewayConfig.load(file, Map.of()).dialects().get("everruns").version());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Dialects.checkVersions(
                        GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.9"))));
        assertTrue(e.getMessage().contains("[seed, 0.2]"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Dialects.checkVersions(
                        GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_TRUEFOUNDRY_VERSION", "0.2"))));
    }

    @Test
    void databaseStartupTimeoutDefaultsTo30sAndZeroMeansNoWait() {
        assertEquals(
                Duration.ofSeconds(30), GatewayConfig.load(null, Map.of()).db().startupTimeout());
        assertEquals(
                Duration.ZERO,
                GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "0"))
                        .db()
                        .startupTimeout());
        assertEquals(
                Duration.ofMinutes(2),
                GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "2m"))
                        .db()
                        .startupTimeout());
        assertThrows(
                IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "-1s")));
    }

    @Test
    void referenceConfBindsEachVariableToOneKey() {
        Map<String, String> variables = GatewayConfig.environmentVariables();
        assertEquals("gateway.port", variables.get("GATEWAY_PORT"));
        assertEquals("gateway.auth.algorithms", variables.get("GATEWAY_JWT_ALGORITHMS"));
        assertEquals("gateway.dialects.truefoundry.prefix", variables.get("GATEWAY_DIALECT_TRUEFOUNDRY_PREFIX"));
        assertEquals("gateway.dialects.recoup.agent", variables.get("GATEWAY_DIALECT_RECOUP_AGENT"));
        assertEquals("gateway.dialects.recoup.agent", variables.get("GATEWAY_RECOUP_AGENT"));
        assertFalse(variables.containsKey("GATEWAY_CONFIG"));
        assertTrue(variables.keySet().stream().allMatch(v -> v.startsWith("GATEWAY_")), variables.toString());
        assertEquals(66, variables.size(), variables.toString());
    }

    private static Optional<String> agent(Path file, Map<String, String> env) {
        return GatewayConfig.load(file, env).dialects().get("recoup").option("agent");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> all = new HashMap<>(env);
        all.put(name, value);
        return all;
    }
}
