package io.sessiongateway.server.conformance;

import static io.sessiongateway.server.conformance.ScenarioTable.Role.AGENT;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.AGENT_NAME;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.API_KEY;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.APP;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.CHAT;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.CLIENT_ID;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.LOCALE;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.MESSAGES;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.ORGANIZATION;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.PAGE_TOKEN;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.PREVIOUS_TURN;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.SESSION;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TEAM;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TEAM_CLAIM;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TEAM_NAME;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TENANT;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TURN;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.TURN_INPUT;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.WAIT;
import static io.sessiongateway.server.conformance.ScenarioTable.Role.WORKER;
import static io.sessiongateway.server.conformance.ScenarioTable.Variant.BUSY;
import static io.sessiongateway.server.conformance.ScenarioTable.Variant.DUPLICATE;
import static io.sessiongateway.server.conformance.ScenarioTable.Variant.ONLY;
import static io.sessiongateway.server.conformance.ScenarioTable.Variant.PROTECTED;
import static io.sessiongateway.server.conformance.ScenarioTable.Variant.UNKNOWN;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.BOTH_HEADERS;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.DISALLOWED_TYPE;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.GARBAGE;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.NONE;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.OTHER_TENANT;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.OUTSIDER;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.OWNER;
import static io.sessiongateway.server.conformance.ScenarioTable.Who.UNKNOWN_KEY;
import static io.sessiongateway.server.conformance.ScenarioTable.as;
import static io.sessiongateway.server.conformance.ScenarioTable.notProvokable;
import static io.sessiongateway.server.conformance.ScenarioTable.violations;

import io.sessiongateway.server.testing.spec.SpecCatalog;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.util.List;

/**
 * The scenario table of each dialect and of the admin API: per declared status, how a client provokes it. Adding
 * an operation to a document adds its cases with no change here, as long as its parameters and properties use
 * the roles below and its statuses have a row; a status without a row shows up as "uncovered" in the report.
 */
public final class Dialects {
    private static final String SERVER_FAILURE = "a failure of the gateway itself (a bug, or the store failing "
            + "mid-request); no client request provokes it. An unreachable database is 503, tested elsewhere";

    private Dialects() {}

    /**
     * The operations of a dialect's documents that a gateway with the default configuration serves: all but the admin
     * document's testing endpoints, which exist only with {@code gateway.testing.enabled} (ResetFaultsJournalIT and
     * ResetFaultsJournalDisabledIT cover them, every response validated against the document).
     */
    public static List<SpecOperation> served(SpecCatalog catalog, String dialect) {
        return catalog.of(dialect).stream()
                .filter(op -> !op.template().startsWith("/admin/v1/testing"))
                .toList();
    }

    public static List<ScenarioTable> all() {
        return List.of(trueFoundry(), everruns(), agentcloud(), recoup(), admin(), runtime());
    }

    static ScenarioTable trueFoundry() {
        return new ScenarioTable(
                        "truefoundry",
                        "truefoundry/get-session.yaml",
                        "RequestErrorResponse",
                        Fixtures.TrueFoundry::new)
                .role("tenantName", TENANT)
                .role("sessionId", SESSION)
                .role("agent_name", AGENT)
                .role("page_token", PAGE_TOKEN)
                .role("turnId", TURN)
                .role("last_turn_id", TURN)
                .role("CreateTurnRequest.previous_turn_id", PREVIOUS_TURN)
                .role("CreateTurnRequest.input", TURN_INPUT)
                .on(200, as(OWNER))
                .on(201, as(OWNER))
                // malformed parameters and bodies are 422, except on cancel and the conversation operations, whose
                // documents have only 400
                .on(422, violations())
                .on(
                        400,
                        as(DISALLOWED_TYPE).onlyFor("POST /{tenantName}/v1/agents/sessions"),
                        as(OWNER, UNKNOWN, PAGE_TOKEN),
                        violations())
                .on(401, as(NONE), as(GARBAGE), as(OTHER_TENANT))
                .on(403, as(OUTSIDER, PROTECTED))
                .on(404, as(OWNER, UNKNOWN, SESSION, AGENT, TURN, PREVIOUS_TURN))
                .on(405, as(OWNER), as(NONE))
                .on(
                        409,
                        as(OWNER, DUPLICATE, "id", CLIENT_ID).onlyFor("POST /{tenantName}/v1/agents/sessions"),
                        as(OWNER, BUSY).onlyFor("listTurnEvents"))
                .on(
                        412,
                        notProvokable("the vendor's executor could not confirm a cancellation; the gateway runs "
                                        + "no turns on executors")
                                .onlyFor("cancelSession"),
                        as(OWNER, DUPLICATE, PREVIOUS_TURN).onlyFor("createTurn"),
                        notProvokable("the vendor's turn or stream store could not serve the turn chain; the "
                                        + "gateway keeps every turn and event in its own store")
                                .onlyFor("listTurns", "subscribeToTurn", "listTurnEvents", "listSessionEvents"))
                .on(
                        424,
                        notProvokable("a service the vendor's cancellation depends on failed; the gateway has "
                                + "no such dependency"))
                .on(
                        504,
                        notProvokable("the vendor's stream backend timed out; the gateway reads its own store, and "
                                + "a long subscription ends with a whole frame for the client to resume"));
    }

    static ScenarioTable everruns() {
        return new ScenarioTable("everruns", "everruns/get-session.yaml", "ErrorResponse", Fixtures.Everruns::new)
                .role("session_id", SESSION)
                .role("agent_id", AGENT)
                .role("locale", LOCALE)
                .role("cursor", PAGE_TOKEN)
                // an event id names an event of the session only: the ITs follow real ones
                .role("since_id", PAGE_TOKEN)
                .on(200, as(OWNER))
                .on(201, as(OWNER))
                .on(204, as(OWNER))
                .on(400, violations())
                .on(401, as(NONE), as(GARBAGE), as(UNKNOWN_KEY))
                .on(404, as(OWNER, UNKNOWN), as(OTHER_TENANT))
                .on(409, as(OWNER, BUSY, SESSION))
                .on(500, notProvokable(SERVER_FAILURE))
                .nullMeansAbsent("the vendor's optional fields are serde Options, which read null as absent");
    }

    static ScenarioTable agentcloud() {
        return new ScenarioTable(
                        "agentcloud", "agentcloud/retrieve-session.yaml", "dynamicResponse", Fixtures.Agentcloud::new)
                .role("resourceSlug", TEAM)
                .role("sessionId", SESSION)
                .role("AddSessionRequest.id", APP)
                .role("messageId", PAGE_TOKEN)
                .on(200, as(OWNER))
                .on(400, violations(), as(OWNER, UNKNOWN))
                .on(403, as(OUTSIDER), as(NONE), as(GARBAGE))
                .on(500, notProvokable(SERVER_FAILURE))
                .nullMeansAbsent("the vendor destructures {id, skipRun} from the body; a null skipRun is falsy, "
                        + "like an absent one");
    }

    static ScenarioTable recoup() {
        return new ScenarioTable("recoup", "recoup/get-session.yaml", "Error", Fixtures.Recoup::new)
                .role("sessionId", SESSION)
                .role("organizationId", ORGANIZATION)
                .role("chatId", CHAT)
                .role("CreateChatRequest.id", CLIENT_ID)
                .role("ChatStreamRequest.messages", MESSAGES)
                .on(
                        200,
                        as(OWNER).exceptFor("GET /api/chat/{chatId}/stream"),
                        as(OWNER, BUSY, CHAT).onlyFor("GET /api/chat/{chatId}/stream"))
                .on(204, as(OWNER))
                .on(400, violations(), as(OWNER, ONLY, CHAT).onlyFor("DELETE /api/sessions/{sessionId}/chats/{chatId}"))
                .on(401, as(NONE), as(GARBAGE), as(UNKNOWN_KEY), as(BOTH_HEADERS))
                .on(403, as(OUTSIDER, PROTECTED))
                .on(404, as(OWNER, UNKNOWN))
                .on(
                        409,
                        as(OWNER, DUPLICATE, CLIENT_ID),
                        as(OWNER, BUSY, CHAT).onlyFor("POST /api/chat", "POST /api/chat/workflow"),
                        notProvokable("unarchiving while the vendor's sandbox is still pausing without a snapshot; "
                                        + "the gateway runs no sandboxes, so no session is ever pausing")
                                .onlyFor("PATCH /api/sessions/{sessionId}"))
                .on(500, notProvokable(SERVER_FAILURE))
                .on(
                        502,
                        notProvokable("the vendor's workspace repository could not be provisioned; the gateway "
                                        + "provisions no repository, so nothing can fail there")
                                .onlyFor("POST /api/sessions"),
                        notProvokable("the vendor's workflow service did not confirm a stop; the gateway cancels "
                                        + "the turn in its own store")
                                .onlyFor("POST /api/chat/{chatId}/stop"));
    }

    static ScenarioTable admin() {
        return new ScenarioTable("admin", "admin/admin.yaml", "AdminError", Fixtures.Admin::new)
                .role("tenant", TENANT)
                .role("keyId", API_KEY)
                .role("sessionId", SESSION)
                .role("CreateAgentRequest.name", AGENT_NAME)
                .role("CreateTeamRequest.name", TEAM_NAME)
                .role("CreateAgentRequest.team", TEAM)
                .role("CreateApiKeyRequest.teams[]", TEAM_CLAIM)
                .role("cursor", PAGE_TOKEN)
                .on(200, as(OWNER))
                .on(201, as(OWNER))
                .on(204, as(OWNER))
                .on(304, as(OWNER))
                .on(401, as(NONE), as(GARBAGE))
                .on(403, as(OUTSIDER))
                .on(404, as(OWNER, UNKNOWN, API_KEY, SESSION))
                .on(409, as(OWNER, DUPLICATE))
                .on(422, violations(), as(OWNER, UNKNOWN, TEAM, PAGE_TOKEN))
                .on(
                        503,
                        notProvokable("readiness fails only while the database is unreachable; this suite shares a "
                                + "running database (the health tests stop one of their own)"))
                .nullMeansAbsent("the gateway's own API: null on an optional property means it was not given");
    }

    static ScenarioTable runtime() {
        return new ScenarioTable("runtime", "runtime/runtime.yaml", "RuntimeError", Fixtures.Runtime::new)
                .role("turn_id", TURN)
                .role("ClaimRequest.worker", WORKER)
                .role("OutputRequest.worker", WORKER)
                .role("LeaseRequest.worker", WORKER)
                .role("FinishRequest.worker", WORKER)
                .role("wait_seconds", WAIT)
                .role("ClaimRequest.wait_seconds", WAIT)
                .on(200, as(OWNER))
                .on(401, as(NONE), as(GARBAGE))
                .on(403, as(OUTSIDER))
                .on(404, as(OWNER, UNKNOWN, TURN))
                .on(409, as(OWNER, PROTECTED, TURN))
                .on(422, violations())
                .nullMeansAbsent("the gateway's own API: null on an optional property means it was not given");
    }
}
