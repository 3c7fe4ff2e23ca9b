package io.sessiongateway.adapters.everruns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.Usage;
import io.sessiongateway.generated.everruns.model.AgentCapabilityConfig;
import io.sessiongateway.generated.everruns.model.CreateSessionRequest;
import io.sessiongateway.generated.everruns.model.Session.StatusEnum;
import io.sessiongateway.generated.everruns.model.TokenUsage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Pure translations between Everruns' shapes and the canonical model. */
public final class EverrunsMapper {
    static final int TITLE_MAX = 1024;
    static final int TAGS_MAX = 100;
    static final int TAG_MAX = 255;
    static final int CAPABILITIES_MAX = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EverrunsMapper() {}

    /**
     * The version of the vendor's API a Session is rendered in ({@code gateway.dialects.everruns.version}).
     * {@code SEED}: exactly the seed document's properties. {@code V0_2}: the vendor's API 0.2 as its SDK models it
     * (everruns-sdk 0.1.3 and later require {@code harness_id}); see specs/everruns/SOURCES.md.
     */
    public enum Shape {
        SEED("seed"),
        V0_2("0.2");

        private final String setting;

        Shape(String setting) {
            this.setting = setting;
        }

        /** The shape a setting names; unknown names are refused when the configuration is read. */
        public static Shape of(String setting) {
            for (Shape s : values()) {
                if (s.setting.equals(setting)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown everruns version: " + setting);
        }
    }

    /**
     * Session of the vendor's API 0.2: the seed's properties plus the harness the session runs on. Absent optional
     * properties are omitted, as for the generated class (whose package the server's mapper selects by name).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class SessionV02 extends io.sessiongateway.generated.everruns.model.Session {
        private final String harnessId;

        SessionV02(String harnessId) {
            this.harnessId = harnessId;
        }

        @JsonProperty("harness_id")
        public String getHarnessId() {
            return harnessId;
        }
    }

    /** Canonical status as Everruns shows it: started (no turn yet), active (turn running), idle (otherwise). */
    static StatusEnum status(SessionStatus status) {
        return StatusEnum.fromValue(EverrunsStatus.of(status));
    }

    /** The canonical session in the seed's shape. */
    public static io.sessiongateway.generated.everruns.model.Session toSession(Session s) {
        return toSession(s, Shape.SEED);
    }

    /**
     * The canonical session as Everruns' {@code Session}; absent optional fields stay null and are omitted. In
     * {@link Shape#V0_2} the harness is the organisation's base harness (the vendor's fallback when a create names
     * none): {@code harness_<32 hex>} of the tenant's id, since the gateway has no harnesses of its own.
     */
    public static io.sessiongateway.generated.everruns.model.Session toSession(Session s, Shape shape) {
        var out = (shape == Shape.V0_2
                        ? new SessionV02(Ids.prefixed("harness", s.scope().tenantId()))
                        : new io.sessiongateway.generated.everruns.model.Session())
                .id(Ids.prefixed("session", s.id()))
                .agentId(Ids.prefixed("agent", s.agent().id()))
                .organizationId(Ids.prefixed("org", s.scope().tenantId()))
                .status(status(s.status()))
                .createdAt(odt(s.times().createdAt()))
                .updatedAt(odt(s.times().updatedAt()))
                .startedAt(odt(s.times().startedAt()))
                .finishedAt(odt(s.times().finishedAt()))
                .title(s.title())
                .preview(s.preview())
                .outputPreview(s.outputPreview())
                .tags(s.tags() == null ? null : List.copyOf(s.tags()))
                .modelId(s.modelId() == null ? null : Ids.prefixed("model", s.modelId()))
                .usage(usage(s.usage()))
                .locale(s.locale())
                .isPinned(s.pinned());
        if (s.capabilities() != null && s.capabilities().isArray()) {
            List<AgentCapabilityConfig> caps = new ArrayList<>();
            for (JsonNode c : s.capabilities()) {
                AgentCapabilityConfig cfg =
                        new AgentCapabilityConfig().ref(c.path("ref").asText());
                if (c.has("config") && !c.get("config").isNull()) {
                    cfg.config(JSON.convertValue(c.get("config"), Object.class));
                }
                caps.add(cfg);
            }
            out.capabilities(caps);
        }
        return out;
    }

    static TokenUsage usage(Usage u) {
        if (u == null) {
            return null;
        }
        return new TokenUsage()
                .inputTokens(clamp(u.inputTokens()))
                .outputTokens(clamp(u.outputTokens()))
                .cacheReadTokens(u.cacheReadTokens() == null ? null : clamp(u.cacheReadTokens()))
                .cacheCreationTokens(u.cacheCreationTokens() == null ? null : clamp(u.cacheCreationTokens()));
    }

    private static int clamp(long v) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, v));
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /** The canonical agent id of a create request; 400 unless {@code agent_<32 lowercase hex>}. */
    static UUID agentId(CreateSessionRequest body) {
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        if (body.getAgentId() == null) {
            throw GatewayException.invalidBody("agent_id is required", "agent_id");
        }
        return Ids.parsePrefixed("agent", body.getAgentId())
                .orElseThrow(
                        () -> GatewayException.invalidBody("agent_id must match ^agent_[0-9a-f]{32}$", "agent_id"));
    }

    /** The optional fields of a create request, validated (400 otherwise). */
    static NewSession newSession(CreateSessionRequest body) {
        String title = body.getTitle();
        if (title != null && title.codePointCount(0, title.length()) > TITLE_MAX) {
            throw GatewayException.invalidBody("title must be at most " + TITLE_MAX + " characters", "title");
        }
        List<String> tags = body.getTags();
        if (tags != null) {
            if (tags.size() > TAGS_MAX) {
                throw GatewayException.invalidBody("at most " + TAGS_MAX + " tags", "tags");
            }
            for (String tag : tags) {
                if (tag == null || tag.isEmpty() || tag.length() > TAG_MAX) {
                    throw GatewayException.invalidBody(
                            "each tag is a string of 1 to " + TAG_MAX + " characters", "tags");
                }
            }
        }
        UUID model = null;
        if (body.getModelId() != null) {
            model = Ids.parsePrefixed("model", body.getModelId())
                    .orElseThrow(
                            () -> GatewayException.invalidBody("model_id must match ^model_[0-9a-f]{32}$", "model_id"));
        }
        JsonNode capabilities = null;
        if (body.getCapabilities() != null) {
            if (body.getCapabilities().size() > CAPABILITIES_MAX) {
                throw GatewayException.invalidBody("at most " + CAPABILITIES_MAX + " capabilities", "capabilities");
            }
            ArrayNode caps = JSON.createArrayNode();
            for (AgentCapabilityConfig c : body.getCapabilities()) {
                if (c == null
                        || c.getRef() == null
                        || c.getRef().isEmpty()
                        || c.getRef().length() > 255) {
                    throw GatewayException.invalidBody(
                            "each capability needs a ref of 1 to 255 characters", "capabilities");
                }
                if (c.getConfig() != null && !(c.getConfig() instanceof Map)) {
                    // The document's config is `type: object`; anything else would be stored and then break
                    // every read of the session.
                    throw GatewayException.invalidBody("each capability's config must be an object", "capabilities");
                }
                var node = caps.addObject().put("ref", c.getRef());
                if (c.getConfig() != null) {
                    node.set("config", JSON.valueToTree(c.getConfig()));
                }
            }
            capabilities = caps;
        }
        return NewSession.builder()
                .title(title)
                .modelId(model)
                .tags(tags)
                .capabilities(capabilities)
                .build();
    }
}
