package io.sessiongateway.adapters.recoup;

import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.DirectRead;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Posted;
import io.sessiongateway.core.conversation.Turn;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ChatService;
import io.sessiongateway.core.service.SessionLifecycle;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.recoup.api.ApiApi;
import io.sessiongateway.generated.recoup.api.ApiChatStreamApi;
import io.sessiongateway.generated.recoup.api.ApiChatsApi;
import io.sessiongateway.generated.recoup.api.ApiCreateSessionApi;
import io.sessiongateway.generated.recoup.api.ApiDeleteSessionApi;
import io.sessiongateway.generated.recoup.api.ApiListSessionsApi;
import io.sessiongateway.generated.recoup.api.ApiUpdateSessionApi;
import io.sessiongateway.generated.recoup.model.CreateChatRequest;
import io.sessiongateway.generated.recoup.model.CreateSessionRequest;
import io.sessiongateway.generated.recoup.model.CreateSessionResponse;
import io.sessiongateway.generated.recoup.model.GetSessionResponse;
import io.sessiongateway.generated.recoup.model.PatchChatRequest;
import io.sessiongateway.generated.recoup.model.PatchSessionRequest;
import jakarta.inject.Provider;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Recoup sessions: owned by an account; exactly one of {@code x-api-key} or a Bearer token. Create and get are the
 * public API's; PATCH too; list and delete are in the shape of the vendor's web app (the public API has neither).
 * Every operation but create checks credentials before it reads parameters or a body ({@link CredentialsFirst}).
 */
public final class RecoupAdapter
        implements ApiApi,
                ApiCreateSessionApi,
                ApiUpdateSessionApi,
                ApiListSessionsApi,
                ApiDeleteSessionApi,
                ApiChatsApi,
                ApiChatStreamApi,
                CredentialsFirst,
                DirectRead {
    private final SessionService sessions;
    private final AgentService agents;
    private final String agentName;
    private final ChatService chats;
    private final EventStreams streams;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    /**
     * @param agentName the tenant's agent that Recoup-created sessions belong to (Recoup names none)
     * @param chats the sessions' chats (null where only declarations are read)
     * @param streams the SSE streams for the UI message streams (null where only declarations are read)
     */
    public RecoupAdapter(
            SessionService sessions, AgentService agents, String agentName, ChatService chats, EventStreams streams) {
        this.sessions = sessions;
        this.agents = agents;
        this.agentName = agentName;
        this.chats = chats;
        this.streams = streams;
    }

    /**
     * Credentials before parameters and body, except on create ({@code POST /api/sessions}): the vendor's create
     * handler validates its body before it authenticates ({@code validateCreateSessionBody}, specs/recoup/NOTES.md),
     * so there a badly typed body is 400 before 401, and {@link #createSession} checks the credentials itself.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        ContainerRequestContext r = request.get();
        if (HttpMethod.POST.equals(r.getMethod()) && r.getUriInfo().getPath().endsWith("api/sessions")) {
            return;
        }
        RecoupCredentials.principal(caller);
    }

    @Override
    public Response apiSessionsSessionIdGet(String sessionId) {
        return Response.ok(get(RecoupCredentials.principal(Caller.of(request.get())), sessionId))
                .build();
    }

    /** Get's answer, for Jersey's method and the server's fast path alike. */
    private GetSessionResponse get(Principal principal, String sessionId) {
        Session session = sessions.getForAccountOwner(principal, sessionId);
        return new GetSessionResponse().session(RecoupMapper.toSession(session));
    }

    @Override
    public String directOperation() {
        return "apiSessionsSessionIdGet";
    }

    /** {@link #verifyCredentials} for a GET, then {@link #apiSessionsSessionIdGet}. */
    @Override
    public Object readDirect(Caller caller, Map<String, String> pathParameters) {
        return get(RecoupCredentials.principal(caller), pathParameters.get("sessionId"));
    }

    /**
     * Authenticates, validates the body (an organization other than the caller's tenant is refused without creating
     * anything), checks that the caller has an account and may create sessions, and only then ensures the tenant's
     * Recoup agent and creates the session under it with a city title.
     */
    @Override
    public Response createSession(CreateSessionRequest body) {
        Principal principal = RecoupCredentials.principal(Caller.of(request.get()));
        NewSession newSession = RecoupMapper.newSession(
                body,
                RequestBodies.tree(request.get()),
                principal,
                agents.findTenant(principal.tenant()).map(Tenant::id));
        if (principal.account() == null) {
            throw GatewayException.unauthenticated("credential carries no account");
        }
        sessions.checkMayCreate(principal);
        agents.ensure(principal.tenant(), agentName);
        Session session =
                sessions.createForAgentName(principal, principal.tenant(), agentName, newSession, RecoupTitles.RULE);
        return Response.ok(new CreateSessionResponse()
                        .session(RecoupMapper.toSession(session))
                        .chat(RecoupMapper.chat(session)))
                .build();
    }

    /** Renames, archives, unarchives, finishes or counts lines: credentials, then the body, then 404, then 403. */
    @Override
    public Response patchSessionById(String sessionId, PatchSessionRequest body) {
        Principal principal = principal();
        var patch = RecoupLifecycleMapper.patch(body, RequestBodies.tree(request.get()));
        Session session = lifecycle().update(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId), patch);
        return Response.ok(new GetSessionResponse().session(RecoupMapper.toSession(session)))
                .build();
    }

    /**
     * The caller's account's sessions, newest first, one offset page (the web app's shape); the generated
     * parameters are Jersey's conversion of the same values, which the mapper reads as sent to refuse repeats.
     */
    @Override
    public Response listSessions(String status, Long limit, Long offset) {
        Principal principal = principal();
        var params = RecoupLifecycleMapper.listParams(request.get().getUriInfo().getQueryParameters());
        var query = params.query(principal.tenant());
        SessionPage page = lifecycle().list(principal, query);
        OptionalLong archived = params.wantsArchivedCount()
                ? OptionalLong.of(lifecycle().stats(principal, query).of(SessionStatus.ARCHIVED))
                : OptionalLong.empty();
        return Response.ok(RecoupLifecycleMapper.toList(page, params, archived)).build();
    }

    /** Deletes (a tombstone): every dialect's get and list stop finding it; again is 404. */
    @Override
    public Response deleteSession(String sessionId) {
        Principal principal = principal();
        lifecycle().delete(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId));
        // Not the generated DeleteSessionResponse: its one-value boolean enum is written as the string "true".
        return Response.ok(Map.of("success", true)).build();
    }

    /** Not kept at construction: the command line builds dialects without services to read their declarations. */
    private SessionLifecycle lifecycle() {
        return sessions.lifecycle();
    }

    private Principal principal() {
        return RecoupCredentials.principal(Caller.of(request.get()));
    }

    private static SessionKey key(Principal principal, String sessionId) {
        return SessionKey.publicId(principal.tenant(), sessionId);
    }

    // ---- Chats (chats.yaml)

    @Override
    public Response listSessionChats(String sessionId) {
        Principal principal = principal();
        var views = chats.list(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId), DEFAULTS);
        return Response.ok(RecoupChatMapper.list(views, sessionId)).build();
    }

    /** Creates a chat (the client's id, or a fresh one); an id the session has answers that chat. */
    @Override
    public Response createSessionChat(String sessionId, CreateChatRequest body) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        var chat = chats.create(
                principal,
                RecoupLifecycleMapper.RULE,
                key,
                RecoupChatMapper.createChatId(RequestBodies.tree(request.get())),
                DEFAULTS);
        var view =
                chats.get(principal, RecoupLifecycleMapper.RULE, key, chat.id().toString(), DEFAULTS);
        return Response.ok(RecoupChatMapper.chatResponse(view, sessionId)).build();
    }

    @Override
    public Response getSessionChat(String sessionId, String chatId) {
        Principal principal = principal();
        var resolved =
                chats.resolve(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId), chatId, DEFAULTS);
        List<Message> messages =
                chats.messages(resolved.session(), resolved.view().chat());
        return Response.ok(RecoupChatMapper.getResponse(resolved.view(), sessionId, messages))
                .build();
    }

    @Override
    public Response patchSessionChat(String sessionId, String chatId, PatchChatRequest body) {
        Principal principal = principal();
        SessionKey key = key(principal, sessionId);
        var patch = RecoupChatMapper.patch(RequestBodies.tree(request.get()));
        var chat = chats.update(
                principal, RecoupLifecycleMapper.RULE, key, chatId, patch.title(), patch.modelId(), DEFAULTS);
        var view =
                chats.get(principal, RecoupLifecycleMapper.RULE, key, chat.id().toString(), DEFAULTS);
        return Response.ok(RecoupChatMapper.chatResponse(view, sessionId)).build();
    }

    /** Deletes the chat (its open answer is abandoned; its messages stay in the session's log); not the only one. */
    @Override
    public Response deleteSessionChat(String sessionId, String chatId) {
        Principal principal = principal();
        chats.delete(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId), chatId, DEFAULTS);
        return Response.ok(Map.of("success", true)).build();
    }

    @Override
    public Response markChatRead(String sessionId, String chatId) {
        Principal principal = principal();
        chats.markRead(principal, RecoupLifecycleMapper.RULE, key(principal, sessionId), chatId, DEFAULTS);
        return Response.ok(Map.of("success", true)).build();
    }

    // ---- The UI message stream (chat-stream.yaml)

    /** Stores the last message as the user's, queues its turn and streams the answer. */
    @Override
    public Response chatStream(Object body) {
        Principal principal = principal();
        var send = RecoupChatMapper.send(RequestBodies.tree(request.get()));
        Posted posted = chats.post(
                principal,
                RecoupLifecycleMapper.RULE,
                key(principal, send.sessionId()),
                send.chatId(),
                send.message(),
                DEFAULTS);
        return RecoupStreams.answer(streams, posted.turn(), posted.message().seq() - 1, 0);
    }

    @Override
    public Response chatWorkflowStream(Object body) {
        return chatStream(body);
    }

    /** Cancels the chat's running answer: {@code stopped} says whether one was running. */
    @Override
    public Response stopChat(String chatId) {
        Principal principal = principal();
        Optional<Turn> stopped = byChat(
                () -> chats.stop(principal, RecoupLifecycleMapper.RULE, chatKey(principal, chatId), chatId, DEFAULTS));
        return Response.ok(Map.of("success", true, "stopped", stopped.isPresent()))
                .build();
    }

    /** The running answer's stream from its start (less {@code startIndex} chunks); 204 when none runs. */
    @Override
    public Response resumeChatStream(String chatId, Integer startIndex) {
        Principal principal = principal();
        int skip = RecoupChatMapper.startIndex(
                request.get().getUriInfo().getQueryParameters().get("startIndex"));
        var resolved = byChat(() ->
                chats.resolve(principal, RecoupLifecycleMapper.RULE, chatKey(principal, chatId), chatId, DEFAULTS));
        Optional<Turn> open = resolved.view().openTurn();
        if (open.isEmpty()) {
            return Response.noContent().build();
        }
        long from = chats.turnStartSeq(open.get()) - 1;
        return RecoupStreams.answer(streams, open.get(), from, skip);
    }

    private SessionKey chatKey(Principal principal, String chatId) {
        return chats.keyOfChat(principal.tenant(), chatId);
    }

    /** The chat operations without a session id: a session that is not there is a chat that is not there. */
    private static <T> T byChat(Supplier<T> call) {
        try {
            return call.get();
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw GatewayException.notFound("chat_not_found", "Chat not found");
            }
            throw e;
        }
    }

    private static final ChatService.Defaults DEFAULTS = RecoupChatMapper.DEFAULTS;
}
