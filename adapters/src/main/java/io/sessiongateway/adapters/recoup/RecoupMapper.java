package io.sessiongateway.adapters.recoup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.generated.recoup.model.Chat;
import io.sessiongateway.generated.recoup.model.CreateSessionRequest;
import io.sessiongateway.generated.recoup.model.Session.LifecycleStateEnum;
import io.sessiongateway.generated.recoup.model.Session.StatusEnum;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Pure translations between Recoup's shapes and the canonical model. */
public final class RecoupMapper {
    static final String CHAT_MODEL = "anthropic/claude-haiku-4.5";
    static final String CHAT_TITLE = "New chat";
    static final int TITLE_MAX = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, Object>>> LIST_OF_MAPS = new TypeReference<>() {};

    private RecoupMapper() {}

    /**
     * The canonical session as Recoup's {@code Session}: every property the document lists is written, null or
     * not. A session that never had a title shows its agent's name (Recoup's title is not nullable).
     */
    public static io.sessiongateway.generated.recoup.model.Session toSession(Session s) {
        return new io.sessiongateway.generated.recoup.model.Session()
                .id(s.publicId())
                .userId(s.accountId())
                .artistId(s.artistId())
                .title(s.title() != null ? s.title() : s.agent().name())
                .status(StatusEnum.fromValue(RecoupStatus.of(s.status())))
                .repoOwner(s.repository().owner())
                .repoName(s.repository().name())
                .branch(s.repository().branch())
                .cloneUrl(s.repository().cloneUrl())
                .isNewBranch(s.repository().newBranch())
                .globalSkillRefs(
                        s.globalSkillRefs() == null ? List.of() : JSON.convertValue(s.globalSkillRefs(), LIST_OF_MAPS))
                .sandboxState(
                        s.sandbox().state() == null
                                ? null
                                : JSON.convertValue(s.sandbox().state(), MAP))
                .lifecycleState(
                        s.lifecycle().state() == null
                                ? null
                                : LifecycleStateEnum.fromValue(s.lifecycle().state()))
                .lifecycleVersion(
                        (int) Math.min(Integer.MAX_VALUE, s.lifecycle().version()))
                .lastActivityAt(odt(s.times().lastActivityAt()))
                .sandboxExpiresAt(odt(s.sandbox().expiresAt()))
                .hibernateAfter(odt(s.sandbox().hibernateAfter()))
                .lifecycleRunId(s.lifecycle().runId())
                .lifecycleError(s.lifecycle().error())
                .linesAdded(s.diff().linesAdded())
                .linesRemoved(s.diff().linesRemoved())
                .snapshotUrl(s.sandbox().snapshotUrl())
                .snapshotCreatedAt(odt(s.sandbox().snapshotCreatedAt()))
                .snapshotSizeBytes(
                        s.sandbox().snapshotSizeBytes() == null
                                ? null
                                : (int) Math.min(Integer.MAX_VALUE, s.sandbox().snapshotSizeBytes()))
                .cachedDiff(
                        s.diff().cachedDiff() == null
                                ? null
                                : JSON.convertValue(s.diff().cachedDiff(), MAP))
                .cachedDiffUpdatedAt(odt(s.diff().cachedDiffUpdatedAt()))
                .createdAt(odt(s.times().createdAt()))
                .updatedAt(odt(s.times().updatedAt()));
    }

    /** The session's default chat as create answers it: its id is the session's canonical id (its turns' chat). */
    static Chat chat(Session s) {
        return new Chat()
                .id(s.id().toString())
                .sessionId(s.publicId())
                .title(CHAT_TITLE)
                .modelId(CHAT_MODEL)
                .activeStreamId(null)
                .lastAssistantMessageAt(null)
                .createdAt(odt(s.times().createdAt()))
                .updatedAt(odt(s.times().createdAt()));
    }

    /**
     * A create request (every field optional, none nullable) as the canonical new session: the workspace repository
     * is the server's {@code recoupable/<organization or account>}, the session starts provisioning.
     *
     * @param tenantId the caller's tenant's canonical id (Recoup's organizationId), empty when it has none yet
     */
    static NewSession newSession(
            CreateSessionRequest body, JsonNode tree, Principal principal, Optional<UUID> tenantId) {
        if (tree != null) {
            for (String field : List.of("title", "organizationId", "artistId")) {
                if (tree.has(field) && tree.get(field).isNull()) {
                    throw GatewayException.invalidBody(field + " must not be null", field);
                }
            }
        }
        String title =
                body == null || body.getTitle() == null ? null : body.getTitle().strip();
        if (title != null && title.isEmpty()) {
            title = null;
        }
        if (title != null && title.codePointCount(0, title.length()) > TITLE_MAX) {
            throw GatewayException.invalidBody("title must be at most " + TITLE_MAX + " characters", "title");
        }
        UUID organization = body == null ? null : body.getOrganizationId();
        if (organization != null && !tenantId.equals(Optional.of(organization))) {
            throw GatewayException.forbidden("organization_forbidden", "Access denied to specified organization_id");
        }
        UUID workspace = organization != null ? organization : principal.account();
        return NewSession.builder()
                .title(title)
                .artistId(body == null ? null : body.getArtistId())
                .repository(
                        new Session.Repository(null, null, null, "https://github.com/recoupable/" + workspace, false))
                .lifecycleState("provisioning")
                .sandboxState(JSON.createObjectNode().put("type", "vercel"))
                .globalSkillRefs(JSON.createArrayNode())
                .linesAdded(0)
                .linesRemoved(0)
                .build();
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
