package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * A session to create, as a dialect's request maps it. Fields a dialect cannot express are null and take the
 * canonical defaults.
 *
 * @param requestedId a client-chosen public id (TrueFoundry's optional {@code id}), or null for a generated one
 * @param lifecycleState Recoup's sandbox lifecycle state at creation ({@code provisioning}), or null
 * @param extra what one vendor alone keeps (e.g. Recoup's initial chat), or null
 */
public record NewSession(
        String requestedId,
        String title,
        UUID modelId,
        UUID artistId,
        List<String> tags,
        JsonNode capabilities,
        Session.Repository repository,
        SharingMode sharingMode,
        String lifecycleState,
        JsonNode sandboxState,
        JsonNode globalSkillRefs,
        Integer linesAdded,
        Integer linesRemoved,
        JsonNode extra) {

    public NewSession(String requestedId, String title, UUID modelId, UUID artistId, List<String> tags,
            JsonNode capabilities, Session.Repository repository, SharingMode sharingMode) {
        this(requestedId, title, modelId, artistId, tags, capabilities, repository, sharingMode, null, null, null,
                null, null, null);
    }

    /** A session with nothing but defaults. */
    public static NewSession defaults() {
        return new NewSession(null, null, null, null, null, null, null, null);
    }

    /** The same request under another title (Agentcloud names sessions after their app). */
    public NewSession withTitle(String newTitle) {
        return new NewSession(requestedId, newTitle, modelId, artistId, tags, capabilities, repository, sharingMode,
                lifecycleState, sandboxState, globalSkillRefs, linesAdded, linesRemoved, extra);
    }
}
