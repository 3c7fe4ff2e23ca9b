package io.sessiongateway.core.conversation;

import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Live delivery on H2: in process, from the store's commits. */
class H2EventBusTest extends EventBusContract {
    @TempDir
    static Path dir;

    private static Database db;
    private static JooqSessionStore store;
    private static EventBus bus;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        bus = new EventBus(store, 16, 8);
    }

    @AfterAll
    static void close() {
        bus.close();
        db.close();
    }

    @Override
    protected JooqSessionStore writer() {
        return store;
    }

    @Override
    protected EventBus bus() {
        return bus;
    }
}
