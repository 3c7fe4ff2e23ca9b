package io.sessiongateway.adapters.recoup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.service.ChatService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Recoup chats as the canonical store holds them (pure functions): a chat and its summary, its messages as AI SDK UI
 * messages, and the request bodies of the chat operations.
 */
final class RecoupChatMapper {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a chat is when nobody chose: the vendor's initial chat. */
    static final ChatService.Defaults DEFAULTS =
            new ChatService.Defaults(RecoupMapper.CHAT_TITLE, RecoupMapper.CHAT_MODEL);

    private static final Set<String> PATCH_FIELDS = Set.of("title", "modelId");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private RecoupChatMapper() {}

    /** {@code Chat}: the stream id is the open turn's; the session id is the session's Recoup id. */
    static ObjectNode chat(ChatService.View view, String sessionPublicId) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", view.chat().id().toString());
        o.put("sessionId", sessionPublicId);
        o.put("title", view.chat().title());
        o.put("modelId", view.chat().modelId());
        o.put("activeStreamId", view.openTurn().map(t -> t.id().toString()).orElse(null));
        o.put(
                "lastAssistantMessageAt",
                view.lastAgentMessageAt() == null ? null : Timestamps.format(view.lastAgentMessageAt()));
        o.put("createdAt", Timestamps.format(view.chat().createdAt()));
        o.put("updatedAt", Timestamps.format(view.chat().updatedAt()));
        return o;
    }

    /** {@code ChatSummary}: the chat with the caller's unread flag and its streaming flag. */
    static ObjectNode summary(ChatService.View view, String sessionPublicId) {
        ObjectNode o = chat(view, sessionPublicId);
        o.put("hasUnread", view.unread());
        o.put("isStreaming", view.streaming());
        return o;
    }

    /** {@code ListChatsResponse}. */
    static ObjectNode list(List<ChatService.View> views, String sessionPublicId) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode chats = o.putArray("chats");
        views.forEach(v -> chats.add(summary(v, sessionPublicId)));
        o.put("defaultModelId", DEFAULTS.modelId());
        return o;
    }

    /** {@code ChatResponse}. */
    static ObjectNode chatResponse(ChatService.View view, String sessionPublicId) {
        ObjectNode o = JSON.createObjectNode();
        o.set("chat", chat(view, sessionPublicId));
        return o;
    }

    /** {@code GetChatResponse}. */
    static ObjectNode getResponse(ChatService.View view, String sessionPublicId, List<Message> messages) {
        ObjectNode o = chatResponse(view, sessionPublicId);
        o.put("isStreaming", view.streaming());
        o.set("messages", uiMessages(messages));
        return o;
    }

    /**
     * The chat's messages as AI SDK UI messages, by seq: {@code agent} is {@code assistant}; a tool call is a
     * {@code tool-<name>} part of the assistant message that made it, and a tool's result (a {@code tool} message)
     * moves that part to {@code output-available} or {@code output-error} rather than showing as a message.
     */
    static ArrayNode uiMessages(List<Message> messages) {
        ArrayNode out = JSON.createArrayNode();
        Map<String, ObjectNode> toolParts = new HashMap<>();
        for (Message m : messages) {
            if (m.role() == Role.TOOL) {
                for (Part p : m.content()) {
                    if (p instanceof Part.ToolResult r && toolParts.containsKey(r.toolCallId())) {
                        ObjectNode part = toolParts.get(r.toolCallId());
                        if (r.isError()) {
                            part.put("state", "output-error");
                            part.put("errorText", r.output());
                        } else {
                            part.put("state", "output-available");
                            part.put("output", r.output());
                        }
                    }
                }
                continue;
            }
            ObjectNode ui = out.addObject();
            ui.put("id", m.id().toString());
            ui.put("role", m.role() == Role.AGENT ? "assistant" : m.role().dbValue());
            ArrayNode parts = ui.putArray("parts");
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    parts.addObject().put("type", "text").put("text", t.text());
                } else if (p instanceof Part.Image i) {
                    parts.addObject()
                            .put("type", "file")
                            .put("mediaType", i.mediaType() == null ? "application/octet-stream" : i.mediaType())
                            .put("url", i.url());
                } else if (p instanceof Part.ToolCall c) {
                    ObjectNode part = parts.addObject()
                            .put("type", "tool-" + c.name())
                            .put("toolCallId", c.id())
                            .put("state", "input-available");
                    part.set("input", c.arguments() == null ? JSON.createObjectNode() : c.arguments());
                    toolParts.put(c.id(), part);
                } else if (p instanceof Part.ToolResult r) {
                    parts.addObject().put("type", "text").put("text", r.output() == null ? "" : r.output());
                }
            }
        }
        return out;
    }

    /** The chat id a create asks for: null for a fresh one; 400 {@code Invalid chat id} when not a UUID. */
    static UUID createChatId(JsonNode tree) {
        JsonNode id = tree == null ? null : tree.get("id");
        if (id == null) {
            return null;
        }
        UUID parsed = id.isTextual() ? uuid(id.asText()) : null;
        if (parsed == null) {
            throw GatewayException.invalidBody("Invalid chat id", "id");
        }
        return parsed;
    }

    /** A PATCH body: {@code title} and/or {@code modelId}, non-empty strings, nothing else. */
    record ChatPatch(String title, String modelId) {}

    static ChatPatch patch(JsonNode tree) {
        if (tree == null || tree.isEmpty()) {
            throw GatewayException.invalidBody("Provide a title or a modelId", null);
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PATCH_FIELDS.contains(name)) {
                throw GatewayException.invalidBody("Unknown field " + name, name);
            }
        }
        return new ChatPatch(nonEmpty(tree, "title"), nonEmpty(tree, "modelId"));
    }

    private static String nonEmpty(JsonNode tree, String field) {
        JsonNode v = tree.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw GatewayException.invalidBody(field + " must be a non-empty string", field);
        }
        return v.asText();
    }

    /** A send's body, read: the session, the chat and the new user message (the last of {@code messages}). */
    record Send(String sessionId, String chatId, NewMessage message) {}

    static Send send(JsonNode tree) {
        if (tree == null) {
            throw GatewayException.invalidBody("messages, chatId and sessionId are required", null);
        }
        String sessionId = requiredString(tree, "sessionId");
        String chatId = requiredString(tree, "chatId");
        JsonNode messages = tree.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayException.invalidBody("messages must be a non-empty array", "messages");
        }
        for (JsonNode m : messages) {
            if (!m.isObject()
                    || !m.path("id").isTextual()
                    || !m.path("role").isTextual()
                    || !ROLES.contains(m.path("role").asText())
                    || !m.path("parts").isArray()) {
                throw GatewayException.invalidBody("each message needs an id, a role and parts", "messages");
            }
            for (JsonNode p : m.path("parts")) {
                if (!p.isObject() || !p.path("type").isTextual()) {
                    throw GatewayException.invalidBody("each part needs a type", "messages");
                }
            }
        }
        JsonNode limit = tree.get("contextLimit");
        if (limit != null && (!limit.isIntegralNumber() || limit.asLong() < 1)) {
            throw GatewayException.invalidBody("contextLimit must be a positive integer", "contextLimit");
        }
        JsonNode token = tree.get("recoupAccessToken");
        if (token != null && !token.isTextual()) {
            throw GatewayException.invalidBody("recoupAccessToken must be a string", "recoupAccessToken");
        }
        JsonNode last = messages.get(messages.size() - 1);
        if (!"user".equals(last.path("role").asText())) {
            throw GatewayException.invalidBody("the last message must be the user's", "messages");
        }
        List<Part> content = new ArrayList<>();
        for (JsonNode p : last.path("parts")) {
            String type = p.path("type").asText();
            if ("text".equals(type) && p.path("text").isTextual()) {
                content.add(new Part.Text(p.path("text").asText()));
            } else if ("file".equals(type) && p.path("url").isTextual()) {
                content.add(new Part.Image(
                        p.path("url").asText(),
                        p.path("mediaType").isTextual() ? p.path("mediaType").asText() : null));
            }
        }
        if (content.isEmpty()) {
            throw GatewayException.invalidBody("the last message has no text or file part", "messages");
        }
        return new Send(sessionId, chatId, new NewMessage(Role.USER, content, null, null));
    }

    private static String requiredString(JsonNode tree, String field) {
        JsonNode v = tree.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw GatewayException.invalidBody(field + " is required", field);
        }
        return v.asText();
    }

    private static UUID uuid(String s) {
        if (s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A resume's {@code startIndex} as sent: absent is 0; anything but one non-negative integer is 400. */
    static int startIndex(List<String> values) {
        if (values == null || values.isEmpty()) {
            return 0;
        }
        String v = values.get(0);
        if (values.size() > 1 || !v.matches("[0-9]{1,9}")) {
            throw GatewayException.invalidArgument("startIndex must be a non-negative integer", "startIndex");
        }
        return Integer.parseInt(v);
    }
}
