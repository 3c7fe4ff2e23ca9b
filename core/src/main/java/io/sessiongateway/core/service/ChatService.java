package io.sessiongateway.core.service;

import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.Chat;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.store.ConversationStore;
import io.sessiongateway.core.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A session's chats (Recoup's; docs/architecture.md "Conversations"): the default chat, whose id is the session's
 * canonical id and whose turns and messages carry {@code chat_id} null, and the extra chats of the {@code chat}
 * table. Guarded by the session's access rules as the lifecycle resolves them (reads need read access, writes write
 * access). A chat of another session, a deleted chat, or an id that is no chat is NOT_FOUND {@code chat_not_found}.
 */
public final class ChatService {
    /** The most messages one chat shows. */
    public static final int MAX_MESSAGES = 10_000;

    private final SessionStore sessions;
    private final ConversationStore store;
    private final SessionLifecycle lifecycle;
    private final ConversationService conversations;
    private final Clock clock;

    /** What a chat is when nobody chose: the dialect's title and model (the default chat has no row until changed). */
    public record Defaults(String title, String modelId) {}

    /**
     * A chat as a caller sees it.
     *
     * @param openTurn the chat's queued or running turn, if any (at most one: a chat answers one message at a time)
     * @param unread an agent message newer than the caller's account's read mark
     * @param lastAgentMessageAt when the chat's last agent message was stored
     */
    public record View(Chat chat, Optional<Turn> openTurn, boolean unread, Instant lastAgentMessageAt) {
        public boolean streaming() {
            return openTurn.isPresent();
        }
    }

    public ChatService(
            SessionStore sessions,
            ConversationStore store,
            SessionLifecycle lifecycle,
            ConversationService conversations,
            Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.lifecycle = lifecycle;
        this.conversations = conversations;
        this.clock = clock;
    }

    /** The session's live chats, oldest first (by creation, then id). */
    public List<View> list(Principal caller, AccessRule rule, SessionKey key, Defaults defaults) {
        Session session = lifecycle.read(caller, rule, key);
        return views(caller, session, live(session, defaults));
    }

    /** One live chat of the session. */
    public View get(Principal caller, AccessRule rule, SessionKey key, String chatId, Defaults defaults) {
        Session session = lifecycle.read(caller, rule, key);
        Chat chat = find(session, chatId, defaults);
        return views(caller, session, List.of(chat)).get(0);
    }

    /** The chat's messages, by seq (at most {@link #MAX_MESSAGES}). */
    public List<Message> messages(Session session, Chat chat) {
        return store.listChatMessages(session.id(), chat.isDefault() ? null : chat.id(), MAX_MESSAGES);
    }

    /**
     * Creates a chat with the given id (a fresh one when null). An id the session already has answers that chat (a
     * deleted one stays deleted: NOT_FOUND); an id of another session's chat, or of another session, is CONFLICT
     * {@code chat_conflict}.
     */
    public Chat create(Principal caller, AccessRule rule, SessionKey key, UUID chatId, Defaults defaults) {
        Session session = lifecycle.writable(caller, rule, key);
        UUID id = chatId == null ? UUID.randomUUID() : chatId;
        if (!id.equals(session.id()) && chatId != null && sessions.findById(id).isPresent()) {
            throw conflict();
        }
        Instant createdAt = id.equals(session.id()) ? session.times().createdAt() : now();
        Chat chat = store.createChat(session.id(), id, defaults.title(), defaults.modelId(), createdAt)
                .orElseThrow(ChatService::sessionGone);
        if (chat.isDeleted()) {
            throw chatNotFound();
        }
        return chat;
    }

    /** Renames the chat and/or sets its model (null: unchanged). */
    public Chat update(
            Principal caller,
            AccessRule rule,
            SessionKey key,
            String chatId,
            String title,
            String modelId,
            Defaults defaults) {
        Session session = lifecycle.writable(caller, rule, key);
        Chat chat = materialize(session, find(session, chatId, defaults), defaults);
        return store.updateChat(chat.id(), title, modelId, now()).orElseThrow(ChatService::chatNotFound);
    }

    /**
     * Deletes the chat: it leaves every chat list and read, its open turns are cancelled ({@code abandoned}), and its
     * messages stay in the session's log (other dialects still show them). INVALID_ARGUMENT {@code last_chat} when
     * it is the session's only chat.
     */
    public void delete(Principal caller, AccessRule rule, SessionKey key, String chatId, Defaults defaults) {
        Session session = lifecycle.writable(caller, rule, key);
        Chat chat = find(session, chatId, defaults);
        if (live(session, defaults).size() <= 1) {
            throw new GatewayException(
                    ErrorKind.INVALID_ARGUMENT, "last_chat", "Cannot delete the only chat in a session", null);
        }
        if (!store.deleteChat(materialize(session, chat, defaults).id(), now())) {
            throw chatNotFound();
        }
    }

    /** Marks the chat read for the caller's account now. */
    public void markRead(Principal caller, AccessRule rule, SessionKey key, String chatId, Defaults defaults) {
        Session session = lifecycle.read(caller, rule, key);
        Chat chat = find(session, chatId, defaults);
        if (caller.account() != null) {
            store.markChatRead(chat.id(), caller.account(), now());
        }
    }

    /**
     * The session key of a chat named by its id alone: an extra chat's session, or the session whose canonical id
     * it is (the default chat). NOT_FOUND {@code chat_not_found} when it is neither; access is checked by the call
     * that uses the key.
     */
    public SessionKey keyOfChat(String tenantName, String chatId) {
        UUID id = parse(chatId).orElseThrow(ChatService::chatNotFound);
        UUID sessionId = store.findChat(id).map(Chat::sessionId).orElse(id);
        return SessionKey.id(tenantName, sessionId);
    }

    /**
     * Posts the caller's user message into the chat and queues its turn. CONFLICT {@code chat_busy} while a turn of
     * the chat is open (one answer per chat at a time; other chats of the session queue behind it).
     */
    public Posted post(
            Principal caller, AccessRule rule, SessionKey key, String chatId, NewMessage message, Defaults defaults) {
        View view = get(caller, rule, key, chatId, defaults);
        if (view.streaming()) {
            throw new GatewayException(
                    ErrorKind.CONFLICT, "chat_busy", "Another workflow is already running for this chat", null);
        }
        Chat chat = view.chat();
        NewMessage inChat = new NewMessage(
                message.role(), message.content(), chat.isDefault() ? null : chat.id(), message.postedBy());
        return conversations.post(caller, rule, key, inChat);
    }

    /** Cancels the chat's open turn ({@code client-cancelled}); empty when none was open. */
    public Optional<Turn> stop(Principal caller, AccessRule rule, SessionKey key, String chatId, Defaults defaults) {
        Session session = lifecycle.writable(caller, rule, key);
        Chat chat = find(session, chatId, defaults);
        Optional<Turn> open = openTurn(session, chat);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        return store.cancelTurn(open.get().id(), CancelReason.CLIENT_CANCELLED, now())
                .filter(t -> t.status() == TurnStatus.CANCELLED && t.cancelReason() == CancelReason.CLIENT_CANCELLED);
    }

    /** The session a chat read resolved, with the chat (for the stream operations, which read its turn's log). */
    public record Resolved(Session session, View view) {}

    /** The session and the chat, as the caller may read them. */
    public Resolved resolve(Principal caller, AccessRule rule, SessionKey key, String chatId, Defaults defaults) {
        Session session = lifecycle.read(caller, rule, key);
        Chat chat = find(session, chatId, defaults);
        return new Resolved(session, views(caller, session, List.of(chat)).get(0));
    }

    /**
     * The seq of the turn's first event (its user message's {@code message.created}): a stream of the turn's
     * answer reads the log after the seq before it.
     */
    public long turnStartSeq(Turn turn) {
        return store.listEvents(turn.sessionId(), new EventQuery(0, null, Set.of(), turn.id(), 1, false)).stream()
                .findFirst()
                .map(Event::seq)
                .orElse(1L);
    }

    // ---- helpers

    private List<Chat> live(Session session, Defaults defaults) {
        List<Chat> rows = store.listChats(session.id());
        List<Chat> chats = new ArrayList<>();
        boolean defaultRow = false;
        for (Chat c : rows) {
            if (c.isDefault()) {
                defaultRow = true;
            }
            if (!c.isDeleted()) {
                chats.add(c);
            }
        }
        if (!defaultRow) {
            chats.add(defaultChat(session, defaults));
        }
        chats.sort(Comparator.comparing(Chat::createdAt).thenComparing(Chat::id));
        return chats;
    }

    private Chat find(Session session, String chatId, Defaults defaults) {
        UUID id = parse(chatId).orElseThrow(ChatService::chatNotFound);
        Optional<Chat> row = store.findChat(id);
        if (row.isPresent()) {
            Chat c = row.get();
            if (c.isDeleted() || !c.sessionId().equals(session.id())) {
                throw chatNotFound();
            }
            return c;
        }
        if (id.equals(session.id())) {
            return defaultChat(session, defaults);
        }
        throw chatNotFound();
    }

    /** The chat's row, creating the default chat's when it has none yet. */
    private Chat materialize(Session session, Chat chat, Defaults defaults) {
        if (!chat.isDefault()) {
            return chat;
        }
        return store.createChat(session.id(), session.id(), defaults.title(), defaults.modelId(), chat.createdAt())
                .orElseThrow(ChatService::sessionGone);
    }

    private static Chat defaultChat(Session session, Defaults defaults) {
        Instant created = session.times().createdAt();
        return new Chat(session.id(), session.id(), defaults.title(), defaults.modelId(), created, created, null);
    }

    private List<View> views(Principal caller, Session session, List<Chat> chats) {
        Map<UUID, Instant> reads =
                caller.account() == null ? Map.of() : store.chatReads(session.id(), caller.account());
        Map<UUID, Instant> lastAgent = store.lastAgentMessages(session.id());
        List<Turn> open = openTurns(session);
        List<View> views = new ArrayList<>();
        for (Chat c : chats) {
            Instant last = lastAgent.get(c.isDefault() ? null : c.id());
            Instant read = reads.get(c.id());
            boolean unread = last != null && (read == null || last.isAfter(read));
            views.add(new View(c, openIn(open, c), unread, last));
        }
        return views;
    }

    private List<Turn> openTurns(Session session) {
        return store.listTurns(session.id(), null, 100).stream()
                .filter(t -> !t.status().isFinished())
                .toList();
    }

    private Optional<Turn> openTurn(Session session, Chat chat) {
        return openIn(openTurns(session), chat);
    }

    private static Optional<Turn> openIn(List<Turn> open, Chat chat) {
        UUID chatId = chat.isDefault() ? null : chat.id();
        return open.stream().filter(t -> Objects.equals(t.chatId(), chatId)).min(Comparator.comparingInt(Turn::number));
    }

    private static Optional<UUID> parse(String id) {
        if (id == null || id.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static GatewayException chatNotFound() {
        return GatewayException.notFound("chat_not_found", "Chat not found");
    }

    private static GatewayException conflict() {
        return new GatewayException(ErrorKind.CONFLICT, "chat_conflict", "Chat ID conflict", "id");
    }

    private static GatewayException sessionGone() {
        return GatewayException.notFound("session_not_found", "Session not found");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
