package io.sessiongateway.server.conformance;

import static io.sessiongateway.server.testing.GatewayHarness.adminToken;
import static io.sessiongateway.server.testing.GatewayHarness.fullToken;
import static io.sessiongateway.server.testing.GatewayHarness.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import io.sessiongateway.server.conformance.ScenarioTable.Role;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.nio.charset.StandardCharsets;
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
            agent = provisioning.agent(tenant, "helper", List.of(), false).everrunsId();
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
     * to succeed deletes a session of its own ({@link #beforeSend}).
     */
    static final class Agentcloud extends Fixture {
        private final String team;
        private final String app;
        private final String session;
        /** One unknown id, so that a path and a body naming "the unknown session" name the same one. */
        private final String unknownSession = hex(24);

        Agentcloud(GatewayHarness gateway) {
            super(gateway);
            Provisioning.Agent agent = provisioning.agent(tenant, "helper", List.of(), false);
            team = agent.team();
            app = agent.agentcloudId();
            session = createSession();
        }

        private String createSession() {
            return AgentcloudClient.createdId(expect(
                    clients.agentcloud().withHeaders(headers(Who.OWNER, null)).create(team, Map.of("id", app)), 200));
        }

        @Override
        protected void beforeSend(Exchange x) {
            boolean deletes = x.op != null
                    && x.op.method().equals("DELETE")
                    && !x.expected.isEmpty()
                    && x.expected.stream().allMatch(s -> s < 300);
            if (!deletes) {
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
                default -> null;
            };
        }
    }

    /** An account with a key and a session; another account of the same tenant. */
    static final class Recoup extends Fixture {
        private final UUID account = UUID.randomUUID();
        private final UUID otherAccount = UUID.randomUUID();
        private final String key;
        private final String session;

        Recoup(GatewayHarness gateway) {
            super(gateway);
            key = provisioning.key(tenant, "recoup", "svc", account, List.of()).secret();
            session = newSession();
        }

        private String newSession() {
            return expect(
                            clients.recoup()
                                    .withHeaders(headers(Who.OWNER, "BearerAuth"))
                                    .create(null),
                            200)
                    .path("session.id");
        }

        /** A delete of account A's session gets a fresh one, so that the other operations keep theirs. */
        @Override
        protected List<String> prepare(Exchange x) {
            if (x.op != null
                    && x.op.method().equalsIgnoreCase("DELETE")
                    && x.op.template().equals("/api/sessions/{sessionId}")
                    && session.equals(x.pathValues.get("sessionId"))) {
                String fresh = newSession();
                x.pathValues.put("sessionId", fresh);
                mayChange();
                return List.of(fresh);
            }
            return List.of();
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
}
