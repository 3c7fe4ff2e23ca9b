package io.sessiongateway.core.model;

import java.util.List;
import java.util.UUID;

/**
 * What a fork overrides; every null component inherits the parent's value.
 *
 * @param title the fork's title; default {@code "<parent title> (fork)"}, or {@code "Fork"} for an untitled parent
 * @param tags the fork's tags (replacing, not merging with, the parent's)
 * @param locale the fork's BCP 47 tag
 * @param agentId another agent of the same tenant
 * @param modelId another model
 */
public record ForkRequest(String title, List<String> tags, String locale, UUID agentId, UUID modelId) {
    public static final ForkRequest INHERIT = new ForkRequest(null, null, null, null, null);

    public ForkRequest {
        tags = tags == null ? null : List.copyOf(tags);
    }
}
