package io.sessiongateway.core.conversation;

import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.core.store.PgEventListener;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Live delivery across two instances over one PostgreSQL: writes go through one store; subscribers use the other
 * instance's bus, which learns of them only through its listening connection (NOTIFY).
 */
@EnabledIfEnvironmentVariable(named = "GATEWAY_TEST_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresEventBusTest extends EventBusContract {
    private static Database writerDb;
    private static Database readerDb;
    private static JooqSessionStore writer;
    private static EventBus bus;
    private static PgEventListener listener;

    private static DatabaseConfig config() {
        return new DatabaseConfig(
                System.getenv("GATEWAY_TEST_PG_URL"),
                System.getenv("GATEWAY_TEST_PG_USER"),
                System.getenv("GATEWAY_TEST_PG_PASSWORD"),
                4,
                Duration.ofSeconds(5));
    }

    @BeforeAll
    static void open() throws InterruptedException {
        writerDb = Database.open(config());
        writerDb.migrate();
        writer = new JooqSessionStore(writerDb);
        readerDb = Database.open(config());
        JooqSessionStore reader = new JooqSessionStore(readerDb);
        bus = new EventBus(reader, 16, 8);
        listener = new PgEventListener(readerDb.config(), reader.notificationChannel(), bus);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listener.isListening() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void close() {
        listener.close();
        bus.close();
        readerDb.close();
        writerDb.close();
    }

    @Override
    protected JooqSessionStore writer() {
        return writer;
    }

    @Override
    protected EventBus bus() {
        return bus;
    }
}
