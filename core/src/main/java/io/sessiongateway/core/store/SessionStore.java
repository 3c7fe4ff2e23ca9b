package io.sessiongateway.core.store;

import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Persistence of tenants, agents, subjects and sessions. Implementations are thread-safe; every read is one
 * indexed query; every write is one transaction that either lands whole or not at all.
 *
 * <p>Failures a client can cause surface as {@link io.sessiongateway.core.error.GatewayException}: a uniqueness
 * collision is {@code CONFLICT}; an unreachable database is {@code UNAVAILABLE}.
 */
public interface SessionStore {

    /** The tenant of that name, creating it and its default team on first use. */
    Tenant ensureTenant(String name);

    Optional<Tenant> findTenant(String name);

    Optional<Tenant> findTenantById(UUID id);

    /**
     * Creates an agent in the tenant's default team.
     *
     * @throws io.sessiongateway.core.error.GatewayException CONFLICT when the name is taken in the tenant
     */
    Agent createAgent(Tenant tenant, NewAgent agent, Instant now);

    /** The tenant's agents, oldest first. */
    List<Agent> listAgents(UUID tenantId);

    Optional<Agent> findAgentByName(UUID tenantId, String name);

    /** By canonical id (Everruns {@code agent_<hex>}), in any tenant. */
    Optional<Agent> findAgentById(UUID id);

    /** By Agentcloud app id, in any tenant. */
    Optional<Agent> findAgentByObjectId(String objectId);

    /**
     * Creates a team in the tenant.
     *
     * @throws io.sessiongateway.core.error.GatewayException CONFLICT when the name is taken in the tenant
     */
    Team createTeam(Tenant tenant, String name, Instant now);

    /** The tenant's teams, default team first, then oldest first. */
    List<Team> listTeams(UUID tenantId);

    /** By Agentcloud team id (resourceSlug), in any tenant. */
    Optional<Team> findTeamByObjectId(String objectId);

    /** A team and the tenant it belongs to. */
    record TeamInTenant(Team team, Tenant tenant) {}

    /**
     * {@link #findTeamByObjectId} with the team's tenant: what every Agentcloud list and write resolves its path's
     * team to (the membership check needs the tenant's name), in one statement where the store can.
     */
    default Optional<TeamInTenant> findTeamInTenant(String objectId) {
        return findTeamByObjectId(objectId)
                .flatMap(team -> findTenantById(team.tenantId()).map(tenant -> new TeamInTenant(team, tenant)));
    }

    /** Stores a key under the hash of its secret. */
    ApiKey createApiKey(Tenant tenant, NewApiKey key, String display, String secretHash, Instant now);

    /** The key whose secret hashes to this value, revoked or not. */
    Optional<ApiKey> findApiKeyByHash(String secretHash);

    /** The tenant's keys, oldest first. */
    List<ApiKey> listApiKeys(UUID tenantId);

    /** Marks the key revoked now; false when the tenant has no such key. Revoking twice keeps the first time. */
    boolean revokeApiKey(UUID tenantId, UUID keyId, Instant now);

    /** Records a use of the key (best effort; at most once a second per key matters). */
    void touchApiKey(UUID keyId, Instant now);

    /**
     * Stores a new session for the agent, owned by the subject (recorded or refreshed in the subject table).
     *
     * @param id the canonical id
     * @param publicId the TrueFoundry/Recoup id
     * @throws io.sessiongateway.core.error.GatewayException CONFLICT when an id is taken
     */
    Session createSession(
            UUID id,
            String publicId,
            Agent agent,
            SubjectRef owner,
            UUID accountId,
            NewSession request,
            SessionStatus status,
            Instant now);

    /**
     * Applies a change in one statement: bumps updated_at and the lifecycle version; sets started_at the first
     * time the status becomes running and finished_at the first time it becomes completed, failed or cancelled.
     *
     * @return the session after the change, or empty when there is none with that id
     */
    Optional<Session> updateSession(UUID id, SessionChange change, Instant now);

    /** Whether one of the account's sessions in the tenant already has this title (Recoup's default titles). */
    boolean titleInUse(UUID tenantId, UUID accountId, String title);

    /** By TrueFoundry/Recoup id. */
    Optional<Session> findByPublicId(String publicId);

    /** By canonical id (Everruns {@code session_<hex>}). */
    Optional<Session> findById(UUID id);

    /** By Agentcloud ObjectId. */
    Optional<Session> findByObjectId(String objectId);

    /**
     * {@link #findByPublicId(String)} with {@link Session#pinned()} for the subject ({@link #isPinned}); a store may
     * answer both in one query (a read of a session shows the caller's pin in every dialect's GET).
     */
    default Optional<Session> findByPublicId(String publicId, SubjectRef pinFor) {
        return withPin(findByPublicId(publicId), pinFor);
    }

    /** {@link #findById(UUID)} with {@link Session#pinned()} for the subject. */
    default Optional<Session> findById(UUID id, SubjectRef pinFor) {
        return withPin(findById(id), pinFor);
    }

    /** {@link #findByObjectId(String)} with {@link Session#pinned()} for the subject. */
    default Optional<Session> findByObjectId(String objectId, SubjectRef pinFor) {
        return withPin(findByObjectId(objectId), pinFor);
    }

    private Optional<Session> withPin(Optional<Session> found, SubjectRef pinFor) {
        return found.map(s -> s.toBuilder().pinned(isPinned(s.id(), pinFor)).build());
    }

    /** The tenant's sessions, oldest first (ties by id), at most {@code limit} of them. */
    List<Session> listSessions(UUID tenantId, int limit);

    // ---- Lifecycle (issue #12, docs/lifecycle.md). Every read below, and every lookup above, skips tombstones.
    // Every write locks the row, writes only the columns it names, moves updated_at to max(now, previous + 1 ms)
    // and keeps the status counters in the same transaction.

    /** One page of sessions in one statement: the selection's conditions, order, keyset, offset and limit. */
    List<Session> findSessions(SessionSelection selection);

    /** The exact number of sessions matching the selection, its position, offset and limit aside. */
    long countSessions(SessionSelection selection);

    /**
     * The live sessions per status of a scope, from the counters kept with every write: {@code scopeId} is the
     * tenant's id (the whole tenant), an agent's id or an account's id (within the tenant).
     */
    StatusCounts countByStatus(UUID tenantId, UUID scopeId);

    /**
     * Applies a lifecycle patch (docs/lifecycle.md sections 2 and 3) under the row lock; an empty patch, or one
     * that changes nothing, writes nothing.
     *
     * @return the session after the patch; empty when there is none with that id, or it is deleted
     */
    Optional<Session> patchSession(UUID id, SessionPatch patch, Instant now);

    /**
     * Cancels the session if its status is one of {@code from}: status {@code cancelled}, {@code finished_at} set
     * if unset, and (in a store with conversations) its queued and running turns cancelled ({@code client-cancelled})
     * in the same transaction. Otherwise nothing changes.
     *
     * @return the session and whether it changed; empty when there is none with that id, or it is deleted
     */
    Optional<CancelResult> cancelSession(UUID id, Set<SessionStatus> from, Instant now);

    /**
     * Deletes the session (a tombstone: {@code deleted_at} set), after which no read finds it.
     *
     * @return false when there is none with that id, or it is already deleted
     */
    boolean deleteSession(UUID id, Instant now);

    /**
     * Pins or unpins the session for the subject (recorded in the subject table if new). Repeating either changes
     * nothing. The session's {@code updated_at} does not move: a pin is the subject's, not the session's.
     *
     * @return the session as the subject now reads it; empty when there is none with that id, or it is deleted
     */
    Optional<Session> setPinned(UUID id, SubjectRef subject, boolean pinned, Instant now);

    /** Whether the subject has pinned the session. */
    boolean isPinned(UUID id, SubjectRef subject);

    /**
     * Copies a live session into a new one (new ids, status {@code created}, new timestamps, no usage, previews or
     * lifecycle state) owned by {@code owner}, with {@code forked_from_id} set and the fork's overrides applied:
     * title (required), tags, locale, model and agent (and so team) where given.
     *
     * @return the fork; empty when the parent does not exist, or is deleted
     */
    Optional<Session> forkSession(
            UUID parentId, UUID newId, Agent agent, SubjectRef owner, UUID accountId, ForkRequest fork, Instant now);
}
