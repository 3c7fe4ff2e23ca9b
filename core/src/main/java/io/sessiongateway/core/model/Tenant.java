package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.UUID;

/** A tenant (TrueFoundry tenant, Everruns organisation, Agentcloud org) and its default team. */
public record Tenant(
        UUID id, String name, String objectId, UUID defaultTeamId, String defaultTeamObjectId, Instant createdAt) {}
