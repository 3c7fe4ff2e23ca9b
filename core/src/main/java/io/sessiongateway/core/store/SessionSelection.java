package io.sessiongateway.core.store;

import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A list query resolved to columns: what {@link SessionStore#findSessions} runs as one statement. Every component
 * but the tenant, the visibility, the order and the limit may be null (or empty): no condition. Tombstones are never
 * selected.
 *
 * @param tenantId {@code tenant_id = ?}
 * @param teamId {@code team_id = ?}
 * @param agentIds {@code agent_id IN (?)}; null for any agent (an empty set selects nothing)
 * @param accountId {@code account_id = ?}
 * @param owner the owner subject: its id, and its type unless null
 * @param visibility what the caller may see beyond the conditions above
 * @param statuses {@code status IN (?)}; empty for any
 * @param titleContains case-insensitive substring of the title
 * @param createdFrom {@code created_at >= ?}
 * @param createdTo {@code created_at <= ?}
 * @param order the scan order (a previous page scans the reverse order)
 * @param after keyset: only rows strictly after this position in {@code order}
 * @param offset rows skipped
 * @param limit rows returned at most
 * @param pinnedFor the subject whose pins fill each session's {@code pinned}; null for none
 */
public record SessionSelection(
        UUID tenantId,
        UUID teamId,
        Set<UUID> agentIds,
        UUID accountId,
        SubjectRef owner,
        Visibility visibility,
        Set<SessionStatus> statuses,
        String titleContains,
        Instant createdFrom,
        Instant createdTo,
        SessionQuery.Order order,
        SessionQuery.Position after,
        int offset,
        int limit,
        SubjectRef pinnedFor) {

    public SessionSelection {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(order, "order");
        agentIds = agentIds == null ? null : Set.copyOf(agentIds);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    /** What a caller may see within the selected rows, as data (the rules themselves live in the service). */
    public sealed interface Visibility {
        /** Every selected row. */
        record All() implements Visibility {}

        /**
         * Rows owned by {@code owner} or of one of {@code agents}: run as a {@code UNION ALL} of two keyset range
         * scans, so each uses its own index.
         */
        record OwnerOrAgents(SubjectRef owner, Set<UUID> agents) implements Visibility {
            public OwnerOrAgents {
                agents = Set.copyOf(agents);
            }
        }

        /**
         * Rows not restricted, or owned by {@code caller}, or whose permissions name one of {@code grantees}
         * (subject id, team ObjectIds, organisation ObjectId).
         */
        record SharedWith(SubjectRef caller, Set<String> grantees) implements Visibility {
            public SharedWith {
                grantees = Set.copyOf(grantees);
            }
        }

        Visibility ALL = new All();
    }
}
