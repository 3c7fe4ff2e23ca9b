package io.sessiongateway.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three stores, and the extension started and stopped by hand (outside JUnit's callbacks). */
class StoresIT {
    @TempDir
    Path dir;

    private static JsonNode agents(SessionGatewayExtension gateway, String tenant) {
        return gateway.admin().get("/admin/v1/tenants/" + tenant + "/agents", gateway.adminToken(tenant));
    }

    @Test
    void inMemoryIsFreshOnEveryStart() throws Exception {
        SessionGatewayExtension gateway = SessionGatewayExtension.builder().build();
        try (SessionGatewayExtension g = gateway.start()) {
            g.createAgent("acme", "helper");
            assertEquals(1, agents(g, "acme").path("data").size());
            assertEquals(200, Http.get(g.baseUrl() + "/health/live", Map.of()).status());
        }
        assertFalse(gateway.isRunning());
        // (not asserted: that the port refuses connections now; on a busy machine another process may take it)
        IllegalStateException e = assertThrows(IllegalStateException.class, gateway::port);
        assertTrue(e.getMessage().startsWith("the Session Gateway is not running"), e.getMessage());
        try (SessionGatewayExtension g = gateway.start()) {
            assertEquals(0, agents(g, "acme").path("data").size(), "a new in-memory database");
            IllegalStateException twice = assertThrows(IllegalStateException.class, g::start);
            assertTrue(twice.getMessage().startsWith("the Session Gateway is running already"));
        }
    }

    @Test
    void anH2DirectoryKeepsItsDataAcrossStarts() {
        SessionGatewayExtension gateway =
                SessionGatewayExtension.builder().h2File(dir).build();
        try (SessionGatewayExtension g = gateway.start()) {
            g.createAgent("acme", "helper");
        }
        assertTrue(Files.isRegularFile(dir.resolve("gateway.mv.db")));
        try (SessionGatewayExtension g = gateway.start()) {
            assertEquals(
                    "helper",
                    agents(g, "acme").path("data").path(0).path("name").asText());
        }
    }

    @Test
    void aJdbcUrlIsUsedAsGiven() {
        String url = "jdbc:h2:file:" + dir.resolve("given")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        SessionGatewayExtension gateway =
                SessionGatewayExtension.builder().jdbc(url, "sa", "").build();
        try (SessionGatewayExtension g = gateway.start()) {
            g.createAgent("acme", "helper");
        }
        assertTrue(Files.isRegularFile(dir.resolve("given.mv.db")));
        try (SessionGatewayExtension g = gateway.start()) {
            assertEquals(1, agents(g, "acme").path("data").size());
        }
    }

    @Test
    void aTemporaryH2FileIsDeletedWithTheGateway() {
        SessionGatewayExtension gateway =
                SessionGatewayExtension.builder().h2File().build();
        Path data;
        try (SessionGatewayExtension g = gateway.start()) {
            data = g.config().dataDir();
            assertTrue(Files.isRegularFile(data.resolve("gateway.mv.db")));
        }
        assertFalse(Files.exists(data));
    }

    @Test
    void badSettingsFailAtBuildOrStart() {
        IllegalArgumentException key = assertThrows(
                IllegalArgumentException.class,
                () -> SessionGatewayExtension.builder().property("port", 1));
        assertEquals("configuration keys start with gateway.: port", key.getMessage());
        SessionGatewayExtension missing = SessionGatewayExtension.builder()
                .fixtures("no-such-fixtures.yaml")
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, missing::start);
        assertEquals(
                "fixtures not found, neither as a file nor as a classpath resource: no-such-fixtures.yaml",
                e.getMessage());
        assertFalse(missing.isRunning());
    }
}
