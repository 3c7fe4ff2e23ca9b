package io.sessiongateway.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered on an instance field: a gateway of its own for each test, stopped after it. */
class PerTestGatewayIT {
    static SessionGatewayExtension last;

    @RegisterExtension
    final SessionGatewayExtension gateway = SessionGatewayExtension.builder().build();

    @Test
    void eachTestHasAFreshGateway() {
        assertTrue(gateway.isRunning());
        gateway.createAgent("acme", "helper");
        assertEquals(
                1,
                gateway.admin()
                        .get("/admin/v1/tenants/acme/agents", gateway.adminToken("acme"))
                        .path("data")
                        .size());
        last = gateway;
    }

    @AfterAll
    static void stoppedAfterTheTest() {
        assertTrue(last != null && !last.isRunning());
    }
}
