package io.sessiongateway.server.conformance;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.server.conformance.ScenarioTable.Role;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.RuntimeWorkers;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The fixture of each dialect: resources in fresh tenants, created through the gateway's APIs. */
final class Fixtures {
    private static final String NOT_A_TOKEN = "Bearer not.a.jwt";

    private Fixtures() {}

    /**
     * The settings every conformance harness runs with: the {@code script} responder's rules, whose {@code slow}
     * rule keeps a turn running for about two seconds (a busy Recoup chat), and a quick answer to anything else.
     */
    static Map<String, String> harnessEnv() {
        try {
            Path file = Files.createTempFile("conformance-script", ".yaml");
            Files.writeString(file, """
                    rules:
                      - match: "^slow"
                        reply: "a slow answer, one piece at a time, for a while"
                        delta_size: 3
                        delay_ms: 120
                    default: {reply: "ok"}
                    """);
            file.toFile().deleteOnExit();
            return Map.of("GATEWAY_RESPONDER_SCRIPT", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response expect(Response r, int status) {
        if (r.statusCode() != status) {
            throw new AssertionError(
                    "fixture setup: expected " + status + " but got " + r.statusCode() + ": " + r.asString());
        }
        return r;
    }

    private static UnsupportedOperationException unsupported(Who who) {
        return new UnsupportedOperationException("this fixture has no credential for " + who);
    }

    /** A tenant with a free agent, a restricted one, alice's session and a session with a client-chosen id. */
    static final class TrueFoundry extends Fixture {
        private static final List<Map<String, String>> INPUT = List.of(Map.of("type", "user.message", "content", "hi"));
        private static final String JSON_INPUT = "[{\"type\":\"user.message\",\"content\":\"hi\"}]";
        private final String session;
        private final String duplicate = fresh("dup");
        /** Two finished turns of alice's session: the first is never the last again. */
        private final String firstTurn;
        /** A session of an agent no worker answers, and its turn, which stays running. */
        private final String busySession;

        private final String busyTurn;

        TrueFoundry(GatewayHarness gateway) {
            super(gateway);
            provisioning.agent(tenant, "helper", List.of("bob"), false);
            provisioning.agent(tenant, "vault", List.of("bob"), true);
            provisioning.agent(otherTenant, "helper", List.of(), false);
            expect(clients.admin(tenant).createAgent(tenant, Map.of("name", "idle", "responder", "none")), 201);
            session = create(null, "helper");
            create(duplicate, "helper");
            firstTurn = turn(session, true);
            turn(session, true);
            busySession = create(null, "idle");
            busyTurn = turn(busySession, false);
        }

        /**
         * After a turn was created, the next exchange waits until the fixture's session has none open: a turn answered
         * as JSON ({@code stream: false}) runs on, and its end (status, {@code updated_at}) must not look like a write
         * of the refused request after it.
         */
        private boolean settling;

        @Override
        protected List<String> prepare(Exchange x) {
            if (settling) {
                settle();
                settling = false;
            }
            if (x.op != null && "createTurn".equals(x.op.id())) {
                settling = true;
            }
            return List.of();
        }

        private void settle() {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                Response r = clients.trueFoundry()
                        .bearer(token(tenant, "alice"))
                        .listTurns(tenant, session, Map.of("limit", 1));
                if (r.statusCode() == 200 && !"running".equals(r.path("data[0].state.status"))) {
                    return;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** A turn of the session: streamed to its end (echo), or answered at once as created (nobody answers). */
        private String turn(String id, boolean stream) {
            Response r = expect(
                    clients.trueFoundry()
                            .bearer(token(tenant, "alice"))
                            .createTurn(tenant, id, Map.of("input", INPUT, "stream", stream)),
                    200);
            if (!stream) {
                return r.path("data.id");
            }
            String body = r.asString();
            int at = body.indexOf("\"turn_id\":\"") + 11;
            return body.substring(at, body.indexOf('"', at));
        }

        private String create(String id, String agent) {
            Map<String, Object> body = new HashMap<>(Map.of("agent_name", agent));
            if (id != null) {
                body.put("id", id);
            }
            return expect(clients.trueFoundry().bearer(token(tenant, "alice")).create(tenant, body), 201)
                    .path("data.id");
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            return switch (who) {
                case OWNER -> bearer(token(tenant, "alice"));
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case OTHER_TENANT -> bearer(token(otherTenant, "alice"));
                case OUTSIDER -> bearer(token(tenant, "mallory"));
                case DISALLOWED_TYPE -> bearer(token(tenant, "robot-1", "robot", null, false, Duration.ofHours(1)));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case TENANT -> variant == Variant.EXISTING ? text(tenant) : null;
                case SESSION ->
                    switch (variant) {
                        case EXISTING, PROTECTED -> text(session); // alice's; the outsider is neither owner nor manager
                        case UNKNOWN -> text("session_" + hex(32));
                        case BUSY -> text(busySession);
                        default -> null;
                    };
                case TURN ->
                    switch (variant) {
                        case EXISTING, PROTECTED -> text(firstTurn);
                        case UNKNOWN -> text("turn_" + hex(32));
                        case BUSY -> text(busyTurn);
                        default -> null;
                    };
                case PREVIOUS_TURN ->
                    switch (variant) {
                        case EXISTING -> SchemaData.OMIT; // auto: continue the last turn
                        case UNKNOWN -> text("turn_" + hex(32));
                        case DUPLICATE -> text(firstTurn); // not the session's last turn
                        default -> null;
                    };
                case TURN_INPUT -> variant == Variant.EXISTING ? read(JSON_INPUT) : null;
                case AGENT ->
                    switch (variant) {
                        case EXISTING -> text("helper");
                        case PROTECTED -> text("vault");
                        case UNKNOWN -> text(fresh("nobody"));
                        default -> null;
                    };
                case CLIENT_ID ->
                    switch (variant) {
                        case EXISTING -> text(fresh("cid"));
                        case DUPLICATE -> text(duplicate);
                        default -> null;
                    };
                case PAGE_TOKEN ->
                    switch (variant) {
                        case EXISTING -> SchemaData.OMIT; // the first page
                        case UNKNOWN -> text("never-issued." + hex(16));
                        default -> null;
                    };
                default -> null;
            };
        }
    }

    /**
     * An organisation with an agent, an evr_ key, alice's session and a session mid-turn (for fork's 409); another
     * organisation. A delete of alice's session gets a fresh session instead ({@link #prepare}), so that the other
     * operations keep theirs.
     */
    static final class Everruns extends Fixture {
        private final String agent;
        private final String key;
        private final String session;
        private final String busy;

        Everruns(GatewayHarness gateway) {
            super(gateway);
            // Responder "none": a message sent queues a turn that nothing answers, so no worker writes to a session
            // while a later exchange checks that a refused request changed nothing.
            agent = provisioning
                    .agent(tenant, Map.of("name", "helper", "responder", "none"))
                    .everrunsId();
            key = provisioning.key(tenant, "everruns", "svc", null, List.of()).secret();
            session = newSession();
            busy = newSession();
            expect(clients.admin(tenant).updateSession(busy, Map.of("status", "running")), 200);
        }

        private String newSession() {
            return expect(clients.everruns().bearer(token(tenant, "alice")).create(Map.of("agent_id", agent)), 201)
                    .path("id");
        }

        @Override
        protected List<String> prepare(Exchange x) {
            if (x.op != null
                    && x.op.method().equalsIgnoreCase("DELETE")
                    && x.op.template().equals("/v1/sessions/{session_id}")
                    && session.equals(x.pathValues.get("session_id"))) {
                String fresh = newSession();
                x.pathValues.put("session_id", fresh);
                mayChange();
                return List.of(fresh);
            }
            return List.of();
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            return switch (who) {
                case OWNER ->
                    "apiKeyAuth".equals(scheme) ? headers("Authorization", key) : bearer(token(tenant, "alice"));
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case UNKNOWN_KEY -> headers("Authorization", "evr_" + hex(43));
                case OTHER_TENANT -> bearer(token(otherTenant, "alice"));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case SESSION ->
                    switch (variant) {
                        case EXISTING -> text(session);
                        case UNKNOWN -> text("session_" + hex(32));
                        case BUSY -> text(busy);
                        default -> null;
                    };
                case AGENT ->
                    variant == Variant.EXISTING
                            ? text(agent)
                            : variant == Variant.UNKNOWN ? text("agent_" + hex(32)) : null;
                case LOCALE -> variant == Variant.EXISTING ? text("uk-UA") : null;
                case PAGE_TOKEN -> variant == Variant.EXISTING ? SchemaData.OMIT : null;
                default -> null;
            };
        }
    }

    /**
     * A team (the tenant's default) with an app, a member's session, and a signed-in non-member. A delete expected
     * to succeed deletes a session of its own, and a message expected to be sent goes to one ({@link #beforeSend}).
     */
    static final class Agentcloud extends Fixture {
        private final String team;
        private final String app;
        private final String session;
        /** One unknown id, so that a path and a body naming "the unknown session" name the same one. */
        private final String unknownSession = hex(24);

        Agentcloud(GatewayHarness gateway) {
            super(gateway);
            // Responder "none": a message sent queues a turn that nothing answers, so no worker changes a session
            // while a later exchange checks that it changed nothing.
            Response agent = expect(
                    clients.admin(tenant).createAgent(tenant, Map.of("name", "helper", "responder", "none")), 201);
            team = agent.jsonPath().getString("team");
            app = agent.jsonPath().getString("ids.agentcloud");
            session = createSession();
        }

        private String createSession() {
            return AgentcloudClient.createdId(expect(
                    clients.agentcloud().withHeaders(headers(Who.OWNER, null)).create(team, Map.of("id", app)), 200));
        }

        /**
         * A delete that should succeed consumes its session, and a message sent needs a live one (a cancel sent
         * before it terminates the shared session): both get a fresh session of their own.
         */
        @Override
        protected void beforeSend(Exchange x) {
            boolean succeeds =
                    x.op != null && !x.expected.isEmpty() && x.expected.stream().allMatch(s -> s < 300);
            if (!succeeds || !(x.op.method().equals("DELETE") || "sendMessage".equals(x.op.id()))) {
                return;
            }
            String own = createSession();
            x.pathValues.replaceAll((name, value) -> value.equals(session) ? own : value);
            if (x.body != null) {
                x.body = new String(x.body, StandardCharsets.UTF_8)
                        .replace(session, own)
                        .getBytes(StandardCharsets.UTF_8);
            }
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            return switch (who) {
                case OWNER -> bearer(fullToken(tenant, "alice", null, List.of(team)));
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case OUTSIDER -> bearer(fullToken(tenant, "eve", null, List.of()));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case TEAM -> variant == Variant.EXISTING ? text(team) : null;
                case SESSION ->
                    variant == Variant.EXISTING
                            ? text(session)
                            : variant == Variant.UNKNOWN ? text(unknownSession) : null;
                case APP -> variant == Variant.EXISTING ? text(app) : variant == Variant.UNKNOWN ? text(hex(24)) : null;
                // messages.json?messageId=: every message for EXISTING; an ObjectId that names none for UNKNOWN
                case PAGE_TOKEN ->
                    variant == Variant.EXISTING ? SchemaData.OMIT : variant == Variant.UNKNOWN ? text(hex(24)) : null;
                default -> null;
            };
        }
    }

    /** An account with a key and a session; another account of the same tenant. */
    static final class Recoup extends Fixture {
        private static final String CHATS = "/api/sessions/{sessionId}/chats";
        private static final String CHAT = CHATS + "/{chatId}";
        /** Stands for "a session's only chat"; {@link #prepare} makes one for the exchange. */
        private static final String ONLY_CHAT = "00000000-0000-4000-8000-00000000000a";
        /** Stands for "a chat answering a message"; {@link #prepare} makes one for the exchange. */
        private static final String BUSY_CHAT = "00000000-0000-4000-8000-00000000000b";

        private final UUID account = UUID.randomUUID();
        private final UUID otherAccount = UUID.randomUUID();
        private final String key;
        private final String session;
        /** The session's initial chat (its default chat); the session has a second one, so it may be deleted. */
        private final String chat;
        /** The initial chat of another session of the account: an id this session cannot take. */
        private final String otherSessionsChat;
        /** Where busy chats are made (its sessions' statuses move while other exchanges run: not snapshotted). */
        private final String busyTenant = GatewayHarness.uniqueTenant();

        private boolean busyTenantReady;

        Recoup(GatewayHarness gateway) {
            super(gateway);
            // the tenant's Recoup agent answers with the script (harnessEnv): quickly, or slowly for a busy chat
            provisioning.agent(tenant, Map.of("name", "recoup", "responder", "script"));
            key = provisioning.key(tenant, "recoup", "svc", account, List.of()).secret();
            String[] created = newSessionAndChat();
            session = created[0];
            chat = created[1];
            newChat(session);
            otherSessionsChat = newSessionAndChat()[1];
        }

        private String newSession() {
            return newSessionAndChat()[0];
        }

        /** A session of account A and its initial chat's id. */
        private String[] newSessionAndChat() {
            Response r = expect(
                    clients.recoup()
                            .withHeaders(headers(Who.OWNER, "BearerAuth"))
                            .create(null),
                    200);
            return new String[] {r.path("session.id"), r.path("chat.id")};
        }

        private String newChat(String sessionId) {
            return expect(
                            clients.recoup()
                                    .withHeaders(headers(Who.OWNER, "BearerAuth"))
                                    .createChat(sessionId, null),
                            200)
                    .path("chat.id");
        }

        /**
         * A delete of account A's session or of its chat gets a fresh one, so that the other operations keep theirs;
         * "the only chat" becomes the initial chat of a fresh session.
         */
        @Override
        protected List<String> prepare(Exchange x) {
            if (x.op == null) {
                return List.of();
            }
            boolean delete = x.op.method().equalsIgnoreCase("DELETE");
            if (delete
                    && x.op.template().equals("/api/sessions/{sessionId}")
                    && session.equals(x.pathValues.get("sessionId"))) {
                String fresh = newSession();
                x.pathValues.put("sessionId", fresh);
                mayChange();
                return List.of(fresh);
            }
            String body = x.body == null ? "" : new String(x.body, StandardCharsets.UTF_8);
            if (BUSY_CHAT.equals(x.pathValues.get("chatId")) || body.contains(BUSY_CHAT)) {
                // in a tenant of its own: the answer ends during later exchanges, and moves its session's status
                String[] fresh = newBusySessionAndChat();
                startSlowAnswer(fresh[0], fresh[1]);
                x.headers.remove("x-api-key");
                x.headers.put("Authorization", "Bearer " + busyToken());
                if (x.pathValues.containsKey("chatId")) {
                    x.pathValues.put("chatId", fresh[1]);
                }
                if (x.pathValues.containsKey("sessionId")) {
                    x.pathValues.put("sessionId", fresh[0]);
                }
                if (x.body != null) {
                    x.body = body.replace(BUSY_CHAT, fresh[1])
                            .replace(session, fresh[0])
                            .getBytes(StandardCharsets.UTF_8);
                }
                mayChange();
                return List.of(fresh[0]);
            }
            if (ONLY_CHAT.equals(x.pathValues.get("chatId"))) {
                String[] fresh = newSessionAndChat();
                x.pathValues.put("sessionId", fresh[0]);
                x.pathValues.put("chatId", fresh[1]);
                mayChange();
                return List.of(fresh[0]);
            }
            if (delete && x.op.template().equals(CHAT) && chat.equals(x.pathValues.get("chatId"))) {
                x.pathValues.put("chatId", newChat(session));
                mayChange();
            }
            return List.of();
        }

        /** A session of the busy tenant's member, and its initial chat's id. */
        private String[] newBusySessionAndChat() {
            if (!busyTenantReady) {
                provisioning.agent(busyTenant, Map.of("name", "recoup", "responder", "script"));
                busyTenantReady = true;
            }
            Response r = expect(clients.recoup().bearer(busyToken()).create(null), 200);
            return new String[] {r.path("session.id"), r.path("chat.id")};
        }

        private String busyToken() {
            return fullToken(busyTenant, "user-a", account, List.of());
        }

        /** Sends a message the script answers slowly and leaves the stream after its headers: the chat is busy. */
        private void startSlowAnswer(String sessionId, String chatId) {
            String message = "{\"sessionId\":\"" + sessionId + "\",\"chatId\":\"" + chatId
                    + "\",\"messages\":[{\"id\":\"m1\",\"role\":\"user\",\"parts\":"
                    + "[{\"type\":\"text\",\"text\":\"slow\"}]}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/api/chat"))
                    .header("Authorization", "Bearer " + busyToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(message))
                    .build();
            try {
                HttpResponse<InputStream> r =
                        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
                r.body().close();
                if (r.statusCode() != 200) {
                    throw new AssertionError("fixture setup: a slow answer got " + r.statusCode());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            String jwt = fullToken(tenant, "user-a", account, List.of());
            return switch (who) {
                case OWNER -> "ApiKeyAuth".equals(scheme) ? headers("x-api-key", key) : bearer(jwt);
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case UNKNOWN_KEY -> headers("x-api-key", "rcp_" + hex(43));
                case BOTH_HEADERS -> headers("x-api-key", key, "Authorization", "Bearer " + jwt);
                case OUTSIDER -> bearer(fullToken(tenant, "user-b", otherAccount, List.of()));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case SESSION ->
                    switch (variant) {
                        case EXISTING, PROTECTED -> text(session); // account A's; the outsider is account B
                        case UNKNOWN -> text(fresh("nope"));
                        default -> null;
                    };
                case CHAT ->
                    switch (variant) {
                        case EXISTING, PROTECTED -> text(chat);
                        case UNKNOWN -> text(UUID.randomUUID().toString());
                        case ONLY -> text(ONLY_CHAT);
                        case BUSY -> text(BUSY_CHAT);
                        default -> null;
                    };
                case CLIENT_ID ->
                    switch (variant) {
                        case EXISTING -> text(UUID.randomUUID().toString());
                        case DUPLICATE -> text(otherSessionsChat);
                        default -> null;
                    };
                case MESSAGES ->
                    variant == Variant.EXISTING
                            ? read(
                                    "[{\"id\":\"m1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]")
                            : null;
                case ORGANIZATION ->
                    variant == Variant.EXISTING
                            ? SchemaData.OMIT // personal session
                            : variant == Variant.PROTECTED
                                    ? text(UUID.randomUUID().toString())
                                    : null;
                default -> null;
            };
        }
    }

    /**
     * A tenant with an agent, a team, a key and a session, administered by its admin token. A delete of the session
     * gets a fresh one instead ({@link #prepare}).
     */
    static final class Admin extends Fixture {
        private final String team;
        private final String key;
        private final String session;

        Admin(GatewayHarness gateway) {
            super(gateway);
            provisioning.agent(tenant, "existing-agent", List.of(), false);
            team = provisioning.team(tenant, "existing-team");
            key = provisioning.key(tenant, "everruns", "svc", null, List.of()).id();
            session = newSession();
        }

        private String newSession() {
            return expect(
                            clients.trueFoundry()
                                    .bearer(token(tenant, "alice"))
                                    .create(tenant, Map.of("agent_name", "existing-agent")),
                            201)
                    .path("data.id");
        }

        /** A delete of the shared session gets a fresh one, so that the other operations keep theirs. */
        @Override
        protected List<String> prepare(Exchange x) {
            if (x.op != null
                    && x.op.method().equalsIgnoreCase("DELETE")
                    && x.op.template().equals("/admin/v1/sessions/{sessionId}")
                    && session.equals(x.pathValues.get("sessionId"))) {
                String fresh = newSession();
                x.pathValues.put("sessionId", fresh);
                mayChange();
                return List.of(fresh);
            }
            return List.of();
        }

        /**
         * A request expected to get 304 (a served API document not changed since the client's copy) names the
         * document's current ETag in {@code If-None-Match}, as a client revalidating its cache does.
         */
        @Override
        protected void beforeSend(Exchange x) {
            if (x.op == null || !x.expected.equals(Set.of(304))) {
                return;
            }
            String path = x.op.template();
            for (Map.Entry<String, String> p : x.pathValues.entrySet()) {
                path = path.replace("{" + p.getKey() + "}", p.getValue());
            }
            String etag = gateway.given()
                    .get(gateway.baseUri() + path)
                    .then()
                    .statusCode(200)
                    .extract()
                    .header("ETag");
            x.headers.put("If-None-Match", etag);
        }

        @Override
        protected List<String> kinds() {
            return List.of("sessions", "agents", "teams", "api-keys");
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            return switch (who) {
                case OWNER -> bearer(adminToken(tenant));
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case OUTSIDER -> bearer(token(tenant, "alice"));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case TENANT -> variant == Variant.EXISTING ? text(tenant) : null;
                case API_KEY ->
                    variant == Variant.EXISTING
                            ? text(key)
                            : variant == Variant.UNKNOWN
                                    ? text(UUID.randomUUID().toString())
                                    : null;
                case SESSION ->
                    variant == Variant.EXISTING
                            ? text(session)
                            : variant == Variant.UNKNOWN ? text("session_" + hex(32)) : null;
                case AGENT_NAME ->
                    variant == Variant.EXISTING
                            ? text(fresh("agent"))
                            : variant == Variant.DUPLICATE ? text("existing-agent") : null;
                case TEAM_NAME ->
                    variant == Variant.EXISTING
                            ? text(fresh("team"))
                            : variant == Variant.DUPLICATE ? text("existing-team") : null;
                case TEAM ->
                    variant == Variant.EXISTING
                            ? text(team)
                            : variant == Variant.UNKNOWN ? text(fresh("no-such-team")) : null;
                case TEAM_CLAIM -> variant == Variant.EXISTING ? text(team) : null;
                case PAGE_TOKEN ->
                    switch (variant) {
                        case EXISTING -> SchemaData.OMIT; // the first page
                        case UNKNOWN -> text("never-issued." + hex(16));
                        default -> null;
                    };
                default -> null;
            };
        }
    }

    /**
     * The runtime API: a tenant with an agent answered by a responder of the fixture's own, a worker token, and
     * turns claimed through the API. Every exchange naming the shared turn gets a fresh one ({@link #prepare}):
     * running under the owner's lease (EXISTING) or another worker's (PROTECTED), in a session of its own, since a
     * successful finish or output changes the turn.
     */
    static final class Runtime extends Fixture {
        /** The default worker name, so that a body without one (a bad-input case) names the same lease holder. */
        private static final String WORKER_NAME = "default";

        private final String responder = "conf-" + hex(8);
        private final String worker = RuntimeWorkers.workerToken(tenant, "svc");
        private final String otherWorker = RuntimeWorkers.workerToken(tenant, "other-svc");
        private final String everrunsAgent;
        private final Database database;
        private final String shared;
        private final String sharedProtected;

        Runtime(GatewayHarness gateway) {
            super(gateway);
            everrunsAgent = expect(
                            clients.admin(tenant)
                                    .createAgent(tenant, Map.of("name", "runtime-agent", "responder", responder)),
                            201)
                    .path("ids.everruns");
            database = RuntimeWorkers.database(gateway, Map.of());
            shared = freshTurn(worker);
            sharedProtected = freshTurn(otherWorker);
        }

        /** A session with a user message, its turn claimed by this worker token; answers the turn's id. */
        private String freshTurn(String by) {
            return freshTurnAndSession(by).get(0);
        }

        /** The turn's id and its session's (Everruns) id. */
        private List<String> freshTurnAndSession(String by) {
            String id = expect(
                            clients.everruns().bearer(token(tenant, "alice")).create(Map.of("agent_id", everrunsAgent)),
                            201)
                    .path("id");
            String hex = id.substring("session_".length());
            UUID session = UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
            String turn = RuntimeWorkers.post(database, session, "hello", responder)
                    .turn()
                    .id()
                    .toString();
            Response claimed = gateway.given()
                    .header("Authorization", "Bearer " + by)
                    .contentType("application/json")
                    .body(Map.of(
                            "responders", List.of(responder), "max", 100, "lease_seconds", 3600, "worker", WORKER_NAME))
                    .post("/runtime/v1/claims");
            List<String> ids = expect(claimed, 200).jsonPath().getList("data.turn.id");
            if (!ids.contains(turn)) {
                throw new AssertionError("the fresh turn was not claimed: " + claimed.asString());
            }
            return List.of(turn, id);
        }

        @Override
        protected List<String> prepare(Exchange x) {
            String turn = x.pathValues.get("turn_id");
            if (turn == null || !(turn.equals(shared) || turn.equals(sharedProtected))) {
                return List.of();
            }
            List<String> fresh = freshTurnAndSession(turn.equals(shared) ? worker : otherWorker);
            x.pathValues.put("turn_id", fresh.get(0));
            mayChange();
            return List.of(fresh.get(1));
        }

        @Override
        public Map<String, String> headers(Who who, String scheme) {
            return switch (who) {
                case OWNER -> bearer(worker);
                case NONE -> Map.of();
                case GARBAGE -> headers("Authorization", NOT_A_TOKEN);
                case OUTSIDER -> bearer(token(tenant, "alice"));
                default -> throw unsupported(who);
            };
        }

        @Override
        protected JsonNode special(Role role, Variant variant) {
            return switch (role) {
                case TURN ->
                    switch (variant) {
                        case EXISTING -> text(shared);
                        case PROTECTED -> text(sharedProtected);
                        case UNKNOWN -> text(UUID.randomUUID().toString());
                        default -> null;
                    };
                case WORKER -> variant == Variant.EXISTING ? text(WORKER_NAME) : null;
                case WAIT -> variant == Variant.EXISTING ? SchemaData.OMIT : null;
                default -> null;
            };
        }
    }
}
