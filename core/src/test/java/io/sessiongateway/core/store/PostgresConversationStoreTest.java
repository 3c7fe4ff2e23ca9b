package io.sessiongateway.core.store;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The conversation store contract on the PostgreSQL server named by {@code GATEWAY_TEST_PG_URL}. */
@EnabledIfEnvironmentVariable(named = "GATEWAY_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresConversationStoreTest extends ConversationStoreContract {
    private static Database db;
    private static JooqSessionStore store;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(
                System.getenv("GATEWAY_TEST_PG_URL"),
                System.getenv("GATEWAY_TEST_PG_USER"),
                System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                8,
                Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected JooqSessionStore store() {
        return store;
    }
}
