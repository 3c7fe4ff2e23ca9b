package io.sessiongateway.adapters.agentcloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.generated.agentcloud.model.EditSessionResponse;
import io.sessiongateway.generated.agentcloud.model.Session.StatusEnum;
import io.sessiongateway.generated.agentcloud.model.SessionsJsonResponse;
import io.sessiongateway.generated.agentcloud.model.SharingConfig;
import io.sessiongateway.generated.agentcloud.model.SharingMode;
import io.sessiongateway.generated.agentcloud.model.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pure translations between Agentcloud's shapes and the canonical model. */
public final class AgentcloudMapper {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** The vendor's page size ({@code getSessionsByTeam(team, before, 10)}). */
    static final int PAGE_SIZE = 10;

    private AgentcloudMapper() {}

    /**
     * The canonical session as Agentcloud's {@code Session}. Dates are MongoDB extended-JSON date objects
     * ({@code {"$date": "…"}}), since the document declares them {@code type: object}; optional fields that are
     * absent ({@code previewLabel}) are omitted.
     */
    public static io.sessiongateway.generated.agentcloud.model.Session toSession(Session s) {
        return new io.sessiongateway.generated.agentcloud.model.Session()
                .id(s.objectId())
                .orgId(s.scope().tenantObjectId())
                .teamId(s.scope().teamObjectId())
                .name(name(s))
                .startDate(date(s.times().createdAt()))
                .lastUpdatedDate(date(s.times().updatedAt()))
                .tokensUsed(tokens(s))
                .status(StatusEnum.fromValue(AgentcloudStatus.of(s.status(), s.warning())))
                .appId(s.agent().objectId())
                .previewLabel(s.preview())
                .sharingConfig(new SharingConfig()
                        .permissions(new LinkedHashMap<>(s.sharing().permissions()))
                        .mode(SharingMode.fromValue(s.sharing().mode().dbValue())));
    }

    /** Agentcloud names a session after its app; a title set elsewhere wins. */
    static String name(Session s) {
        return s.title() != null ? s.title() : s.agent().name();
    }

    static int tokens(Session s) {
        return s.usage() == null
                ? 0
                : (int) Math.min(Integer.MAX_VALUE, s.usage().total());
    }

    static Map<String, Object> date(Instant instant) {
        return Map.of("$date", Timestamps.format(instant));
    }

    /** A 24-hex ObjectId path parameter, else 400. */
    static String objectId(String value, String param) {
        if (!Ids.isObjectId(value)) {
            throw GatewayException.invalidArgument(param + " must be an ObjectId: 24 lowercase hex digits", param);
        }
        return value;
    }

    /**
     * A token in the shape of the vendor's csurf tokens: 8 random alphanumerics, '-', and 27 base64url characters
     * of SHA-1 over the salt and the session. The gateway does not check it: API callers authenticate with
     * {@code Authorization}, for which the vendor skips CSRF checks.
     */
    static String csrf(String sessionObjectId) {
        char[] salt = new char[8];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = ALNUM[RANDOM.nextInt(ALNUM.length)];
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((new String(salt) + "-" + sessionObjectId).getBytes(StandardCharsets.UTF_8));
            return new String(salt) + "-"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }
    /**
     * {@code GET /{resourceSlug}/sessions.json?before=}: ten of the team's sessions the caller may read, by
     * descending ObjectId, after {@code before} (exclusive). An absent {@code before} and the vendor client's literal
     * {@code null} are the first page; anything else but an ObjectId is 400.
     */
    static SessionQuery listQuery(String teamObjectId, String before) {
        SessionQuery.Builder q = SessionQuery.builder(AccessRule.SHARED_IN_TEAM)
                .teamObjectId(teamObjectId)
                .order(Order.OBJECT_ID_DESC)
                .limit(PAGE_SIZE);
        if (before != null && !before.equals("null")) {
            if (!Ids.isObjectId(before)) {
                throw GatewayException.invalidArgument(
                        "before must be an ObjectId (24 lowercase hex digits) or null", "before");
            }
            q.position(Position.ofObjectId(before), Direction.NEXT);
        }
        return q.build();
    }

    /** A page as the vendor answers it: the csrf token and the sessions, newest first. */
    static SessionsJsonResponse sessionsJson(SessionPage page, String csrf) {
        List<io.sessiongateway.generated.agentcloud.model.Session> sessions =
                page.items().stream().map(AgentcloudMapper::toSession).toList();
        return new SessionsJsonResponse().csrf(csrf).sessions(new ArrayList<>(sessions));
    }

    /**
     * The session a form post acts on: the path's id, which the body's {@code sessionId} must repeat. The vendor
     * acts on the body's id whatever the path says; the gateway refuses a mismatch with the vendor's answer for an
     * id that addresses nothing (400 {@code Invalid inputs}).
     */
    static SessionKey formKey(String teamObjectId, String pathSessionId, String bodySessionId) {
        String id = objectId(pathSessionId, "sessionId");
        if (bodySessionId == null) {
            throw GatewayException.invalidBody("sessionId is required", "sessionId");
        }
        if (!Ids.isObjectId(bodySessionId)) {
            throw GatewayException.invalidBody(
                    "Invalid inputs: sessionId must be an ObjectId (24 lowercase hex " + "digits)", "sessionId");
        }
        if (!bodySessionId.equals(id)) {
            throw GatewayException.invalidBody(
                    "Invalid inputs: the body's sessionId is not the session of the path", "sessionId");
        }
        return SessionKey.objectId(teamObjectId, id);
    }

    /**
     * The edit's change: {@code variables} replaces the stored object; without it (absent or null) nothing
     * changes. Read from the body's JSON tree, so numbers and nesting are stored exactly as sent.
     */
    static Optional<SessionPatch> edit(JsonNode body) {
        JsonNode variables = body == null ? null : body.get("variables");
        if (variables == null || variables.isNull()) {
            return Optional.empty();
        }
        if (!variables.isObject()) {
            throw GatewayException.invalidBody("variables must be an object", "variables");
        }
        return Optional.of(
                SessionPatch.builder().variables(variables.deepCopy()).build());
    }

    /** Whether the patch changes the session's variables (MongoDB counts an update to equal values unmodified). */
    static boolean modifies(Optional<SessionPatch> patch, Session current) {
        return patch.isPresent() && !patch.get().variables().value().equals(current.variables());
    }

    /** The vendor's answer to an edit: its message and MongoDB's UpdateResult for one matched document. */
    static EditSessionResponse edited(boolean modified) {
        return new EditSessionResponse()
                .message(EditSessionResponse.MessageEnum.SESSION_UPDATED_SUCCESSFULLY)
                .session(new UpdateResult()
                        .acknowledged(true)
                        .matchedCount(1)
                        .modifiedCount(modified ? 1 : 0)
                        .upsertedCount(0)
                        .upsertedId(null));
    }

    // ---- Conversations (messages.yaml)

    /** The vendor's answer to a message sent. */
    static final Map<String, Object> MESSAGE_SENT = Map.of("message", "Message sent successfully");

    /** Who wrote a user's message: the vendor's name for a sender without an account name (the gateway has none). */
    static final String EXTERNAL_API = "External API";

    /** The name system messages go by. */
    static final String SYSTEM_AUTHOR = "System";

    /**
     * {@code ?messageId=}: null when absent; otherwise an ObjectId, given once, else 400 (the vendor validates a
     * length of 24, then its query throws on anything else).
     */
    static String messageId(List<String> given) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        if (given.size() > 1) {
            throw GatewayException.invalidArgument("Message ID must be given once", "messageId");
        }
        String id = given.get(0);
        if (id.length() != 24) {
            throw GatewayException.invalidArgument("Message ID is not of the right length", "messageId");
        }
        if (!Ids.isObjectId(id)) {
            throw GatewayException.invalidArgument(
                    "Message ID must be an ObjectId: 24 lowercase hex digits", "messageId");
        }
        return id;
    }

    /**
     * The send-message body's {@code messageText}, in the vendor's validation words: absent, null or empty is
     * "Message Text is empty". (A body that is not an object, or a {@code messageText} that is not a string, is
     * refused before, where the body is read.)
     */
    static String messageText(JsonNode body) {
        JsonNode text = body == null ? null : body.get("messageText");
        if (text == null || text.isNull() || (text.isTextual() && text.asText().isEmpty())) {
            throw GatewayException.invalidBody("Message Text is empty", "messageText");
        }
        if (!text.isTextual()) {
            throw GatewayException.invalidBody("Message Text is an invalid type, should be \"string\"", "messageText");
        }
        return text.asText();
    }

    /** The session's messages as {@code messages.json} answers them. */
    static List<Map<String, Object>> chatMessages(Session s, List<Message> messages) {
        return messages.stream().map(m -> chatMessage(s, m)).toList();
    }

    /**
     * A message as the vendor stores a chat message ({@code db/chat.ts}): {@code _id} is the message's ObjectId,
     * {@code chunkId} its canonical id; {@code message} is the socket payload it would have been written from
     * ({@code incoming} true for the user's). The whole text is one chunk: the gateway stores an agent's message
     * once it is complete (its deltas are events, not chunks of the stored message).
     */
    static Map<String, Object> chatMessage(Session s, Message m) {
        String author = author(s, m.role());
        String text = text(m.content());
        long ts = m.createdAt().toEpochMilli();
        String chunkId = m.id().toString();

        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("type", "text");
        inner.put("text", text);
        inner.put("chunkId", chunkId);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", "_" + s.objectId());
        payload.put("authorName", author);
        payload.put("message", inner);
        payload.put("event", "message");
        payload.put("incoming", m.role() == Role.USER);
        payload.put("ts", ts);

        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("ts", ts);
        chunk.put("chunk", text);
        chunk.put("tokens", 0);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_id", m.objectId());
        c.put("orgId", s.scope().tenantObjectId());
        c.put("teamId", s.scope().teamObjectId());
        c.put("sessionId", s.objectId());
        c.put("chunkId", chunkId);
        c.put("message", payload);
        c.put("ts", ts);
        c.put("authorId", null);
        c.put("authorName", author);
        c.put("isFeedback", false);
        c.put("displayType", inline(m.content()) ? "inline" : "bubble");
        c.put("tokens", 0);
        c.put("chunks", List.of(chunk));
        return c;
    }

    /** The user's messages come from the API; the agent writes its own and its tools'. */
    static String author(Session s, Role role) {
        return switch (role) {
            case USER -> EXTERNAL_API;
            case AGENT, TOOL -> s.agent().name();
            case SYSTEM -> SYSTEM_AUTHOR;
        };
    }

    /**
     * The content as the text of one chat message: text parts as they are, an image as a Markdown image (the
     * vendor's chat renders Markdown), a tool call as {@code name(arguments)}, a tool result as its output; parts
     * other than consecutive texts on lines of their own.
     */
    static String text(List<Part> content) {
        StringBuilder b = new StringBuilder();
        Part previous = null;
        for (Part p : content) {
            boolean joined = previous == null || (previous instanceof Part.Text && p instanceof Part.Text);
            if (!joined) {
                b.append('\n');
            }
            if (p instanceof Part.Text t) {
                b.append(t.text());
            } else if (p instanceof Part.Image i) {
                b.append("![image](").append(i.url()).append(')');
            } else if (p instanceof Part.ToolCall call) {
                b.append(call.name()).append('(').append(call.arguments()).append(')');
            } else if (p instanceof Part.ToolResult result) {
                b.append(result.output());
            }
            previous = p;
        }
        return b.toString();
    }

    /** Tool calls and results show inline (the vendor's display type for its agents' tool use), the rest as bubbles. */
    static boolean inline(List<Part> content) {
        return content.stream().anyMatch(p -> p instanceof Part.ToolCall || p instanceof Part.ToolResult);
    }
}
