package io.sessiongateway.core.model;

import java.time.Instant;
import java.util.UUID;

/** A team of a tenant; Agentcloud's resourceSlug is its ObjectId. */
public record Team(UUID id, UUID tenantId, String objectId, String name, boolean isDefault, Instant createdAt) {}
