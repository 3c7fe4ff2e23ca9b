package io.sessiongateway.adapters.truefoundry;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.generated.truefoundry.model.CreateSessionRequest;
import io.sessiongateway.generated.truefoundry.model.Subject;
import java.util.regex.Pattern;

/** Pure translations between TrueFoundry's shapes and the canonical model. */
public final class TrueFoundryMapper {
    static final int AGENT_NAME_MAX = 255;
    static final int SESSION_ID_MAX = 64;
    /** A client-chosen id: 1..64 characters that are safe in a URL path segment. */
    static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:~-]{1,64}");

    private TrueFoundryMapper() {}

    /**
     * The canonical session as TrueFoundry's {@code Session}: exactly the properties the document declares. A
     * creator without a slug (no {@code sub_slug} claim) shows its subject id as the slug: the document allows
     * null, but the vendor's SDK (truefoundry-gateway-sdk, generated from the vendor's current OpenAPI) requires a
     * string and fails to parse the whole session otherwise.
     */
    public static io.sessiongateway.generated.truefoundry.model.Session toSession(Session s) {
        return new io.sessiongateway.generated.truefoundry.model.Session()
                .id(s.publicId())
                .agentName(s.agent().name())
                .title(s.title())
                .createdBySubject(subject(s.owner()))
                .createdAt(Timestamps.format(s.times().createdAt()))
                .updatedAt(Timestamps.format(s.times().updatedAt()));
    }

    /**
     * The creator as TrueFoundry shows it, in a get and in every list item: a subject without a slug shows its id
     * there, since the vendor's SDK requires a string and fails to parse the whole session (or page) otherwise.
     */
    static Subject subject(SubjectRef owner) {
        return new Subject()
                .subjectId(owner.id())
                .subjectType(owner.type())
                .subjectSlug(owner.slug() != null ? owner.slug() : owner.id());
    }

    /** The agent name of a create request, validated as the document requires (422 otherwise). */
    static String agentName(CreateSessionRequest body) {
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        String name = body.getAgentName();
        if (name == null) {
            throw GatewayException.invalidBody("agent_name is required", "agent_name");
        }
        if (name.isEmpty()) {
            throw GatewayException.invalidBody("agent_name must not be empty", "agent_name");
        }
        if (name.codePointCount(0, name.length()) > AGENT_NAME_MAX) {
            throw GatewayException.invalidBody(
                    "agent_name must be at most " + AGENT_NAME_MAX + " characters", "agent_name");
        }
        return name;
    }

    /**
     * The optional client-chosen session id. The document's request schema does not declare it but allows extra
     * properties; the vendor's 409 "Session id already exists" is about exactly this.
     */
    static NewSession newSession(JsonNode tree) {
        JsonNode id = tree == null ? null : tree.get("id");
        if (id == null || id.isNull()) {
            return NewSession.defaults();
        }
        if (!id.isTextual() || !CLIENT_ID.matcher(id.textValue()).matches()) {
            throw GatewayException.invalidBody(
                    "id must be a string of 1 to 64 characters from A-Z a-z 0-9 . _ : ~ -", "id");
        }
        return NewSession.builder().requestedId(id.textValue()).build();
    }
}
