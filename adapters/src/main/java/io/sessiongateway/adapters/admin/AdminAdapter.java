package io.sessiongateway.adapters.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.spi.Caller;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.ApiKey;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewApiKey;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.model.Usage;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.admin.api.AdminApi;
import io.sessiongateway.generated.admin.model.AgentIds;
import io.sessiongateway.generated.admin.model.AgentList;
import io.sessiongateway.generated.admin.model.ApiKey.DialectEnum;
import io.sessiongateway.generated.admin.model.ApiKeyList;
import io.sessiongateway.generated.admin.model.CreateAgentRequest;
import io.sessiongateway.generated.admin.model.CreateApiKeyRequest;
import io.sessiongateway.generated.admin.model.CreateTeamRequest;
import io.sessiongateway.generated.admin.model.CreatedApiKey;
import io.sessiongateway.generated.admin.model.NewFaultRule;
import io.sessiongateway.generated.admin.model.SessionIds;
import io.sessiongateway.generated.admin.model.SessionList;
import io.sessiongateway.generated.admin.model.SessionPatch;
import io.sessiongateway.generated.admin.model.SessionPatchSharing;
import io.sessiongateway.generated.admin.model.SessionPatchUsage;
import io.sessiongateway.generated.admin.model.SessionView;
import io.sessiongateway.generated.admin.model.SessionViewAgent;
import io.sessiongateway.generated.admin.model.SessionViewOwner;
import io.sessiongateway.generated.admin.model.SessionViewStatuses;
import io.sessiongateway.generated.admin.model.TeamList;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gateway's own provisioning API. Every operation needs an admin token for the tenant in the path, or an
 * operator token (admin of tenant {@code *}), which may act in every tenant.
 */
public final class AdminAdapter implements AdminApi, CredentialsFirst {
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
    /** The testing endpoints' paths, under any prefix (UriInfo's path has no leading slash). */
    private static final Pattern TESTING_PATH = Pattern.compile("^(.*/)?admin/v1/testing(/.*)?$");

    private static final int MAX_LIST = 100;
    private static final int MAX_SESSIONS = 1000;
    /** Converts the stored variables (an object; Agentcloud edit only stores objects) for the admin view. */
    private static final ObjectMapper VARIABLES = new ObjectMapper();

    private final AgentService agents;
    private final ApiKeyService keys;
    private final SessionService sessions;
    private final Set<String> reservedTenants;
    private final PageTokens tokens;
    /** Status projection of each vendor dialect, by name. */
    private final Map<String, Dialect> dialects;
    /** The testing endpoints, or null when they are off ({@code gateway.testing.enabled}). */
    private final TestingOperations testing;

    /** Request-scoped; a provider because the adapter itself is a singleton. */
    @Context
    private Provider<ContainerRequestContext> request;

    @Context
    private UriInfo uri;

    /** @param testing the testing endpoints, or null when they are not served */
    public AdminAdapter(
            AgentService agents,
            ApiKeyService keys,
            SessionService sessions,
            PageTokens tokens,
            Set<String> reservedTenants,
            List<Dialect> dialects,
            TestingOperations testing) {
        this.tokens = tokens;
        this.testing = testing;
        this.agents = agents;
        this.keys = keys;
        this.sessions = sessions;
        this.reservedTenants = new TreeSet<>(reservedTenants);
        this.dialects = dialects.stream().collect(Collectors.toUnmodifiableMap(Dialect::name, d -> d));
    }

    /**
     * Before any parameter or body is read: an admin token (401 without one), of the path's tenant when the path
     * names one (403 otherwise), so that a caller who may not use an operation learns nothing of its validation.
     */
    @Override
    public void verifyCredentials(Caller caller) {
        String tenant = uri.getPathParameters().getFirst("tenant");
        if (tenant != null) {
            requireAdmin(tenant);
        } else if (!caller.require().admin()) {
            throw GatewayException.forbidden("admin_required", "an admin token is required");
        } else if (TESTING_PATH.matcher(uri.getPath()).matches()
                && !caller.require().everyTenant()) {
            // Each testing endpoint reaches every tenant (reset deletes all data; rules and journal see every
            // request), so a tenant's admin may not use them.
            throw GatewayException.forbidden("operator_required", "an operator token (tenant *) is required");
        }
    }

    // ---- The testing endpoints (docs/fixtures.md): served by the server's TestingOperations.

    @Override
    public Response resetStore() {
        return testing().resetStore();
    }

    @Override
    public Response listFaultRules() {
        return testing().listFaultRules();
    }

    @Override
    public Response addFaultRule(NewFaultRule newFaultRule) {
        return testing().addFaultRule(newFaultRule);
    }

    @Override
    public Response clearFaultRules() {
        return testing().clearFaultRules();
    }

    @Override
    public Response deleteFaultRule(String ruleId) {
        return testing().deleteFaultRule(ruleId);
    }

    @Override
    public Response listJournal(
            String dialect, String operation, String method, Integer status, String session, Integer limit) {
        return testing().listJournal(dialect, operation, method, status, session, limit);
    }

    @Override
    public Response clearJournal() {
        return testing().clearJournal();
    }

    /** The testing endpoints; when they are off the server never lets a request reach them (404 before). */
    private TestingOperations testing() {
        if (testing == null) {
            throw new GatewayException(ErrorKind.NO_ROUTE, "route_not_found", "no such route");
        }
        return testing;
    }

    @Override
    public Response createAgent(String tenant, CreateAgentRequest body) {
        requireAdmin(tenant);
        requireCreatable(tenant);
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        String name = text(body.getName(), "name", 255);
        List<String> managers = subjects(body.getManagers(), "managers");
        String team = body.getTeam() == null ? null : text(body.getTeam(), "team", 255);
        boolean restricted = Boolean.TRUE.equals(body.getRestricted());
        Agent agent;
        try {
            agent = agents.create(tenant, new NewAgent(name, managers, restricted, team, body.getResponder()));
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND && "team".equals(e.param())) {
                // The document declares no 404 here: a body naming no team of the tenant is an invalid body.
                throw new GatewayException(ErrorKind.INVALID_BODY, "team_not_found", e.getMessage(), "team");
            }
            throw e;
        }
        return Response.status(Response.Status.CREATED).entity(toAgent(agent)).build();
    }

    @Override
    public Response listAgents(String tenant) {
        requireAdmin(tenant);
        return Response.ok(new AgentList()
                        .data(agents.list(tenant).stream()
                                .map(AdminAdapter::toAgent)
                                .toList()))
                .build();
    }

    @Override
    public Response createTeam(String tenant, CreateTeamRequest body) {
        requireAdmin(tenant);
        requireCreatable(tenant);
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        Team team = agents.createTeam(tenant, text(body.getName(), "name", 255));
        return Response.status(Response.Status.CREATED).entity(toTeam(team)).build();
    }

    @Override
    public Response listTeams(String tenant) {
        requireAdmin(tenant);
        List<Team> teams = agents.listTeams(tenant);
        return Response.ok(new TeamList()
                        .data(teams.stream().map(AdminAdapter::toTeam).toList()))
                .build();
    }

    @Override
    public Response createApiKey(String tenant, CreateApiKeyRequest body) {
        requireAdmin(tenant);
        requireCreatable(tenant);
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        if (body.getDialect() == null) {
            throw GatewayException.invalidBody("dialect is required: " + String.join(" or ", keys.forms()), "dialect");
        }
        String name = text(body.getName(), "name", 255);
        String subjectId = text(body.getSubjectId(), "subject_id", 255);
        String subjectType =
                body.getSubjectType() == null ? "serviceaccount" : text(body.getSubjectType(), "subject_type", 64);
        List<String> teams = body.getTeams() == null ? List.of() : body.getTeams();
        if (teams.size() > MAX_LIST
                || teams.stream()
                        .anyMatch(t -> t == null || !OBJECT_ID.matcher(t).matches())) {
            throw GatewayException.invalidBody("teams is a list of at most " + MAX_LIST + " team ObjectIds", "teams");
        }
        Instant expires =
                body.getExpiresAt() == null ? null : body.getExpiresAt().toInstant();
        ApiKeyService.Created created = keys.create(
                tenant,
                new NewApiKey(
                        body.getDialect().toString(),
                        name,
                        new SubjectRef(subjectType, subjectId, null),
                        body.getAccount(),
                        teams.stream().distinct().toList(),
                        expires));
        return Response.status(Response.Status.CREATED)
                .entity(new CreatedApiKey().key(toKey(created.key())).secret(created.secret()))
                .build();
    }

    @Override
    public Response listApiKeys(String tenant) {
        requireAdmin(tenant);
        return Response.ok(new ApiKeyList()
                        .data(keys.list(tenant).stream()
                                .map(AdminAdapter::toKey)
                                .toList()))
                .build();
    }

    @Override
    public Response revokeApiKey(String tenant, UUID keyId) {
        requireAdmin(tenant);
        keys.revoke(tenant, keyId);
        return Response.noContent().build();
    }

    /**
     * One page of the tenant's live sessions, oldest first, through the lifecycle's keyset list (rule
     * {@link AccessRule#OPERATOR}); {@code next_cursor} is a signed position bound to the tenant and the filters.
     * An agent name the tenant does not have (or a tenant that does not exist yet) lists nothing.
     */
    @Override
    public Response listSessions(
            String tenant, Integer limit, String cursor, String agent, String status, String owner) {
        requireAdmin(tenant);
        List<String> limits = uri.getQueryParameters().get("limit");
        if (limits != null && (limits.size() > 1 || !limits.get(0).matches("[0-9]{1,9}"))) {
            // Jersey would take the first of several, and the default for an empty one.
            throw GatewayException.invalidArgument("limit is one whole number between 1 and " + MAX_SESSIONS, "limit");
        }
        int max = limit == null ? MAX_SESSIONS : limit;
        if (max < 1 || max > MAX_SESSIONS) {
            throw GatewayException.invalidArgument("limit must be between 1 and " + MAX_SESSIONS, "limit");
        }
        String agentName = single("agent", agent, 255);
        String ownerId = single("owner", owner, 255);
        SessionStatus wanted = status(single("status", status, 16));
        String cursorText = single("cursor", cursor, 1024);
        String fingerprint = PageTokens.fingerprint("admin.sessions", tenant, agentName, wanted, ownerId);
        SessionQuery.Builder query = SessionQuery.builder(AccessRule.OPERATOR)
                .tenantName(tenant)
                .agentName(agentName)
                .owner(ownerId == null ? null : new SubjectRef(null, ownerId, null))
                .statuses(wanted == null ? Set.of() : Set.of(wanted))
                .order(SessionQuery.Order.CREATED_ASC)
                .limit(max);
        if (cursorText != null) {
            PageTokens.Cursor at = tokens.decode(cursorText, fingerprint, "cursor");
            if (at.direction() != Direction.NEXT || at.position().createdAt() == null) {
                throw GatewayException.invalidArgument("the cursor was not issued by this list", "cursor");
            }
            query.position(at.position(), Direction.NEXT);
        }
        SessionPage page;
        try {
            page = sessions.lifecycle().list(Caller.of(request.get()).require(), query.build());
        } catch (GatewayException e) {
            if (e.kind() == ErrorKind.NOT_FOUND && "agent_not_found".equals(e.code())) {
                SessionPageList empty = new SessionPageList();
                empty.setData(List.of());
                return Response.ok(empty).build();
            }
            throw e;
        }
        SessionPageList body = new SessionPageList();
        body.setData(page.items().stream().map(this::toSessionView).toList());
        page.next()
                .ifPresent(next -> body.setNextCursor(
                        tokens.encode(new Position(next.createdAt(), next.id(), null), Direction.NEXT, fingerprint)));
        return Response.ok(body).build();
    }

    /**
     * SessionList without an absent cursor: the document declares {@code next_cursor} a string, absent on the last
     * page, never null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class SessionPageList extends SessionList {}

    /** A query parameter given at most once, of 1..{@code max} characters, or null when absent. */
    private String single(String name, String value, int max) {
        List<String> values = uri.getQueryParameters().get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1 || value == null || value.isEmpty() || value.codePointCount(0, value.length()) > max) {
            throw GatewayException.invalidArgument(name + " is given once, 1 to " + max + " characters", name);
        }
        return value;
    }

    private static SessionStatus status(String value) {
        if (value == null) {
            return null;
        }
        return Arrays.stream(SessionStatus.values())
                .filter(s -> s.dbValue().equals(value))
                .findFirst()
                .orElseThrow(() -> GatewayException.invalidArgument(
                        "status is one of "
                                + Arrays.stream(SessionStatus.values())
                                        .map(SessionStatus::dbValue)
                                        .collect(Collectors.joining(", ")),
                        "status"));
    }

    /**
     * Deletes (tombstones) the session found by any of its ids through the lifecycle (rule
     * {@link AccessRule#OPERATOR}): in the token's tenant, or in any with an operator token. Again: 404.
     */
    @Override
    public Response deleteSession(String sessionId) {
        Principal principal = Caller.of(request.get()).require();
        if (!principal.admin()) {
            throw GatewayException.forbidden("admin_required", "an admin token is required");
        }
        if (sessionId.length() > 64) {
            throw GatewayException.notFound("session_not_found", "session not found");
        }
        String tenant = principal.everyTenant() ? null : principal.tenant();
        sessions.lifecycle().delete(principal, AccessRule.OPERATOR, SessionKey.anyId(tenant, sessionId));
        return Response.noContent().build();
    }

    @Override
    public Response showSession(String sessionId) {
        Principal principal = Caller.of(request.get()).require();
        if (!principal.admin()) {
            throw GatewayException.forbidden("admin_required", "an admin token is required");
        }
        if (sessionId.length() > 64) {
            throw GatewayException.notFound("session_not_found", "session not found");
        }
        Session s = (principal.everyTenant()
                        ? sessions.findByAnyId(null, sessionId)
                        : sessions.findByAnyId(principal.tenant(), sessionId))
                .orElseThrow(
                        () -> GatewayException.notFound("session_not_found", "session '" + sessionId + "' not found"));
        return Response.ok(toSessionView(s)).build();
    }

    @Override
    public Response updateSession(String sessionId, SessionPatch body) {
        Principal principal = Caller.of(request.get()).require();
        if (!principal.admin()) {
            throw GatewayException.forbidden("admin_required", "an admin token is required");
        }
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        JsonNode tree = RequestBodies.tree(request.get());
        SessionChange change = new SessionChange(
                present(tree, "title") ? new SessionChange.Value<>(limit(body.getTitle(), "title", 1024)) : null,
                body.getStatus() == null
                        ? null
                        : SessionStatus.fromDb(body.getStatus().toString()),
                body.getWarning(),
                present(tree, "preview") ? new SessionChange.Value<>(limit(body.getPreview(), "preview", 4096)) : null,
                present(tree, "output_preview")
                        ? new SessionChange.Value<>(limit(body.getOutputPreview(), "output_preview", 4096))
                        : null,
                present(tree, "usage") ? new SessionChange.Value<>(usage(body.getUsage())) : null,
                body.getSharing() == null ? null : sharing(body.getSharing()));
        String tenant = principal.everyTenant() ? null : principal.tenant();
        if (sessionId.length() > 64) {
            throw GatewayException.notFound("session_not_found", "session not found");
        }
        return Response.ok(toSessionView(sessions.update(tenant, sessionId, change)))
                .build();
    }

    private static boolean present(JsonNode tree, String field) {
        return tree != null && tree.has(field);
    }

    private static String limit(String value, String field, int max) {
        if (value != null && value.codePointCount(0, value.length()) > max) {
            throw GatewayException.invalidBody(field + " must be at most " + max + " characters", field);
        }
        return value;
    }

    private static Usage usage(SessionPatchUsage u) {
        if (u == null) {
            return null;
        }
        if (u.getInputTokens() == null || u.getOutputTokens() == null) {
            throw GatewayException.invalidBody("usage needs input_tokens and output_tokens", "usage");
        }
        for (Long v : Arrays.asList(
                u.getInputTokens(), u.getOutputTokens(), u.getCacheReadTokens(), u.getCacheCreationTokens())) {
            if (v != null && v < 0) {
                throw GatewayException.invalidBody("token counts are not negative", "usage");
            }
        }
        return new Usage(u.getInputTokens(), u.getOutputTokens(), u.getCacheReadTokens(), u.getCacheCreationTokens());
    }

    private static Session.Sharing sharing(SessionPatchSharing s) {
        if (s.getMode() == null) {
            throw GatewayException.invalidBody("sharing.mode is required: restricted, team or public", "sharing");
        }
        Map<String, String> permissions = s.getPermissions() == null ? Map.of() : s.getPermissions();
        if (permissions.size() > MAX_LIST || permissions.values().stream().anyMatch(Objects::isNull)) {
            throw GatewayException.invalidBody(
                    "sharing.permissions maps at most " + MAX_LIST + " ids to permission strings", "sharing");
        }
        return new Session.Sharing(SharingMode.fromDb(s.getMode().toString()), permissions);
    }

    private void requireAdmin(String tenant) {
        Principal principal = Caller.of(request.get()).require();
        if (!TENANT.matcher(tenant).matches()) {
            throw GatewayException.invalidArgument("tenant must match " + TENANT.pattern(), "tenant");
        }
        if (!principal.admin() || !(tenant.equals(principal.tenant()) || principal.everyTenant())) {
            throw GatewayException.forbidden(
                    "admin_required", "an admin token for tenant '" + tenant + "' is required");
        }
    }

    /**
     * The operations that create a tenant on first use refuse the names of the gateway's own first path segments:
     * TrueFoundry's paths start with the tenant ({@code /{tenant}/v1/agents/sessions}), and {@code /health/**} or
     * {@code /metrics/**} never reach a dialect.
     */
    private void requireCreatable(String tenant) {
        if (reservedTenants.contains(tenant)) {
            throw new GatewayException(
                    ErrorKind.INVALID_ARGUMENT,
                    "tenant_reserved",
                    "tenant name '" + tenant
                            + "' is reserved: /" + tenant + "/ is a path of the gateway itself (reserved names: "
                            + String.join(", ", reservedTenants) + ")",
                    "tenant");
        }
    }

    private static String text(String value, String field, int max) {
        if (value == null || value.isBlank() || value.codePointCount(0, value.length()) > max) {
            throw GatewayException.invalidBody(field + " is required: 1 to " + max + " characters, not blank", field);
        }
        return value;
    }

    private static List<String> subjects(List<String> values, String field) {
        List<String> list = values == null ? List.of() : values;
        if (list.size() > MAX_LIST) {
            throw GatewayException.invalidBody("at most " + MAX_LIST + " " + field, field);
        }
        for (String m : list) {
            if (m == null || m.isEmpty() || m.length() > 255) {
                throw GatewayException.invalidBody(
                        "each of " + field + " is a subject id of 1 to 255 characters", field);
            }
        }
        return list.stream().distinct().toList();
    }

    static io.sessiongateway.generated.admin.model.Agent toAgent(Agent a) {
        return new io.sessiongateway.generated.admin.model.Agent()
                .id(a.id())
                .tenant(a.tenantName())
                .name(a.name())
                .managers(a.managers())
                .restricted(a.restricted())
                .team(a.teamObjectId())
                .responder(a.responder())
                .ids(new AgentIds()
                        .truefoundry(a.name())
                        .everruns(Ids.prefixed("agent", a.id()))
                        .agentcloud(a.objectId()))
                .createdAt(odt(a.createdAt()));
    }

    static io.sessiongateway.generated.admin.model.Team toTeam(Team t) {
        return new io.sessiongateway.generated.admin.model.Team()
                .id(t.objectId())
                .name(t.name())
                ._default(t.isDefault())
                .createdAt(odt(t.createdAt()));
    }

    static io.sessiongateway.generated.admin.model.ApiKey toKey(ApiKey k) {
        return new io.sessiongateway.generated.admin.model.ApiKey()
                .id(k.id())
                .tenant(k.tenantName())
                .dialect(DialectEnum.fromValue(k.dialect()))
                .name(k.name())
                .display(k.display())
                .subjectId(k.subject().id())
                .subjectType(k.subject().type())
                .account(k.accountId())
                .teams(k.teams())
                .createdAt(odt(k.createdAt()))
                .expiresAt(odt(k.expiresAt()))
                .revokedAt(odt(k.revokedAt()))
                .lastUsedAt(odt(k.lastUsedAt()));
    }

    SessionView toSessionView(Session s) {
        return new SessionView()
                .ids(new SessionIds()
                        .truefoundry(s.publicId())
                        .everruns(Ids.sessionPublicId(s.id()))
                        .agentcloud(s.objectId())
                        .recoup(s.publicId()))
                .tenant(s.scope().tenantName())
                .team(s.scope().teamObjectId())
                .agent(new SessionViewAgent()
                        .name(s.agent().name())
                        .ids(new AgentIds()
                                .truefoundry(s.agent().name())
                                .everruns(Ids.prefixed("agent", s.agent().id()))
                                .agentcloud(s.agent().objectId())))
                .owner(new SessionViewOwner()
                        .subjectId(s.owner().id())
                        .subjectType(s.owner().type())
                        .subjectSlug(s.owner().slug()))
                .account(s.accountId())
                .title(s.title())
                .status(SessionView.StatusEnum.fromValue(s.status().dbValue()))
                .statuses(new SessionViewStatuses()
                        .everruns(statusIn("everruns", s))
                        .agentcloud(statusIn("agentcloud", s))
                        .recoup(statusIn("recoup", s)))
                .sharing(SessionView.SharingEnum.fromValue(s.sharing().mode().dbValue()))
                .variables(
                        s.variables() == null || s.variables().isNull()
                                ? null
                                : VARIABLES.convertValue(s.variables(), new TypeReference<Map<String, Object>>() {}))
                .createdAt(odt(s.times().createdAt()))
                .updatedAt(odt(s.times().updatedAt()));
    }

    /** The session's status as the named dialect shows it (the admin document lists each). */
    private String statusIn(String dialect, Session s) {
        Dialect d = dialects.get(dialect);
        return d == null ? null : d.sessionStatus(s).orElse(null);
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
