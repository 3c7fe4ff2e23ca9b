package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sessiongateway.core.store.jooq.DefaultSchema;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Table;
import org.junit.jupiter.api.Test;

/** The store contract on the in-memory store; a fresh store for each test. */
class InMemorySessionStoreTest extends SessionStoreContract {
    private final SessionStore store = new InMemorySessionStore();

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void columnLengthsAreTheMigrations() {
        for (InMemorySessionStore.Column c : InMemorySessionStore.Column.values()) {
            Table<?> table = DefaultSchema.DEFAULT_SCHEMA.getTable(c.table);
            assertNotNull(table, c.table);
            Field<?> field = table.field(c.column);
            assertNotNull(field, c.table + "." + c.column);
            DataType<?> type = field.getDataType();
            assertEquals(type.hasLength() ? type.length() : Integer.MAX_VALUE, c.length, c.name());
        }
    }
}
