package io.sessiongateway.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;

/**
 * One row of the session query ({@code JooqSessionStore.sessions}), read by column: either a jOOQ {@link Record} or
 * a row read straight from JDBC by a {@link Reader} (the lookups of every GET: jOOQ's cursor, its per-column
 * bindings and converters and {@code Record.into} cost about a sixth of a GET's CPU time, profile in
 * bench/results/profile-2026-12-02.md).
 */
interface SessionRow {
    /** The value of the column, typed as the field (null when SQL NULL). */
    <T> T get(Field<T> field);

    static SessionRow of(Record record) {
        return new SessionRow() {
            @Override
            public <T> T get(Field<T> field) {
                return record.get(field);
            }
        };
    }

    /**
     * Reads rows of a query whose select list is {@code fields}, in order, by the fields' Java types: the types of
     * the session query's columns (UUID, String, Boolean, Integer, Long, OffsetDateTime, JSONB). Each column is read
     * with the JDBC getter that H2 and pgjdbc both support for its type; a type not listed is refused when the
     * reader is built (at start-up), not when a row is read.
     */
    final class Reader {
        private enum Kind {
            UUID,
            STRING,
            BOOLEAN,
            INTEGER,
            LONG,
            TIMESTAMP,
            JSONB
        }

        private final Kind[] kinds;
        private final Map<Field<?>, Integer> index = new IdentityHashMap<>();

        Reader(Field<?>[] fields) {
            this.kinds = new Kind[fields.length];
            for (int i = 0; i < fields.length; i++) {
                kinds[i] = kind(fields[i]);
                index.putIfAbsent(fields[i], i);
            }
        }

        private static Kind kind(Field<?> field) {
            Class<?> type = field.getType();
            if (type == UUID.class) {
                return Kind.UUID;
            } else if (type == String.class) {
                return Kind.STRING;
            } else if (type == Boolean.class) {
                return Kind.BOOLEAN;
            } else if (type == Integer.class) {
                return Kind.INTEGER;
            } else if (type == Long.class) {
                return Kind.LONG;
            } else if (type == OffsetDateTime.class) {
                return Kind.TIMESTAMP;
            } else if (type == JSONB.class) {
                return Kind.JSONB;
            }
            throw new IllegalArgumentException("no JDBC reading for column " + field + " of type " + type);
        }

        /** How many columns a row has. */
        int columns() {
            return kinds.length;
        }

        /** The column of the field: by identity (the select list's own fields), else by qualified name. */
        private int column(Field<?> field) {
            Integer i = index.get(field);
            if (i != null) {
                return i;
            }
            for (Map.Entry<Field<?>, Integer> e : index.entrySet()) {
                if (e.getKey().equals(field)) {
                    return e.getValue();
                }
            }
            throw new IllegalArgumentException("column not in the row: " + field);
        }

        /** The current row of the result set. */
        SessionRow read(ResultSet rs) throws SQLException {
            Object[] values = new Object[kinds.length];
            for (int i = 0; i < kinds.length; i++) {
                int c = i + 1;
                values[i] = switch (kinds[i]) {
                    case UUID -> rs.getObject(c, UUID.class);
                    case STRING -> rs.getString(c);
                    case BOOLEAN -> {
                        boolean v = rs.getBoolean(c);
                        yield rs.wasNull() ? null : v;
                    }
                    case INTEGER -> {
                        int v = rs.getInt(c);
                        yield rs.wasNull() ? null : v;
                    }
                    case LONG -> {
                        long v = rs.getLong(c);
                        yield rs.wasNull() ? null : v;
                    }
                    case TIMESTAMP -> rs.getObject(c, OffsetDateTime.class);
                    case JSONB -> JSONB.jsonbOrNull(rs.getString(c));
                };
            }
            return new SessionRow() {
                @Override
                @SuppressWarnings("unchecked") // the value was read as the field's own type (kind)
                public <T> T get(Field<T> field) {
                    return (T) values[column(field)];
                }
            };
        }
    }
}
