package io.sessiongateway.adapters.truefoundry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.FrameMapper;
import io.sessiongateway.adapters.spi.SseFrame;
import io.sessiongateway.adapters.spi.StreamOptions;
import io.sessiongateway.adapters.truefoundry.TrueFoundryTurnMapper.NewTurn;
import io.sessiongateway.core.conversation.CancelReason;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.EventQuery;
import io.sessiongateway.core.conversation.EventType;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.conversation.TurnStatus;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.service.ConversationService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionLifecycle;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * TrueFoundry's turns and turn events over the canonical conversation ({@code specs/truefoundry/turns.yaml},
 * {@code turn-events.yaml}): parse, call {@link ConversationService}, render with {@link TrueFoundryTurnMapper}.
 * Every operation reads (and create writes) under the sessions' rule ({@link AccessRule#OWNER_MANAGER_OR_ADMIN}).
 * Malformed parameters, bodies and page tokens are 400 (these documents declare no 422); a turn id the gateway never
 * issued, or one of another session, is 404; the events of a turn that still runs are 409.
 */
final class TrueFoundryTurns {
    static final AccessRule RULE = AccessRule.OWNER_MANAGER_OR_ADMIN;
    static final int TURNS_DEFAULT = 10;
    static final int TURNS_MAX = 25;
    static final int TURN_EVENTS_MAX = 25;
    static final int SESSION_EVENTS_MAX = 100;
    /** The documents' {@code maxLength} of a turn id: longer is a malformed parameter (400), not an unknown turn. */
    static final int TURN_ID_MAX = 128;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConversationService conversations;
    private final SessionLifecycle lifecycle;
    private final PageTokens tokens;
    private final EventStreams streams;

    TrueFoundryTurns(
            ConversationService conversations, SessionLifecycle lifecycle, PageTokens tokens, EventStreams streams) {
        this.conversations = conversations;
        this.lifecycle = lifecycle;
        this.tokens = tokens;
        this.streams = streams;
    }

    // ---- create and subscribe: streams

    /**
     * Starts a turn: {@code previous_turn_id} {@code auto} (or absent, or {@code none}: the gateway keeps one chain
     * per session) cancels an open turn with {@code cancelled-for-next-turn}; a turn id must be the session's last
     * (404 unknown, 412 not the last) and cancels it the same way when it runs. Answers the turn's stream from its
     * {@code turn.created}.
     */
    Response create(Principal caller, SessionKey key, JsonNode body) {
        NewTurn request = TrueFoundryTurnMapper.newTurn(body);
        Session session = lifecycle.writable(caller, RULE, key);
        if (!request.previous().equals(TrueFoundryTurnMapper.AUTO)
                && !request.previous().equals(TrueFoundryTurnMapper.NONE)) {
            UUID previous = TrueFoundryTurnMapper.parseTurnId(request.previous())
                    .orElseThrow(() -> previousNotFound(request.previous()));
            Turn named = sessionTurn(caller, key, previous).orElseThrow(() -> previousNotFound(request.previous()));
            List<Turn> last = conversations.turns(caller, RULE, key, null, 1);
            if (last.isEmpty() || !last.get(0).id().equals(named.id())) {
                throw new GatewayException(
                        ErrorKind.CONFLICT,
                        TrueFoundryDialect.PRECONDITION_FAILED,
                        "previous_turn_id '" + request.previous() + "' is not the session's last turn",
                        "previous_turn_id");
            }
        }
        conversations.cancelOpenTurns(caller, RULE, key, CancelReason.CANCELLED_FOR_NEXT_TURN);
        Posted posted = conversations.post(
                caller, RULE, key, new NewMessage(Role.USER, request.parts(), null, caller.subject()));
        if (!request.stream()) {
            ObjectNode created = NODES.objectNode();
            created.set(
                    "data",
                    TrueFoundryTurnMapper.turn(
                            posted.turn(), session.publicId(), posted.message(), null, session.owner()));
            return Response.ok(created).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        return stream(session, posted.turn(), session.owner(), posted.message().seq() - 1, 0);
    }

    /**
     * The turn's stream after {@code after_sequence_number} (else {@code Last-Event-Id}, else from its start): written
     * events first, then live ones, ending after its {@code turn.done} (at once for a finished turn).
     */
    Response subscribe(Principal caller, SessionKey key, String turnId, String lastEventId, JsonNode body) {
        Long after = afterSequence(body, lastEventId);
        Session session = lifecycle.read(caller, RULE, key);
        Turn turn = turn(caller, key, turnId);
        Optional<Event> first = firstEvent(caller, key, turn.id());
        long start = first.map(e -> e.seq() - 1).orElse(0L);
        return stream(session, turn, session.owner(), start, after == null ? 0 : after);
    }

    /**
     * One turn's frames: the session log after {@code startAfter} filtered to the turn, frames at or below
     * {@code skipThrough} not written (a resume reads from the turn's start, so that {@code turn.done} still knows
     * the turn's output), ending after the turn's terminal event.
     */
    private Response stream(Session session, Turn turn, SubjectRef creator, long startAfter, long skipThrough) {
        UUID turnId = turn.id();
        ObjectNode[] lastOutput = new ObjectNode[1];
        FrameMapper mapper = e -> {
            Optional<ObjectNode> rendered = TrueFoundryTurnMapper.event(e, turn, creator, lastOutput[0]);
            if (rendered.isEmpty()) {
                return List.of();
            }
            ObjectNode o = rendered.get();
            if ("model.message".equals(o.path("type").asText())) {
                lastOutput[0] = o;
            }
            if (e.seq() <= skipThrough) {
                return List.of();
            }
            return List.of(SseFrame.of(Long.toString(e.seq()), o.path("type").asText(), o.toString()));
        };
        return streams.open(
                session.id(),
                startAfter,
                mapper,
                StreamOptions.defaults()
                        .filter(e -> turnId.equals(e.turnId()))
                        .endAfter(TrueFoundryTurnMapper::isTerminal));
    }

    /** {@code after_sequence_number} of the body, else the {@code Last-Event-Id} header; null: neither. */
    static Long afterSequence(JsonNode body, String lastEventId) {
        if (body != null && body.isObject() && body.has("after_sequence_number")) {
            JsonNode n = body.get("after_sequence_number");
            if (n.isNull()) {
                return lastEventId(lastEventId);
            }
            if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
                throw GatewayException.invalidBody(
                        "after_sequence_number must be a non-negative integer", "after_sequence_number");
            }
            return n.asLong();
        }
        if (body != null && !body.isNull() && !body.isObject()) {
            throw GatewayException.invalidBody("the body must be a JSON object", null);
        }
        return lastEventId(lastEventId);
    }

    private static Long lastEventId(String value) {
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9]{1,18}")) {
            throw GatewayException.invalidArgument("Last-Event-Id must be a sequence number", "Last-Event-Id");
        }
        return Long.parseLong(value);
    }

    // ---- JSON reads

    /** A page of the session's turns, newest first. */
    Response listTurns(Principal caller, SessionKey key, String pageToken, Integer limit) {
        int lim = limit(limit, TURNS_MAX);
        Session session = lifecycle.read(caller, RULE, key);
        String fingerprint = PageTokens.fingerprint("turns", session.id(), lim);
        Integer before = pageToken == null ? null : (int) position(pageToken, fingerprint);
        // The session is resolved (and its access checked) once for the page: each turn's input and last output
        // are one log read each, not a read of the session and its pin before each of them.
        ConversationService.SessionLog log = conversations.log(session);
        List<Turn> turns = log.turns(before, lim + 1);
        ArrayNode data = NODES.arrayNode();
        for (Turn t : turns.subList(0, Math.min(lim, turns.size()))) {
            data.add(view(log, session, t));
        }
        ObjectNode page = NODES.objectNode();
        page.set("data", data);
        ObjectNode pagination = page.putObject("pagination").put("limit", lim);
        if (turns.size() > lim) {
            pagination.put("next_page_token", token(turns.get(lim - 1).number(), fingerprint));
        }
        return Response.ok(page).build();
    }

    /** One turn of the session. */
    Response getTurn(Principal caller, SessionKey key, String turnId) {
        Session session = lifecycle.read(caller, RULE, key);
        Turn turn = turn(caller, key, turnId);
        ObjectNode body = NODES.objectNode();
        body.set("data", view(caller, key, session, turn));
        return Response.ok(body).build();
    }

    /** A finished turn's content events ({@code model.message}, {@code tool.response}); 409 while it runs. */
    Response listTurnEvents(
            Principal caller, SessionKey key, String turnId, String pageToken, Integer limit, String order) {
        int lim = limit(limit, TURN_EVENTS_MAX);
        boolean desc = order(order);
        Session session = lifecycle.read(caller, RULE, key);
        Turn turn = turn(caller, key, turnId);
        if (!turn.status().isFinished()) {
            throw new GatewayException(
                    ErrorKind.CONFLICT,
                    "turn_running",
                    "turn '" + turnId + "' is still running; subscribe to it for its events");
        }
        String fingerprint = PageTokens.fingerprint("turn-events", session.id(), turn.id(), lim, desc);
        Long cursor = pageToken == null ? null : position(pageToken, fingerprint);
        // the turn's first event is its user message (its turn.created): content starts after it
        long first = firstEvent(caller, key, turn.id()).map(Event::seq).orElse(0L);
        long after = !desc && cursor != null ? Math.max(first, cursor) : first;
        Long before = desc ? cursor : null;
        List<Event> events = conversations.events(
                caller,
                RULE,
                key,
                new EventQuery(after, before, TrueFoundryTurnMapper.CONTENT, turn.id(), lim + 1, desc));
        ArrayNode data = NODES.arrayNode();
        SubjectRef creator = session.owner();
        for (Event e : events.subList(0, Math.min(lim, events.size()))) {
            TrueFoundryTurnMapper.event(e, turn, creator, null).ifPresent(data::add);
        }
        ObjectNode page = NODES.objectNode();
        page.set("data", data);
        ObjectNode pagination = page.putObject("pagination").put("limit", lim);
        if (events.size() > lim) {
            pagination.put("next_page_token", token(events.get(lim - 1).seq(), fingerprint));
        }
        return Response.ok(page).build();
    }

    /**
     * The session's events as {@code {turn_id, event}}, newest first, from the window's newest finished turn
     * ({@code last_turn_id}, else the session's last turn; a running one is left out for its parent) back.
     */
    Response listSessionEvents(Principal caller, SessionKey key, String pageToken, String lastTurnId, Integer limit) {
        int lim = limit(limit, SESSION_EVENTS_MAX);
        if (lastTurnId != null && lastTurnId.isEmpty()) {
            throw GatewayException.invalidArgument("last_turn_id must not be empty", "last_turn_id");
        }
        Session session = lifecycle.read(caller, RULE, key);
        String fingerprint = PageTokens.fingerprint("session-events", session.id(), lim);
        ObjectNode page = NODES.objectNode();
        ArrayNode data = page.putArray("data");
        ObjectNode pagination = page.putObject("pagination").put("limit", lim);
        long before;
        int anchorNumber;
        if (pageToken != null) {
            String[] position = rawPosition(pageToken, fingerprint).split(":", -1);
            try {
                before = Long.parseLong(position[0]);
                anchorNumber = Integer.parseInt(position[1]);
            } catch (RuntimeException e) {
                throw invalidToken();
            }
        } else {
            Optional<Turn> anchor = lastTurnId == null
                    ? conversations.turns(caller, RULE, key, null, 1).stream().findFirst()
                    : Optional.of(turn(caller, key, lastTurnId));
            while (anchor.isPresent() && !anchor.get().status().isFinished()) {
                UUID parent = anchor.get().previousTurnId();
                anchor = parent == null ? Optional.empty() : sessionTurn(caller, key, parent);
            }
            if (anchor.isEmpty()) {
                return Response.ok(page).build();
            }
            anchorNumber = anchor.get().number();
            before = conversations
                            .events(
                                    caller,
                                    RULE,
                                    key,
                                    new EventQuery(
                                            0,
                                            null,
                                            TrueFoundryTurnMapper.TERMINAL,
                                            anchor.get().id(),
                                            1,
                                            true))
                            .stream()
                            .findFirst()
                            .map(Event::seq)
                            .orElse(0L)
                    + 1;
        }
        List<Event> events = conversations.events(
                caller, RULE, key, new EventQuery(0, before, TrueFoundryTurnMapper.SESSION_EVENTS, null, lim, true));
        Map<UUID, Optional<Turn>> turns = new HashMap<>();
        Map<UUID, ObjectNode> outputs = new HashMap<>();
        for (Event e : events) {
            if (e.turnId() == null) {
                continue;
            }
            Optional<Turn> t = turns.computeIfAbsent(e.turnId(), id -> sessionTurn(caller, key, id));
            if (t.isEmpty() || t.get().number() > anchorNumber) {
                continue;
            }
            ObjectNode output = TrueFoundryTurnMapper.isTerminal(e)
                    ? outputs.computeIfAbsent(t.get().id(), id -> lastOutput(caller, key, t.get()))
                    : null;
            Optional<ObjectNode> rendered = TrueFoundryTurnMapper.event(e, t.get(), session.owner(), output);
            rendered.ifPresent(ev -> data.addObject()
                    .put("turn_id", TrueFoundryTurnMapper.turnId(e.turnId()))
                    .set("event", ev));
        }
        if (events.size() == lim) {
            pagination.put(
                    "next_page_token",
                    tokens.encode(
                            Position.ofObjectId(events.get(lim - 1).seq() + ":" + anchorNumber),
                            Direction.NEXT,
                            fingerprint));
        }
        return Response.ok(page).build();
    }

    // ---- the parts the operations share

    /** A turn as {@code Turn}, with its input and its last model message. */
    private ObjectNode view(Principal caller, SessionKey key, Session session, Turn t) {
        return view(conversations.log(caller, RULE, key), session, t);
    }

    /** {@link #view(Principal, SessionKey, Session, Turn)} over a log already resolved. */
    private static ObjectNode view(ConversationService.SessionLog log, Session session, Turn t) {
        Message input = firstEvent(log, t.id())
                .filter(TrueFoundryTurnMapper::isUserMessage)
                .map(e -> userMessage(e, session))
                .orElse(null);
        return TrueFoundryTurnMapper.turn(t, session.publicId(), input, lastOutput(log, t), session.owner());
    }

    private static Message userMessage(Event e, Session session) {
        JsonNode m = e.payload().path("message");
        return new Message(
                UUID.fromString(m.path("id").asText()),
                session.id(),
                e.turnId(),
                null,
                e.seq(),
                Role.USER,
                ConversationJson.parts(m.path("content")),
                m.path("object_id").asText(),
                e.createdAt());
    }

    /** The turn's last model message (agent message or tool call), as {@code model.message}; null: none. */
    private ObjectNode lastOutput(Principal caller, SessionKey key, Turn t) {
        return t.status() != TurnStatus.DONE ? null : lastOutput(conversations.log(caller, RULE, key), t);
    }

    private static ObjectNode lastOutput(ConversationService.SessionLog log, Turn t) {
        if (t.status() != TurnStatus.DONE) {
            return null;
        }
        return log
                .page(new EventQuery(0, null, Set.of(EventType.MESSAGE_CREATED, EventType.TOOL_CALL), t.id(), 1, true))
                .stream()
                .filter(e -> !TrueFoundryTurnMapper.isUserMessage(e))
                .findFirst()
                .flatMap(e -> TrueFoundryTurnMapper.event(e, t, null, null))
                .orElse(null);
    }

    private Optional<Event> firstEvent(Principal caller, SessionKey key, UUID turnId) {
        return conversations.events(caller, RULE, key, new EventQuery(0, null, Set.of(), turnId, 1, false)).stream()
                .findFirst();
    }

    private static Optional<Event> firstEvent(ConversationService.SessionLog log, UUID turnId) {
        return log.page(new EventQuery(0, null, Set.of(), turnId, 1, false)).stream()
                .findFirst();
    }

    /** The session's turn by TrueFoundry id: 404 for an id the gateway never issued or another session's turn. */
    private Turn turn(Principal caller, SessionKey key, String turnId) {
        if (turnId.length() > TURN_ID_MAX) {
            throw GatewayException.invalidArgument("turnId must be at most " + TURN_ID_MAX + " characters", "turnId");
        }
        UUID id = TrueFoundryTurnMapper.parseTurnId(turnId)
                .orElseThrow(() -> GatewayException.notFound("turn_not_found", "turn '" + turnId + "' not found"));
        return sessionTurn(caller, key, id)
                .orElseThrow(() -> GatewayException.notFound("turn_not_found", "turn '" + turnId + "' not found"));
    }

    private Optional<Turn> sessionTurn(Principal caller, SessionKey key, UUID id) {
        try {
            return Optional.of(conversations.turn(caller, RULE, key, id));
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND && "turn_not_found".equals(e.code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static GatewayException previousNotFound(String id) {
        return GatewayException.notFound(
                "turn_not_found", "previous_turn_id '" + id + "' is not a turn of this session");
    }

    static int limit(Integer value, int max) {
        if (value == null) {
            return max == TURNS_MAX ? TURNS_DEFAULT : max;
        }
        if (value < 1 || value > max) {
            throw GatewayException.invalidArgument("limit must be an integer from 1 to " + max, "limit");
        }
        return value;
    }

    /** {@code order}: {@code asc} (default) or {@code desc}; true for descending. */
    static boolean order(String value) {
        if (value == null || value.equals("asc")) {
            return false;
        }
        if (value.equals("desc")) {
            return true;
        }
        throw GatewayException.invalidArgument("order must be asc or desc", "order");
    }

    private String token(long position, String fingerprint) {
        return tokens.encode(Position.ofObjectId(Long.toString(position)), Direction.NEXT, fingerprint);
    }

    private long position(String token, String fingerprint) {
        try {
            long p = Long.parseLong(rawPosition(token, fingerprint));
            if (p < 0 || p > Integer.MAX_VALUE * 1024L) {
                throw invalidToken();
            }
            return p;
        } catch (NumberFormatException e) {
            throw invalidToken();
        }
    }

    private String rawPosition(String token, String fingerprint) {
        PageTokens.Cursor cursor = tokens.decode(token, fingerprint, TrueFoundryListMapper.PAGE_TOKEN);
        if (cursor.direction() != Direction.NEXT || cursor.position().objectId() == null) {
            throw invalidToken();
        }
        return cursor.position().objectId();
    }

    private static GatewayException invalidToken() {
        return new GatewayException(
                ErrorKind.INVALID_ARGUMENT,
                TrueFoundryListMapper.INVALID_PAGE_TOKEN,
                "page_token was not issued for this listing",
                TrueFoundryListMapper.PAGE_TOKEN);
    }
}
