package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.jooq.Tables.AGENT;
import static io.sessiongateway.core.store.jooq.Tables.SESSION;
import static io.sessiongateway.core.store.jooq.Tables.SUBJECT;
import static io.sessiongateway.core.store.jooq.Tables.TEAM;
import static io.sessiongateway.core.store.jooq.Tables.TENANT;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;
import org.jooq.SelectSelectStep;
import org.jooq.impl.SQLDataType;

/**
 * The session row every dialect renders, as the lookups ({@link JooqSessionStore}) and the list statements
 * ({@link ListStatements}) select it: the session's columns, then its tenant's, team's, agent's and owner's, from the
 * five tables joined by primary key.
 */
final class SessionColumns {
    /**
     * The CHAR columns of the row (the ObjectIds, always 24 characters). H2 in PostgreSQL mode wraps every result
     * with a CHAR column in {@code ResultWithPaddedStrings}, which copies and pads the whole row on each column read:
     * a row of 64 columns read column by column cost 64 row copies, 13% of a TrueFoundry page's CPU time
     * (profile-2026-12-05.md, q15-list). The pre-rendered statements select them as VARCHAR of the same length (the
     * values are the same: nothing to pad), so that H2 hands the rows over unwrapped; PostgreSQL returns the same text.
     */
    private static final Set<Field<?>> CHAR_COLUMNS =
            Set.of(SESSION.OBJECT_ID, TENANT.OBJECT_ID, TEAM.OBJECT_ID, AGENT.OBJECT_ID);

    private SessionColumns() {}

    /** The row's columns, in the order {@link SessionRow.Reader}s read them (a new, modifiable list). */
    static List<Field<?>> row() {
        List<Field<?>> fields = new ArrayList<>(List.of(SESSION.fields()));
        fields.addAll(List.of(
                TENANT.NAME,
                TENANT.OBJECT_ID,
                TEAM.OBJECT_ID,
                AGENT.NAME,
                AGENT.OBJECT_ID,
                AGENT.MANAGERS,
                SUBJECT.SUBJECT_TYPE,
                SUBJECT.SUBJECT_ID,
                SUBJECT.SUBJECT_SLUG));
        return fields;
    }

    /** The same columns with the CHAR ones selected as VARCHAR of their length (see {@link #CHAR_COLUMNS}). */
    static List<Field<?>> unpadded(List<Field<?>> fields) {
        List<Field<?>> out = new ArrayList<>(fields.size());
        for (Field<?> field : fields) {
            out.add(
                    CHAR_COLUMNS.contains(field)
                            ? field.cast(SQLDataType.VARCHAR(field.getDataType().length()))
                            : field);
        }
        return out;
    }

    /** The select from the session joined to its tenant, team, agent and owner (primary-key joins only). */
    static SelectOnConditionStep<Record> joined(SelectSelectStep<Record> select) {
        return select.from(SESSION)
                .join(TENANT)
                .on(TENANT.ID.eq(SESSION.TENANT_ID))
                .join(TEAM)
                .on(TEAM.ID.eq(SESSION.TEAM_ID))
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION.AGENT_ID))
                .join(SUBJECT)
                .on(SUBJECT.ID.eq(SESSION.OWNER_ID));
    }
}
