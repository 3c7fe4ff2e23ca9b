package io.sessiongateway.core.store;

import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    /**
     * Creates an agent in the tenant's default team.
     *
     * @throws io.sessiongateway.core.error.GatewayException CONFLICT when the name is taken in the tenant
     */
    Agent createAgent(Tenant tenant, NewAgent agent, Instant now);

    /** The tenant's agents, oldest first. */
    List<Agent> listAgents(UUID tenantId);

    Optional<Agent> findAgentByName(UUID tenantId, String name);

    /**
     * Stores a new session for the agent, owned by the subject (recorded or refreshed in the subject table).
     *
     * @param id the canonical id
     * @param publicId the TrueFoundry/Recoup id
     * @throws io.sessiongateway.core.error.GatewayException CONFLICT when an id is taken
     */
    Session createSession(UUID id, String publicId, Agent agent, SubjectRef owner, UUID accountId,
            NewSession request, SessionStatus status, Instant now);

    /** By TrueFoundry/Recoup id. */
    Optional<Session> findByPublicId(String publicId);

    /** By canonical id (Everruns {@code session_<hex>}). */
    Optional<Session> findById(UUID id);

    /** By Agentcloud ObjectId. */
    Optional<Session> findByObjectId(String objectId);
}
