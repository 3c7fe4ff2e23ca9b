package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * A session to create, as a dialect's request maps it. Fields a dialect cannot express are null and take the
 * canonical defaults.
 *
 * @param requestedId a client-chosen public id (TrueFoundry's optional {@code id}), or null for a generated one
 */
public record NewSession(
        String requestedId,
        String title,
        UUID modelId,
        UUID artistId,
        List<String> tags,
        JsonNode capabilities,
        Session.Repository repository,
        SharingMode sharingMode) {

    /** A session with nothing but defaults. */
    public static NewSession defaults() {
        return new NewSession(null, null, null, null, null, null, null, null);
    }
}
