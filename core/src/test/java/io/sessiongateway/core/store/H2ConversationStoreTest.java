package io.sessiongateway.core.store;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The conversation store contract on an H2 file database. */
class H2ConversationStoreTest extends ConversationStoreContract {
    @TempDir
    static Path dir;

    private static Database db;
    private static JooqSessionStore store;

    @BeforeAll
    static void open() {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 8, Duration.ofSeconds(5)));
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
