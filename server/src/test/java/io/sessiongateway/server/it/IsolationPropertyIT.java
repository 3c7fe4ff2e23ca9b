package io.sessiongateway.server.it;

import io.restassured.response.Response;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.AgentcloudClient;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.GatewayAdminClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Tenant, team, account and owner isolation as a property (jqwik): each try builds a random world through the
 * real gateway (two tenants with teams, agents with random managers and restriction, principals with random
 * memberships and accounts, sessions created through all four dialects and given random sharing modes and
 * permissions), then makes random reads of random sessions by random principals through all four dialects. An
 * oracle written from README "Access rules" (not from AccessPolicy) says what each read must get: every allowed
 * read returns that very session, every refused one the dialect's documented status and whole error body, never
 * a byte of the session.
 *
 * <p>jqwik draws one long per try and the world is built from {@code new Random(thatLong)}, so a failure is
 * reported by jqwik with its seed and the falsifying world seed. Replay with
 * {@code mvn -B verify -pl server -am -Dit.test=IsolationPropertyIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Disolation.seed=<seed>}; {@code -Disolation.tries=<n>} changes the
 * number of worlds (default 6, about 80 requests each).
 */
class IsolationPropertyIT {
    static final GatewayHarness GATEWAY = new GatewayHarness();
    static final Clients CLIENTS = GATEWAY.clients();
    static final List<String> SUBJECTS = List.of("alice", "bob", "carol", "dave");
    static final List<UUID> ACCOUNTS = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup");
    static final int SESSIONS = 8;
    static final int READS = 48;

    @BeforeContainer
    static void start() throws Exception {
        GATEWAY.open();
    }

    /** How many reads got which status, per dialect: the property is not vacuous. */
    static final Map<String, Integer> OUTCOMES = new ConcurrentHashMap<>();

    @AfterContainer
    static void stop() throws Exception {
        GATEWAY.close();
        System.out.println("isolation reads by dialect and status: " + new TreeMap<>(OUTCOMES));
        if (System.getProperty("isolation.seed") == null && System.getProperty("isolation.tries") == null) {
            for (String d : DIALECTS) {
                check(OUTCOMES.keySet().stream().anyMatch(k -> k.equals(d + " 200")), d + ": no allowed read");
                check(
                        OUTCOMES.keySet().stream().anyMatch(k -> k.startsWith(d + " ") && !k.equals(d + " 200")),
                        d + ": no refused read");
            }
        }
    }

    /** Seed and tries from {@code -Disolation.seed} / {@code -Disolation.tries}. */
    public static final class FromSystemProperties implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            Optional.ofNullable(System.getProperty("isolation.seed"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(context.attributes()::setSeed);
            Optional.ofNullable(System.getProperty("isolation.tries"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(t -> context.attributes().setTries(Integer.parseInt(t)));
            return property.execute();
        }
    }

    record Tenant(String name, List<String> teams) {}

    record Agent(
            Tenant tenant,
            String name,
            String everrunsId,
            String objectId,
            String team,
            List<String> managers,
            boolean restricted) {}

    record Principal(Tenant tenant, String subject, String type, List<String> teams, UUID account) {
        String bearer() {
            return "Bearer "
                    + new TokenMinter(GatewayHarness.SECRET.getBytes(StandardCharsets.UTF_8), GatewayHarness.ISSUER)
                            .mint(
                                    new TokenMinter.Grant(
                                            tenant.name(),
                                            subject,
                                            type,
                                            null,
                                            teams,
                                            account,
                                            false,
                                            Duration.ofHours(1)),
                                    Instant.now());
        }

        @Override
        public String toString() {
            return subject + "(" + type + ")@" + tenant.name() + " teams=" + teams + " account=" + account;
        }
    }

    record Session(
            Tenant tenant,
            Agent agent,
            String team,
            String publicId,
            String objectId,
            String ownerId,
            String ownerType,
            UUID account,
            String mode,
            List<String> granted,
            String title) {}

    /** What a read must get: a status and, when refused, the whole body. */
    record Expected(int status, String body) {}

    @Property(tries = 6, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(FromSystemProperties.class)
    void noReadCrossesATenantTeamAccountOrOwner(@ForAll long worldSeed) {
        Random random = new Random(worldSeed);
        StringBuilder log = new StringBuilder("world " + worldSeed + "\n");
        List<Tenant> tenants = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String name = GatewayHarness.uniqueTenant();
            String defaultTeam = GATEWAY.provisioning()
                    .agent(name, "seed-agent", List.of(), false)
                    .team();
            Response team = admin(name).createTeam(name, Map.of("name", "extra"));
            check(team.statusCode() == 201, "team: " + team.asString());
            Tenant tenant =
                    new Tenant(name, List.of(defaultTeam, team.jsonPath().getString("id")));
            tenants.add(tenant);
            for (int a = 0; a < 3; a++) {
                List<String> managers =
                        SUBJECTS.stream().filter(s -> random.nextInt(4) == 0).toList();
                boolean restricted = random.nextInt(3) == 0;
                String agentTeam = pick(random, tenant.teams());
                Response r = admin(name)
                        .createAgent(
                                name,
                                Map.of(
                                        "name",
                                        "agent-" + a,
                                        "managers",
                                        managers,
                                        "restricted",
                                        restricted,
                                        "team",
                                        agentTeam));
                check(r.statusCode() == 201, "agent: " + r.asString());
                agents.add(new Agent(
                        tenant,
                        "agent-" + a,
                        r.jsonPath().getString("ids.everruns"),
                        r.jsonPath().getString("ids.agentcloud"),
                        agentTeam,
                        managers,
                        restricted));
            }
        }
        List<String> allTeams =
                tenants.stream().flatMap(t -> t.teams().stream()).toList();
        List<Principal> principals = new ArrayList<>();
        for (Tenant tenant : tenants) {
            for (String subject : SUBJECTS) {
                List<String> teams = allTeams.stream()
                        .filter(id -> random.nextInt(tenant.teams().contains(id) ? 2 : 6) == 0)
                        .toList();
                principals.add(new Principal(
                        tenant,
                        subject,
                        random.nextInt(5) == 0 ? "serviceaccount" : "user",
                        teams,
                        random.nextInt(4) == 0 ? null : pick(random, ACCOUNTS)));
            }
        }
        principals.forEach(p -> log.append("principal ").append(p).append('\n'));
        agents.forEach(a -> log.append("agent ").append(a).append('\n'));

        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS * 2 && sessions.size() < SESSIONS; i++) {
            Principal creator = pick(random, principals);
            String dialect = pick(random, DIALECTS);
            List<Agent> own = agents.stream()
                    .filter(a -> a.tenant().equals(creator.tenant()))
                    .toList();
            create(random, creator, dialect, pick(random, own), allTeams, log).ifPresent(sessions::add);
        }
        check(!sessions.isEmpty(), "no session could be created\n" + log);

        for (int i = 0; i < READS; i++) {
            Session s = pick(random, sessions);
            String dialect = pick(random, DIALECTS);
            Principal p = dialect.equals("agentcloud") && random.nextInt(8) == 0 ? null : pick(random, principals);
            String urlTenant = p != null && random.nextInt(5) == 0
                    ? s.tenant().name()
                    : p == null ? null : p.tenant().name();
            String slug = random.nextInt(5) == 0 ? pick(random, allTeams) : s.team();
            read(s, dialect, p, urlTenant, slug, log);
        }
    }

    Optional<Session> create(
            Random random, Principal p, String dialect, Agent agent, List<String> allTeams, StringBuilder log) {
        boolean manager = agent.managers().contains(p.subject());
        Response response;
        String publicId;
        Agent used = agent;
        switch (dialect) {
            case "truefoundry" -> {
                response = CLIENTS.trueFoundry()
                        .as(p.bearer())
                        .create(p.tenant().name(), Map.of("agent_name", agent.name()));
                if (agent.restricted() && !manager) {
                    check(response.statusCode() == 403, "restricted agent via truefoundry: " + response.asString());
                    return Optional.empty();
                }
                check(response.statusCode() == 201, "create via truefoundry: " + response.asString());
                publicId = response.jsonPath().getString("data.id");
            }
            case "everruns" -> {
                response = CLIENTS.everruns().as(p.bearer()).create(Map.of("agent_id", agent.everrunsId()));
                if (agent.restricted() && !manager) {
                    check(response.statusCode() == 404, "restricted agent via everruns: " + response.asString());
                    return Optional.empty();
                }
                check(response.statusCode() == 201, "create via everruns: " + response.asString());
                publicId = response.jsonPath().getString("id");
            }
            case "agentcloud" -> {
                response = CLIENTS.agentcloud().as(p.bearer()).create(agent.team(), Map.of("id", agent.objectId()));
                if (!p.teams().contains(agent.team()) || agent.restricted() && !manager) {
                    check(response.statusCode() == 403, "agentcloud create by " + p + ": " + response.asString());
                    return Optional.empty();
                }
                check(response.statusCode() == 200, "create via agentcloud: " + response.asString());
                publicId = admin(p.tenant().name())
                        .showSession(AgentcloudClient.createdId(response))
                        .jsonPath()
                        .getString("ids.truefoundry");
            }
            case "recoup" -> {
                response = CLIENTS.recoup().as(p.bearer()).create(Map.of("title", "recoup"));
                if (p.account() == null) {
                    check(response.statusCode() == 401, "recoup create without account: " + response.asString());
                    return Optional.empty();
                }
                check(response.statusCode() == 200, "create via recoup: " + response.asString());
                publicId = response.jsonPath().getString("session.id");
                used = null; // the tenant's "recoup" agent, created on first use: unrestricted, no managers
            }
            default -> throw new IllegalArgumentException(dialect);
        }
        String mode = pick(random, List.of("restricted", "team", "public"));
        Map<String, String> permissions = new LinkedHashMap<>();
        if (random.nextInt(3) == 0) {
            permissions.put(random.nextBoolean() ? pick(random, SUBJECTS) : pick(random, allTeams), "read");
        }
        String title = "isolation-" + UUID.randomUUID();
        Response patched = admin(p.tenant().name())
                .updateSession(
                        publicId, Map.of("title", title, "sharing", Map.of("mode", mode, "permissions", permissions)));
        check(patched.statusCode() == 200, "patch: " + patched.asString());
        Session s = new Session(
                p.tenant(),
                used,
                used != null ? used.team() : p.tenant().teams().get(0),
                publicId,
                patched.jsonPath().getString("ids.agentcloud"),
                p.subject(),
                p.type(),
                p.account(),
                mode,
                List.copyOf(permissions.keySet()),
                title);
        check(
                Objects.equals(patched.jsonPath().getString("team"), s.team()),
                "the session's team: " + patched.asString());
        log.append("session via ")
                .append(dialect)
                .append(" by ")
                .append(p)
                .append(": ")
                .append(s)
                .append('\n');
        return Optional.of(s);
    }

    void read(Session s, String dialect, Principal p, String urlTenant, String slug, StringBuilder log) {
        String authorization = p == null ? null : p.bearer();
        Response response = switch (dialect) {
            case "truefoundry" -> CLIENTS.trueFoundry().as(authorization).get(urlTenant, s.publicId());
            case "everruns" -> CLIENTS.everruns().as(authorization).get(s.publicId());
            case "agentcloud" -> CLIENTS.agentcloud().as(authorization).get(slug, s.objectId());
            case "recoup" -> CLIENTS.recoup().as(authorization).get(s.publicId());
            default -> throw new IllegalArgumentException(dialect);
        };
        Expected expected = oracle(s, dialect, p, urlTenant, slug);
        OUTCOMES.merge(dialect + " " + expected.status(), 1, Integer::sum);
        String body = response.asString();
        String what = dialect + " read by " + p + (dialect.equals("truefoundry") ? " under /" + urlTenant : "")
                + (dialect.equals("agentcloud") ? " under slug " + slug : "") + " of " + s;
        check(
                response.statusCode() == expected.status(),
                what + "\nexpected " + expected.status() + ", got " + response.statusCode() + ": " + body + "\n" + log);
        if (expected.status() == 200) {
            String id = switch (dialect) {
                case "truefoundry" -> response.jsonPath().getString("data.id");
                case "everruns" -> response.jsonPath().getString("id");
                case "agentcloud" -> response.jsonPath().getString("session._id");
                default -> response.jsonPath().getString("session.id");
            };
            check(
                    (dialect.equals("agentcloud") ? s.objectId() : s.publicId()).equals(id),
                    what + ": another session came back: " + body);
        } else {
            check(expected.body().equals(body), what + "\nexpected body " + expected.body() + "\ngot " + body);
            check(
                    !body.contains(s.title())
                            && !body.contains(dialect.equals("agentcloud") ? s.publicId() : s.objectId()),
                    what + ": the refusal leaks the session: " + body);
        }
    }

    /** README "Access rules", written out independently of AccessPolicy. */
    static Expected oracle(Session s, String dialect, Principal p, String urlTenant, String slug) {
        boolean sameTenant = p != null && p.tenant().equals(s.tenant());
        switch (dialect) {
            case "truefoundry" -> {
                if (!urlTenant.equals(p.tenant().name())) {
                    return tf(
                            401,
                            "token is not valid for tenant '" + urlTenant + "'",
                            "authentication_error",
                            "tenant_mismatch");
                }
                if (!sameTenant) {
                    return tf(404, "session '" + s.publicId() + "' not found", "not_found_error", "session_not_found");
                }
                boolean owner = p.subject().equals(s.ownerId()) && p.type().equals(s.ownerType());
                boolean manager = s.agent() != null && s.agent().managers().contains(p.subject());
                return owner || manager
                        ? new Expected(200, null)
                        : tf(
                                403,
                                "not authorized to access session '" + s.publicId() + "'",
                                "permission_error",
                                "session_forbidden");
            }
            case "everruns" -> {
                return sameTenant
                        ? new Expected(200, null)
                        : new Expected(404, "{\"error\":\"session '" + s.publicId() + "' not found\"}");
            }
            case "agentcloud" -> {
                String denied = "{\"message\":\"invalid permissions on the resourceSlug\",\"code\":403}";
                if (!slug.equals(s.team())) {
                    boolean member = p != null
                            && p.tenant().teams().contains(slug)
                            && p.teams().contains(slug);
                    return member
                            ? new Expected(400, "{\"message\":\"Invalid inputs: session not found\",\"code\":400}")
                            : new Expected(403, denied);
                }
                if (s.mode().equals("public")) {
                    return new Expected(200, null);
                }
                if (!sameTenant) {
                    return new Expected(403, denied);
                }
                boolean granted =
                        s.granted().contains(p.subject()) || p.teams().stream().anyMatch(s.granted()::contains);
                boolean allowed = s.mode().equals("team")
                        ? p.teams().contains(s.team()) || granted
                        : p.subject().equals(s.ownerId()) && p.type().equals(s.ownerType()) || granted;
                return allowed ? new Expected(200, null) : new Expected(403, denied);
            }
            case "recoup" -> {
                if (!sameTenant) {
                    return new Expected(404, "{\"status\":\"error\",\"error\":\"session not found\"}");
                }
                return p.account() != null && p.account().equals(s.account())
                        ? new Expected(200, null)
                        : new Expected(
                                403,
                                "{\"status\":\"error\",\"error\":\"the authenticated account does not own this session\"}");
            }
            default -> throw new IllegalArgumentException(dialect);
        }
    }

    static Expected tf(int status, String message, String type, String code) {
        return new Expected(
                status,
                "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"code\":\"" + code
                        + "\",\"param\":null}}");
    }

    static GatewayAdminClient admin(String tenant) {
        return CLIENTS.admin(tenant);
    }

    static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
