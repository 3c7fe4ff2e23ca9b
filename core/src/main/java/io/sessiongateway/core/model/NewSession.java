package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * A session to create, as a dialect's request maps it, built by name ({@link #builder()}). Fields a dialect cannot
 * express stay null and take the canonical defaults.
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

    /** A session with nothing but defaults. */
    public static NewSession defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.requestedId = requestedId;
        b.title = title;
        b.modelId = modelId;
        b.artistId = artistId;
        b.tags = tags;
        b.capabilities = capabilities;
        b.repository = repository;
        b.sharingMode = sharingMode;
        b.lifecycleState = lifecycleState;
        b.sandboxState = sandboxState;
        b.globalSkillRefs = globalSkillRefs;
        b.linesAdded = linesAdded;
        b.linesRemoved = linesRemoved;
        b.extra = extra;
        return b;
    }

    /** The same request under another title (a dialect's default title rule). */
    public NewSession withTitle(String newTitle) {
        return toBuilder().title(newTitle).build();
    }

    /** Builds a {@link NewSession} by naming its fields; unnamed ones are null. */
    public static final class Builder {
        private String requestedId;
        private String title;
        private UUID modelId;
        private UUID artistId;
        private List<String> tags;
        private JsonNode capabilities;
        private Session.Repository repository;
        private SharingMode sharingMode;
        private String lifecycleState;
        private JsonNode sandboxState;
        private JsonNode globalSkillRefs;
        private Integer linesAdded;
        private Integer linesRemoved;
        private JsonNode extra;

        private Builder() {}

        public Builder requestedId(String value) {
            this.requestedId = value;
            return this;
        }

        public Builder title(String value) {
            this.title = value;
            return this;
        }

        public Builder modelId(UUID value) {
            this.modelId = value;
            return this;
        }

        public Builder artistId(UUID value) {
            this.artistId = value;
            return this;
        }

        public Builder tags(List<String> value) {
            this.tags = value;
            return this;
        }

        public Builder capabilities(JsonNode value) {
            this.capabilities = value;
            return this;
        }

        public Builder repository(Session.Repository value) {
            this.repository = value;
            return this;
        }

        public Builder sharingMode(SharingMode value) {
            this.sharingMode = value;
            return this;
        }

        public Builder lifecycleState(String value) {
            this.lifecycleState = value;
            return this;
        }

        public Builder sandboxState(JsonNode value) {
            this.sandboxState = value;
            return this;
        }

        public Builder globalSkillRefs(JsonNode value) {
            this.globalSkillRefs = value;
            return this;
        }

        public Builder linesAdded(Integer value) {
            this.linesAdded = value;
            return this;
        }

        public Builder linesRemoved(Integer value) {
            this.linesRemoved = value;
            return this;
        }

        public Builder extra(JsonNode value) {
            this.extra = value;
            return this;
        }

        public NewSession build() {
            return new NewSession(
                    requestedId,
                    title,
                    modelId,
                    artistId,
                    tags,
                    capabilities,
                    repository,
                    sharingMode,
                    lifecycleState,
                    sandboxState,
                    globalSkillRefs,
                    linesAdded,
                    linesRemoved,
                    extra);
        }
    }
}
