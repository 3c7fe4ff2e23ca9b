package io.sessiongateway.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import io.sessiongateway.core.store.InMemorySessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;

/**
 * The services over a fresh in-memory store, and every record the service tests build: principals, agents, teams,
 * sessions, sharing. Kept in this one place so that a change of a record's shape or of a service's signature is
 * one edit here, and each test reads as the rule it checks.
 */
final class ServiceFixture {
    /** The subject types that may create sessions unless configured otherwise. */
    static final Set<String> CREATOR_TYPES = Set.of("user", "serviceaccount", "virtualaccount");

    static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    final InMemorySessionStore store = new InMemorySessionStore();
    final MutableClock clock = new MutableClock(START);
    final AccessPolicy policy;
    final SessionService sessions;
    final AgentService agents;
    final ApiKeyService keys;

    ServiceFixture() {
        this(CREATOR_TYPES);
    }

    ServiceFixture(Set<String> creatorTypes) {
        policy = new AccessPolicy(creatorTypes);
        sessions = new SessionService(store, policy, clock);
        agents = new AgentService(store, clock);
        keys = new ApiKeyService(store, clock, Map.of("everruns", "evr_", "recoup", "rcp_"));
    }

    // Principals: who a token or key says the caller is.

    /** Agentcloud's rule, as its adapter applies it: an untitled session is named after its agent. */
    static final TitleRule NAMED_AFTER_AGENT = (agent, taken) -> agent.name();

    /** A rule like Recoup's: the first "Title N" the account has not used yet. */
    static final TitleRule UNUSED_IN_ACCOUNT = (agent, taken) -> {
        for (int n = 1; ; n++) {
            if (!taken.test("Title " + n)) {
                return "Title " + n;
            }
        }
    };

    /** What the Recoup adapter composes: the tenant's agent made on first use, then a create for the account. */
    Session createForAccount(Principal principal, NewSession request) {
        agents.ensure(principal.tenant(), "recoup");
        return sessions.createForAgentName(principal, principal.tenant(), "recoup", request, UNUSED_IN_ACCOUNT);
    }

    static Principal user(String tenant, String id) {
        return subject(tenant, "user", id);
    }

    static Principal subject(String tenant, String type, String id) {
        return new Principal(new SubjectRef(type, id, null), tenant, Set.of(), null, false);
    }

    /** A user who belongs to these teams (Agentcloud team ObjectIds). */
    static Principal member(String tenant, String id, Team... teams) {
        return new Principal(
                new SubjectRef("user", id, null),
                tenant,
                Arrays.stream(teams).map(Team::objectId).collect(Collectors.toSet()),
                null,
                false);
    }

    /** A user acting for a Recoup account. */
    static Principal ofAccount(String tenant, String id, UUID account) {
        return new Principal(new SubjectRef("user", id, null), tenant, Set.of(), account, false);
    }

    /** An operator token: the admin role in every tenant. */
    static Principal operator() {
        return new Principal(new SubjectRef("user", "root", null), Principal.OPERATOR_TENANT, Set.of(), null, true);
    }

    /** A tenant admin's token. */
    static Principal admin(String tenant) {
        return new Principal(new SubjectRef("user", "admin", null), tenant, Set.of(), null, true);
    }

    // Provisioning, through the services as the admin API does it.

    Agent agent(String tenant, String name, String... managers) {
        return agents.create(tenant, new NewAgent(name, List.of(managers), false));
    }

    Agent restrictedAgent(String tenant, String name, String... managers) {
        return agents.create(tenant, new NewAgent(name, List.of(managers), true));
    }

    Team team(String tenant, String name) {
        return agents.createTeam(tenant, name);
    }

    /** An Agentcloud app: an agent of the team. */
    Agent app(String tenant, Team team, String name, boolean restricted, String... managers) {
        return agents.create(tenant, new NewAgent(name, List.of(managers), restricted, team.objectId()));
    }

    /** The tenant's default team (the tenant made on first use), as its members' tokens name it. */
    Team defaultTeam(String tenant) {
        return store.findTeamByObjectId(store.ensureTenant(tenant).defaultTeamObjectId())
                .orElseThrow();
    }

    // Requests and sessions.

    static NewSession request() {
        return NewSession.defaults();
    }

    static NewSession titled(String title) {
        return NewSession.defaults().withTitle(title);
    }

    static NewSession withId(String requestedId) {
        return new NewSession(
                requestedId, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A session of the agent owned by the principal, created the TrueFoundry way (by agent name). */
    Session sessionOf(Principal owner, Agent agent) {
        return sessions.createForAgentName(owner, agent.tenantName(), agent.name(), request());
    }

    /** Sets the session's sharing as an operator would; grantees are user, team or org ids with read access. */
    Session share(Session session, SharingMode mode, String... grantees) {
        Map<String, String> grants =
                Arrays.stream(grantees).collect(Collectors.toMap(Function.identity(), g -> "read"));
        return sessions.update(
                null,
                session.publicId(),
                new SessionChange(null, null, null, null, null, null, new Session.Sharing(mode, grants)));
    }

    static SessionChange retitle(String title) {
        return new SessionChange(new SessionChange.Value<>(title), null, null, null, null, null, null);
    }

    static SessionChange noChange() {
        return new SessionChange(null, null, null, null, null, null, null);
    }

    /** Asserts the operation fails with this kind and code; returns the failure for more checks. */
    static GatewayException refused(ErrorKind kind, String code, Executable op) {
        GatewayException e = assertThrows(GatewayException.class, op);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
