package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A list request in canonical terms, read by name; built with {@link #builder(AccessRule)}. The scope and the
 * access rule decide which sessions the caller may see at all (exactly those its dialect's get would let it read);
 * the filters narrow them; order, position, offset and limit pick the page.
 *
 * @param rule the visibility rule of the caller's dialect
 * @param tenantName the tenant listed (from the path, or the caller's tenant); null with
 *     {@code teamObjectId} set (the team names its tenant)
 * @param teamObjectId the team listed (by ObjectId), or null
 * @param agentName only this agent's sessions (by name), or null
 * @param agentId only this agent's sessions (by canonical id), or null
 * @param owner only sessions of this owner: subject id, and type unless null; or null
 * @param statuses only sessions in one of these statuses; empty for any
 * @param titleContains only sessions whose title contains this text, case-insensitively; or null
 * @param createdFrom only sessions created at or after this instant, or null
 * @param createdTo only sessions created at or before this instant, or null
 * @param order the order of the page
 * @param position the keyset position the page starts from (exclusive), or null for the first page
 * @param direction {@link Direction#NEXT}: the items after {@code position} in {@code order};
 *     {@link Direction#PREVIOUS}: the items before it (still returned in {@code order})
 * @param offset items to skip (the vendors' offset paging; O(offset)); 0 with a position
 * @param limit page size, 1..1000
 * @param withTotal whether the page carries the number of sessions matching scope, rule and filters
 * @param withPins whether each session of the page carries the caller's pin ({@link Session#pinned()}); without,
 *     every session reads as not pinned (only Everruns shows the pin: it costs a correlated subquery per row)
 */
public record SessionQuery(
        AccessRule rule,
        String tenantName,
        String teamObjectId,
        String agentName,
        UUID agentId,
        SubjectRef owner,
        Set<SessionStatus> statuses,
        String titleContains,
        Instant createdFrom,
        Instant createdTo,
        Order order,
        Position position,
        Direction direction,
        int offset,
        int limit,
        boolean withTotal,
        boolean withPins) {

    /** The largest page any caller may ask for. */
    public static final int MAX_LIMIT = 1000;

    /** The orders lists use; every one is a keyset over a unique key. */
    public enum Order {
        /** Newest first: {@code (created_at, id)} descending. */
        CREATED_DESC,
        /** Oldest first: {@code (created_at, id)} ascending. */
        CREATED_ASC,
        /** By ObjectId descending: creation order to the second (an ObjectId starts with its creation second). */
        OBJECT_ID_DESC,
        /** By ObjectId ascending (the reverse of {@link #OBJECT_ID_DESC}, for previous pages). */
        OBJECT_ID_ASC;

        /** The same keys, the other way round. */
        public Order reversed() {
            return switch (this) {
                case CREATED_DESC -> CREATED_ASC;
                case CREATED_ASC -> CREATED_DESC;
                case OBJECT_ID_DESC -> OBJECT_ID_ASC;
                case OBJECT_ID_ASC -> OBJECT_ID_DESC;
            };
        }

        /** Whether the order is by ObjectId rather than by {@code (created_at, id)}. */
        public boolean byObjectId() {
            return this == OBJECT_ID_DESC || this == OBJECT_ID_ASC;
        }
    }

    /** Which side of the position a page lies on. */
    public enum Direction {
        NEXT,
        PREVIOUS
    }

    /**
     * A keyset position: the sort key of one session. A position stays valid after its session is deleted (the
     * predicate compares keys; the row need not exist).
     *
     * @param createdAt creation instant (orders by creation)
     * @param id canonical id (orders by creation; breaks ties)
     * @param objectId ObjectId (orders by ObjectId); null in a creation-order position
     */
    public record Position(Instant createdAt, UUID id, String objectId) {
        /** The position of a session, usable with every order. */
        public static Position of(Session session) {
            return new Position(session.times().createdAt(), session.id(), session.objectId());
        }

        /** An ObjectId position (a list that pages by ObjectId). */
        public static Position ofObjectId(String objectId) {
            return new Position(null, null, Objects.requireNonNull(objectId, "objectId"));
        }
    }

    public SessionQuery {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(direction, "direction");
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    public static Builder builder(AccessRule rule) {
        return new Builder(rule);
    }

    public Builder toBuilder() {
        Builder b = new Builder(rule);
        b.tenantName = tenantName;
        b.teamObjectId = teamObjectId;
        b.agentName = agentName;
        b.agentId = agentId;
        b.owner = owner;
        b.statuses = statuses;
        b.titleContains = titleContains;
        b.createdFrom = createdFrom;
        b.createdTo = createdTo;
        b.order = order;
        b.position = position;
        b.direction = direction;
        b.offset = offset;
        b.limit = limit;
        b.withTotal = withTotal;
        b.withPins = withPins;
        return b;
    }

    /** Builds a {@link SessionQuery}; defaults: newest first, first page, limit 20, no total, no pins. */
    public static final class Builder {
        private final AccessRule rule;
        private String tenantName;
        private String teamObjectId;
        private String agentName;
        private UUID agentId;
        private SubjectRef owner;
        private Set<SessionStatus> statuses = Set.of();
        private String titleContains;
        private Instant createdFrom;
        private Instant createdTo;
        private Order order = Order.CREATED_DESC;
        private Position position;
        private Direction direction = Direction.NEXT;
        private int offset;
        private int limit = 20;
        private boolean withTotal;
        private boolean withPins;

        private Builder(AccessRule rule) {
            this.rule = rule;
        }

        public Builder tenantName(String value) {
            this.tenantName = value;
            return this;
        }

        public Builder teamObjectId(String value) {
            this.teamObjectId = value;
            return this;
        }

        public Builder agentName(String value) {
            this.agentName = value;
            return this;
        }

        public Builder agentId(UUID value) {
            this.agentId = value;
            return this;
        }

        public Builder owner(SubjectRef value) {
            this.owner = value;
            return this;
        }

        public Builder statuses(Set<SessionStatus> value) {
            this.statuses = value;
            return this;
        }

        public Builder titleContains(String value) {
            this.titleContains = value;
            return this;
        }

        public Builder createdFrom(Instant value) {
            this.createdFrom = value;
            return this;
        }

        public Builder createdTo(Instant value) {
            this.createdTo = value;
            return this;
        }

        public Builder order(Order value) {
            this.order = value;
            return this;
        }

        /** Starts the page after ({@link Direction#NEXT}) or before ({@link Direction#PREVIOUS}) the position. */
        public Builder position(Position value, Direction towards) {
            this.position = value;
            this.direction = towards;
            return this;
        }

        public Builder offset(int value) {
            this.offset = value;
            return this;
        }

        public Builder limit(int value) {
            this.limit = value;
            return this;
        }

        public Builder withTotal(boolean value) {
            this.withTotal = value;
            return this;
        }

        public Builder withPins(boolean value) {
            this.withPins = value;
            return this;
        }

        public SessionQuery build() {
            return new SessionQuery(
                    rule,
                    tenantName,
                    teamObjectId,
                    agentName,
                    agentId,
                    owner,
                    statuses,
                    titleContains,
                    createdFrom,
                    createdTo,
                    order,
                    position,
                    direction,
                    offset,
                    limit,
                    withTotal,
                    withPins);
        }
    }
}
