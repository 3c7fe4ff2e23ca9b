package io.sessiongateway.core.service;

import static io.sessiongateway.core.service.ServiceFixture.admin;
import static io.sessiongateway.core.service.ServiceFixture.member;
import static io.sessiongateway.core.service.ServiceFixture.noChange;
import static io.sessiongateway.core.service.ServiceFixture.ofAccount;
import static io.sessiongateway.core.service.ServiceFixture.operator;
import static io.sessiongateway.core.service.ServiceFixture.refused;
import static io.sessiongateway.core.service.ServiceFixture.request;
import static io.sessiongateway.core.service.ServiceFixture.retitle;
import static io.sessiongateway.core.service.ServiceFixture.subject;
import static io.sessiongateway.core.service.ServiceFixture.titled;
import static io.sessiongateway.core.service.ServiceFixture.user;
import static io.sessiongateway.core.service.ServiceFixture.withId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every access rule of {@link SessionService}, one test per rule, over the in-memory store. Grouped by today's
 * operation (one nested class each) so that the groups move with the operations when the vendor-named ones leave
 * the core.
 */
class SessionServiceTest {
    private static final String ACME = "acme";
    private static final String OTHER = "globex";

    private final ServiceFixture f = new ServiceFixture();
    private final Principal alice = user(ACME, "alice");
    private final Principal bob = user(ACME, "bob");

    /** TrueFoundry create: an agent named in the path's tenant. */
    @Nested
    class CreateByAgentName {
        @Test
        void createByAnySubjectOfTheTenantIsOwnedByIt() {
            Agent agent = f.agent(ACME, "helper");
            f.clock.advance(Duration.ofMillis(1234));
            Session s = f.sessions.createForAgentName(alice, ACME, "helper", titled("Fix it"));
            assertEquals(new SubjectRef("user", "alice", null), s.owner());
            assertEquals(agent.id(), s.agent().id());
            assertEquals("Fix it", s.title());
            assertEquals(SessionStatus.CREATED, s.status());
            assertEquals(Ids.sessionPublicId(s.id()), s.publicId());
            assertEquals(f.clock.instant(), s.times().createdAt());
            assertEquals(Optional.of(s), f.store.findByPublicId(s.publicId()));
        }

        @Test
        void createWithATokenForAnotherTenantIsUnauthenticated() {
            f.agent(ACME, "helper");
            refused(
                    ErrorKind.UNAUTHENTICATED,
                    "tenant_mismatch",
                    () -> f.sessions.createForAgentName(user(OTHER, "alice"), ACME, "helper", request()));
        }

        @Test
        void createWithAnOperatorTokenIsUnauthenticated() {
            f.agent(ACME, "helper");
            refused(
                    ErrorKind.UNAUTHENTICATED,
                    "tenant_mismatch",
                    () -> f.sessions.createForAgentName(operator(), ACME, "helper", request()));
        }

        @Test
        void createByEachDefaultCreatorTypeSucceeds() {
            f.agent(ACME, "helper");
            for (String type : List.of("user", "serviceaccount", "virtualaccount", "ServiceAccount")) {
                Session s = f.sessions.createForAgentName(subject(ACME, type, "x"), ACME, "helper", request());
                assertEquals(type, s.owner().type());
            }
        }

        @Test
        void createByASubjectTypeNotAllowedToCreateIsUnsupported() {
            f.agent(ACME, "helper");
            GatewayException e = refused(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    () -> f.sessions.createForAgentName(subject(ACME, "team", "t1"), ACME, "helper", request()));
            assertEquals(
                    "subject type 'team' may not create sessions; allowed: serviceaccount, user, virtualaccount",
                    e.getMessage());
        }

        @Test
        void createByAConfiguredCreatorTypeSucceedsAndByAnotherIsUnsupported() {
            ServiceFixture robots = new ServiceFixture(Set.of("robot"));
            robots.agent(ACME, "helper");
            assertEquals(
                    "robot",
                    robots.sessions
                            .createForAgentName(subject(ACME, "robot", "r2"), ACME, "helper", request())
                            .owner()
                            .type());
            refused(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    () -> robots.sessions.createForAgentName(alice, ACME, "helper", request()));
        }

        @Test
        void createWithAnUnknownAgentIsNotFound() {
            GatewayException e = refused(
                    ErrorKind.NOT_FOUND,
                    "agent_not_found",
                    () -> f.sessions.createForAgentName(alice, ACME, "nobody", request()));
            assertEquals("agent_name", e.param());
        }

        @Test
        void createWithAnAgentOfAnotherTenantIsNotFound() {
            f.agent(OTHER, "helper");
            refused(
                    ErrorKind.NOT_FOUND,
                    "agent_not_found",
                    () -> f.sessions.createForAgentName(alice, ACME, "helper", request()));
        }

        @Test
        void createWithARestrictedAgentByNonManagerIsForbidden() {
            f.restrictedAgent(ACME, "vault", "bob");
            GatewayException e = refused(
                    ErrorKind.FORBIDDEN,
                    "agent_forbidden",
                    () -> f.sessions.createForAgentName(alice, ACME, "vault", request()));
            assertEquals("agent_name", e.param());
        }

        @Test
        void createWithARestrictedAgentByItsManagerSucceeds() {
            f.restrictedAgent(ACME, "vault", "bob");
            assertEquals(
                    "bob",
                    f.sessions
                            .createForAgentName(bob, ACME, "vault", request())
                            .owner()
                            .id());
        }

        @Test
        void createWithARequestedSessionIdTakesItsCanonicalIdFromIt() {
            f.agent(ACME, "helper");
            UUID id = Ids.newId();
            Session s = f.sessions.createForAgentName(alice, ACME, "helper", withId(Ids.sessionPublicId(id)));
            assertEquals(id, s.id());
            assertEquals(Ids.sessionPublicId(id), s.publicId());
            Session chosen = f.sessions.createForAgentName(alice, ACME, "helper", withId("my-own-id"));
            assertEquals("my-own-id", chosen.publicId());
            assertNotEquals(id, chosen.id());
        }

        @Test
        void createWithATakenRequestedIdIsAConflict() {
            f.agent(ACME, "helper");
            f.sessions.createForAgentName(alice, ACME, "helper", withId("taken"));
            refused(
                    ErrorKind.CONFLICT,
                    "session_exists",
                    () -> f.sessions.createForAgentName(bob, ACME, "helper", withId("taken")));
        }
    }

    /** TrueFoundry read: the owner or a manager of the session's agent. */
    @Nested
    class GetForOwnerOrManager {
        @Test
        void getByOwnerSucceeds() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            assertEquals(s, f.sessions.getForOwnerOrManager(alice, ACME, s.publicId()));
        }

        @Test
        void getByManagerOfTheAgentSucceeds() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper", "bob"));
            assertEquals(s, f.sessions.getForOwnerOrManager(bob, ACME, s.publicId()));
        }

        @Test
        void getByNonOwnerNonManagerIsForbidden() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper", "carol"));
            GatewayException e = refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getForOwnerOrManager(bob, ACME, s.publicId()));
            assertEquals("not authorized to access session '" + s.publicId() + "'", e.getMessage());
        }

        @Test
        void getByTheOwnersIdUnderAnotherSubjectTypeIsForbidden() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getForOwnerOrManager(
                            subject(ACME, "serviceaccount", "alice"), ACME, s.publicId()));
        }

        @Test
        void getWithATokenForAnotherTenantIsUnauthenticated() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            refused(
                    ErrorKind.UNAUTHENTICATED,
                    "tenant_mismatch",
                    () -> f.sessions.getForOwnerOrManager(user(OTHER, "alice"), ACME, s.publicId()));
        }

        @Test
        void getOfASessionOfAnotherTenantIsNotFound() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            Principal sameNameElsewhere = user(OTHER, "alice");
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getForOwnerOrManager(sameNameElsewhere, OTHER, s.publicId()));
        }

        @Test
        void getOfAnUnknownIdIsNotFound() {
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getForOwnerOrManager(alice, ACME, "session_" + "0".repeat(32)));
        }
    }

    /** Everruns: sessions belong to the organisation (tenant); agents are addressed by canonical id. */
    @Nested
    class Organisation {
        @Test
        void createForAnAgentOfTheOrganisationSucceeds() {
            Agent agent = f.agent(ACME, "helper");
            Session s = f.sessions.createForAgentId(alice, agent.id(), request());
            assertEquals(agent.id(), s.agent().id());
            assertEquals(alice.subject(), s.owner());
        }

        @Test
        void createForAnAgentOfAnotherOrganisationIsNotFound() {
            Agent agent = f.agent(OTHER, "helper");
            GatewayException e = refused(
                    ErrorKind.NOT_FOUND,
                    "agent_not_found",
                    () -> f.sessions.createForAgentId(alice, agent.id(), request()));
            assertEquals("agent_id", e.param());
        }

        @Test
        void createForARestrictedAgentByNonManagerIsNotFoundWordedAsMissing() {
            Agent agent = f.restrictedAgent(ACME, "vault", "bob");
            GatewayException restricted = refused(
                    ErrorKind.NOT_FOUND,
                    "agent_not_found",
                    () -> f.sessions.createForAgentId(alice, agent.id(), request()));
            assertEquals("agent '" + Ids.prefixed("agent", agent.id()) + "' not found", restricted.getMessage());
            assertEquals(
                    agent.id(),
                    f.sessions
                            .createForAgentId(bob, agent.id(), request())
                            .agent()
                            .id());
        }

        @Test
        void createBySubjectTypeNotAllowedIsUnsupported() {
            Agent agent = f.agent(ACME, "helper");
            refused(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    () -> f.sessions.createForAgentId(subject(ACME, "group", "g"), agent.id(), request()));
        }

        @Test
        void getByAnyMemberOfTheOrganisationSucceeds() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            assertEquals(s, f.sessions.getForTenantMember(bob, s.id()));
        }

        @Test
        void getFromAnotherOrganisationIsNotFound() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            GatewayException e = refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getForTenantMember(user(OTHER, "alice"), s.id()));
            assertEquals("session '" + s.publicId() + "' not found", e.getMessage());
        }
    }

    /** Agentcloud: sessions of apps (agents) under a team; reads follow the session's sharing. */
    @Nested
    class InTeam {
        private Team team;
        private Agent app;

        private Session sessionOfAlice() {
            return f.sessions.createForTeamMember(
                    member(ACME, "alice", team),
                    team.objectId(),
                    app.objectId(),
                    request(),
                    ServiceFixture.NAMED_AFTER_AGENT);
        }

        @BeforeEach
        void teamWithAnApp() {
            team = f.team(ACME, "research");
            app = f.app(ACME, team, "Analyst", false);
        }

        @Test
        void createByATeamMemberIsNamedAfterTheApp() {
            Session s = sessionOfAlice();
            assertEquals("Analyst", s.title());
            assertEquals(team.objectId(), s.scope().teamObjectId());
            assertEquals(SharingMode.TEAM, s.sharing().mode());
        }

        @Test
        void createWithATitleKeepsIt() {
            Session s = f.sessions.createForTeamMember(
                    member(ACME, "alice", team),
                    team.objectId(),
                    app.objectId(),
                    titled("Mine"),
                    ServiceFixture.NAMED_AFTER_AGENT);
            assertEquals("Mine", s.title());
        }

        @Test
        void createByNonMemberOfTheTeamIsForbidden() {
            Team otherTeam = f.team(ACME, "sales");
            GatewayException e = refused(
                    ErrorKind.FORBIDDEN,
                    "team_forbidden",
                    () -> f.sessions.createForTeamMember(
                            member(ACME, "alice", otherTeam),
                            team.objectId(),
                            app.objectId(),
                            request(),
                            ServiceFixture.NAMED_AFTER_AGENT));
            assertEquals("invalid permissions on the resourceSlug", e.getMessage());
        }

        @Test
        void createWithTheTeamsIdInATokenForAnotherTenantIsForbidden() {
            refused(
                    ErrorKind.FORBIDDEN,
                    "team_forbidden",
                    () -> f.sessions.createForTeamMember(
                            member(OTHER, "alice", team),
                            team.objectId(),
                            app.objectId(),
                            request(),
                            ServiceFixture.NAMED_AFTER_AGENT));
        }

        @Test
        void createInAnUnknownTeamIsForbidden() {
            refused(
                    ErrorKind.FORBIDDEN,
                    "team_forbidden",
                    () -> f.sessions.createForTeamMember(
                            alice, Ids.newObjectId(), app.objectId(), request(), ServiceFixture.NAMED_AFTER_AGENT));
        }

        @Test
        void createWithAnAppOfAnotherTeamIsNotFound() {
            Agent elsewhere = f.app(ACME, f.team(ACME, "sales"), "Seller", false);
            GatewayException e = refused(
                    ErrorKind.NOT_FOUND,
                    "app_not_found",
                    () -> f.sessions.createForTeamMember(
                            member(ACME, "alice", team),
                            team.objectId(),
                            elsewhere.objectId(),
                            request(),
                            ServiceFixture.NAMED_AFTER_AGENT));
            assertEquals("id", e.param());
        }

        @Test
        void createWithARestrictedAppByNonManagerIsForbidden() {
            Agent vault = f.app(ACME, team, "Vault", true, "bob");
            refused(
                    ErrorKind.FORBIDDEN,
                    "agent_forbidden",
                    () -> f.sessions.createForTeamMember(
                            member(ACME, "alice", team),
                            team.objectId(),
                            vault.objectId(),
                            request(),
                            ServiceFixture.NAMED_AFTER_AGENT));
            assertEquals(
                    "bob",
                    f.sessions
                            .createForTeamMember(
                                    member(ACME, "bob", team),
                                    team.objectId(),
                                    vault.objectId(),
                                    request(),
                                    ServiceFixture.NAMED_AFTER_AGENT)
                            .owner()
                            .id());
        }

        @Test
        void createByTeamMemberOfASubjectTypeNotAllowedIsUnsupported() {
            Principal group =
                    new Principal(new SubjectRef("group", "g", null), ACME, Set.of(team.objectId()), null, false);
            refused(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    () -> f.sessions.createForTeamMember(
                            group, team.objectId(), app.objectId(), request(), ServiceFixture.NAMED_AFTER_AGENT));
        }

        @Test
        void getOfAPublicSessionWithoutCredentialsSucceeds() {
            Session s = f.share(sessionOfAlice(), SharingMode.PUBLIC);
            assertEquals(s, f.sessions.getSharedInTeam(Optional.empty(), team.objectId(), s.objectId()));
        }

        @Test
        void getOfATeamSessionWithoutCredentialsIsForbidden() {
            Session s = sessionOfAlice();
            refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getSharedInTeam(Optional.empty(), team.objectId(), s.objectId()));
        }

        @Test
        void getOfATeamSessionByATeamMemberSucceeds() {
            Session s = sessionOfAlice();
            assertEquals(
                    s,
                    f.sessions.getSharedInTeam(Optional.of(member(ACME, "bob", team)), team.objectId(), s.objectId()));
        }

        @Test
        void getOfATeamSessionByNonMemberIsForbidden() {
            Session s = sessionOfAlice();
            refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getSharedInTeam(Optional.of(bob), team.objectId(), s.objectId()));
        }

        @Test
        void getOfARestrictedSessionByItsOwnerSucceeds() {
            Session s = f.share(sessionOfAlice(), SharingMode.RESTRICTED);
            assertEquals(s, f.sessions.getSharedInTeam(Optional.of(alice), team.objectId(), s.objectId()));
        }

        @Test
        void getOfARestrictedSessionByATeamMemberIsForbidden() {
            Session s = f.share(sessionOfAlice(), SharingMode.RESTRICTED);
            refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getSharedInTeam(
                            Optional.of(member(ACME, "bob", team)), team.objectId(), s.objectId()));
        }

        @Test
        void getOfARestrictedSessionByAGrantedSubjectSucceeds() {
            Session s = f.share(sessionOfAlice(), SharingMode.RESTRICTED, "bob");
            assertEquals(s, f.sessions.getSharedInTeam(Optional.of(bob), team.objectId(), s.objectId()));
        }

        @Test
        void getOfATeamSessionByAMemberOfAGrantedTeamSucceeds() {
            Team sales = f.team(ACME, "sales");
            Session s = f.share(sessionOfAlice(), SharingMode.TEAM, sales.objectId());
            assertEquals(
                    s,
                    f.sessions.getSharedInTeam(Optional.of(member(ACME, "bob", sales)), team.objectId(), s.objectId()));
        }

        @Test
        void getOfARestrictedSessionByAnyoneOfAGrantedOrgSucceeds() {
            String org = f.store.findTenant(ACME).orElseThrow().objectId();
            Session s = f.share(sessionOfAlice(), SharingMode.RESTRICTED, org);
            assertEquals(s, f.sessions.getSharedInTeam(Optional.of(bob), team.objectId(), s.objectId()));
        }

        @Test
        void getWithAGrantedIdInATokenForAnotherTenantIsForbidden() {
            Session s = f.share(sessionOfAlice(), SharingMode.TEAM, "bob", team.objectId());
            refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getSharedInTeam(
                            Optional.of(member(OTHER, "bob", team)), team.objectId(), s.objectId()));
        }

        @Test
        void getOfAnUnknownSessionByATeamMemberIsNotFound() {
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getSharedInTeam(
                            Optional.of(member(ACME, "bob", team)), team.objectId(), Ids.newObjectId()));
        }

        @Test
        void getOfAnUnknownSessionByNonMemberIsForbidden() {
            refused(
                    ErrorKind.FORBIDDEN,
                    "team_forbidden",
                    () -> f.sessions.getSharedInTeam(Optional.of(bob), team.objectId(), Ids.newObjectId()));
            refused(
                    ErrorKind.FORBIDDEN,
                    "team_forbidden",
                    () -> f.sessions.getSharedInTeam(Optional.empty(), team.objectId(), Ids.newObjectId()));
        }

        @Test
        void getOfASessionUnderAnotherTeamIsNotFoundForMembersOfTheAskedTeam() {
            Session s = f.share(sessionOfAlice(), SharingMode.PUBLIC);
            Team sales = f.team(ACME, "sales");
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getSharedInTeam(
                            Optional.of(member(ACME, "bob", sales)), sales.objectId(), s.objectId()));
        }
    }

    /** Recoup: sessions of the caller's account, bound to the tenant's configured agent. */
    @Nested
    class Account {
        private final UUID account = UUID.randomUUID();
        private final Principal owner = ofAccount(ACME, "alice", account);

        @Test
        void createMakesTheTenantAndItsAgentOnFirstUse() {
            Session s = f.createForAccount(owner, request());
            assertEquals(account, s.accountId());
            assertEquals("recoup", s.agent().name());
            assertEquals(
                    List.of("recoup"),
                    f.agents.list(ACME).stream().map(Agent::name).toList());
            f.createForAccount(owner, request());
            assertEquals(1, f.agents.list(ACME).size(), "the agent is made once");
        }

        @Test
        void createWithoutATitleGetsOneTheAccountHasNotUsed() {
            Session first = f.createForAccount(owner, request());
            Session second = f.createForAccount(owner, request());
            assertNotNull(first.title());
            assertNotNull(second.title());
            assertNotEquals(first.title(), second.title());
            assertEquals("Kept", f.createForAccount(owner, titled("Kept")).title());
        }

        @Test
        void createBySubjectTypeNotAllowedIsUnsupported() {
            Principal group = new Principal(new SubjectRef("group", "g", null), ACME, Set.of(), account, false);
            refused(
                    ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                    "unsupported_subject_type",
                    () -> f.createForAccount(group, request()));
        }

        @Test
        void createWithARestrictedAgentByNonManagerIsForbidden() {
            f.restrictedAgent(ACME, "recoup", "bob");
            refused(ErrorKind.FORBIDDEN, "agent_forbidden", () -> f.createForAccount(owner, request()));
            assertEquals(
                    "bob",
                    f.createForAccount(ofAccount(ACME, "bob", account), request())
                            .owner()
                            .id());
        }

        @Test
        void getByThePrincipalOfTheOwningAccountSucceeds() {
            Session s = f.createForAccount(owner, request());
            assertEquals(s, f.sessions.getForAccountOwner(ofAccount(ACME, "someone-else", account), s.publicId()));
        }

        @Test
        void getByAnotherAccountIsForbidden() {
            Session s = f.createForAccount(owner, request());
            GatewayException e = refused(
                    ErrorKind.FORBIDDEN,
                    "session_forbidden",
                    () -> f.sessions.getForAccountOwner(ofAccount(ACME, "alice", UUID.randomUUID()), s.publicId()));
            assertEquals("the authenticated account does not own this session", e.getMessage());
        }

        @Test
        void getWithoutAnAccountIsForbidden() {
            Session s = f.createForAccount(owner, request());
            refused(ErrorKind.FORBIDDEN, "session_forbidden", () -> f.sessions.getForAccountOwner(alice, s.publicId()));
        }

        @Test
        void getFromAnotherTenantIsNotFound() {
            Session s = f.createForAccount(owner, request());
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.getForAccountOwner(ofAccount(OTHER, "alice", account), s.publicId()));
        }
    }

    /**
     * The admin API's reach, as the core scopes it: a tenant admin's lookups stay in its tenant (the adapter passes
     * the tenant), an operator's reach every tenant (it passes null). The admin-role check itself is the adapter's.
     */
    @Nested
    class AnyId {
        @Test
        void findByAnyIdFindsBySessionIdObjectIdAndPublicId() {
            f.agent(ACME, "helper");
            Session s = f.sessions.createForAgentName(alice, ACME, "helper", withId("chosen"));
            assertEquals(Optional.of(s), f.sessions.findByAnyId(ACME, "chosen"));
            assertEquals(Optional.of(s), f.sessions.findByAnyId(ACME, Ids.sessionPublicId(s.id())));
            assertEquals(Optional.of(s), f.sessions.findByAnyId(ACME, s.objectId()));
            assertEquals(Optional.empty(), f.sessions.findByAnyId(ACME, "session_" + "0".repeat(32)));
        }

        @Test
        void findByAnyIdForATenantAdminHidesOtherTenantsSessions() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            assertEquals(Optional.empty(), f.sessions.findByAnyId(admin(OTHER).tenant(), s.publicId()));
            refused(
                    ErrorKind.NOT_FOUND,
                    "session_not_found",
                    () -> f.sessions.update(admin(OTHER).tenant(), s.publicId(), retitle("x")));
            assertEquals(List.of(), f.sessions.listInTenant(OTHER, 10));
        }

        @Test
        void findByAnyIdForAnOperatorReachesEveryTenant() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            assertTrue(operator().everyTenant());
            String everyTenant = null; // what the admin adapter passes for an operator token
            assertEquals(Optional.of(s), f.sessions.findByAnyId(everyTenant, s.objectId()));
            assertEquals(
                    "x",
                    f.sessions.update(everyTenant, s.objectId(), retitle("x")).title());
        }

        @Test
        void updateWithNoChangeLeavesTheSessionAsItIs() {
            Session s = f.sessionOf(alice, f.agent(ACME, "helper"));
            f.clock.advance(Duration.ofSeconds(1));
            assertEquals(s, f.sessions.update(ACME, s.publicId(), noChange()));
            Session retitled = f.sessions.update(ACME, s.publicId(), retitle("New"));
            assertEquals(1, retitled.lifecycle().version());
            assertEquals(f.clock.instant(), retitled.times().updatedAt());
        }

        @Test
        void listInAnUnknownTenantIsEmptyAndCreatesNoTenant() {
            assertEquals(List.of(), f.sessions.listInTenant("nobody", 10));
            assertTrue(f.store.findTenant("nobody").isEmpty());
        }
    }

    @Test
    void theSameServicesServeEveryDialectsReadOfOneSession() {
        Team team = f.defaultTeam(ACME);
        Agent agent = f.agent(ACME, "helper");
        UUID account = UUID.randomUUID();
        Principal owner =
                new Principal(new SubjectRef("user", "alice", null), ACME, Set.of(team.objectId()), account, false);
        Session s = f.sessions.createForAgentName(owner, ACME, agent.name(), request());
        assertEquals(s, f.sessions.getForOwnerOrManager(owner, ACME, s.publicId()));
        assertEquals(s, f.sessions.getForTenantMember(owner, s.id()));
        assertEquals(s, f.sessions.getSharedInTeam(Optional.of(owner), team.objectId(), s.objectId()));
        assertEquals(s, f.sessions.getForAccountOwner(owner, s.publicId()));
    }
}
