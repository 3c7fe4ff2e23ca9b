package io.sessiongateway.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.load(null, Map.of());
        assertEquals(8080, c.port());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals("", c.dbUrl());
        assertEquals(null, c.jwtSecret());
        assertEquals(Duration.ofSeconds(60), c.clockSkew());
        assertEquals(Set.of("user", "serviceaccount", "virtualaccount"), c.sessionCreatorTypes());
        assertEquals(1048576, c.maxBodyBytes());
        assertTrue(c.dialects().get("truefoundry").enabled());
        assertEquals("", c.dialects().get("truefoundry").prefix());
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, """
                gateway {
                  port = 9000
                  data-dir = "/var/lib/gateway"
                  http.max-body-bytes = 64KiB
                  dialects.truefoundry { enabled = false, prefix = "/tf" }
                }
                """);
        GatewayConfig fromFile = GatewayConfig.load(file, Map.of());
        assertEquals(9000, fromFile.port());
        assertEquals(65536, fromFile.maxBodyBytes());
        assertFalse(fromFile.dialects().get("truefoundry").enabled());
        assertEquals("/tf", fromFile.dialects().get("truefoundry").prefix());

        GatewayConfig env = GatewayConfig.load(null, Map.of(
                "GATEWAY_CONFIG", file.toString(),
                "GATEWAY_PORT", "9100",
                "GATEWAY_DATA_DIR", "/tmp/x",
                "GATEWAY_SESSION_CREATOR_TYPES", "user, robot",
                "GATEWAY_DIALECT_TRUEFOUNDRY_ENABLED", "true",
                "GATEWAY_JWT_SECRET", "s".repeat(32)));
        assertEquals(9100, env.port());
        assertEquals(Path.of("/tmp/x"), env.dataDir());
        assertEquals(Set.of("user", "robot"), env.sessionCreatorTypes());
        assertTrue(env.dialects().get("truefoundry").enabled());
        assertEquals("/tf", env.dialects().get("truefoundry").prefix());
        assertFalse(env.toString().contains("ssss"), "secrets never printed");
    }

    @Test
    void invalidValuesAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_PORT", "eighty")));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_PORT", "70000")));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_TRUEFOUNDRY_PREFIX", "tf/")));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(dir.resolve("missing.conf"), Map.of()));
    }

    @Test
    void dialectVersionDefaultsToTheSeedAndIsChecked() throws Exception {
        assertEquals("seed", GatewayConfig.load(null, Map.of()).dialects().get("everruns").version());
        assertEquals("seed", GatewayConfig.load(null, Map.of()).dialects().get("truefoundry").version());
        assertEquals("0.2", GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.2"))
                .dialects().get("everruns").version());
        Path file = dir.resolve("version.conf");
        Files.writeString(file, "gateway.dialects.everruns.version = \"0.2\"\n");
        assertEquals("0.2", GatewayConfig.load(file, Map.of()).dialects().get("everruns").version());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_EVERRUNS_VERSION", "0.9")));
        assertTrue(e.getMessage().contains("[seed, 0.2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DIALECT_TRUEFOUNDRY_VERSION", "0.2")));
    }

    @Test
    void databaseStartupTimeoutDefaultsTo30sAndZeroMeansNoWait() {
        assertEquals(Duration.ofSeconds(30), GatewayConfig.load(null, Map.of()).ops().dbStartupTimeout());
        assertEquals(Duration.ZERO,
                GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "0")).ops().dbStartupTimeout());
        assertEquals(Duration.ofMinutes(2),
                GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "2m")).ops().dbStartupTimeout());
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.load(null, Map.of("GATEWAY_DB_STARTUP_TIMEOUT", "-1s")));
    }
}
