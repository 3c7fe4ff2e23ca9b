package io.sessiongateway.core.store;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store contract on a real PostgreSQL server, named by {@code GATEWAY_TEST_PG_URL} (and
 * {@code GATEWAY_TEST_PG_USER}, {@code GATEWAY_TEST_PG_PASSWORD}); {@code .ci/run} starts one. Each run uses a
 * fresh schema-less database state because every test names its tenants uniquely.
 */
@EnabledIfEnvironmentVariable(named = "GATEWAY_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresSessionStoreTest extends SessionStoreContract {
    private static Database db;
    private static SessionStore store;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(
                System.getenv("GATEWAY_TEST_PG_URL"),
                System.getenv("GATEWAY_TEST_PG_USER"),
                System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                4,
                Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected SessionStore store() {
        return store;
    }
}
