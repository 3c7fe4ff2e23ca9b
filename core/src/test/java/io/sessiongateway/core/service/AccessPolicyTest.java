package io.sessiongateway.core.service;

import static io.sessiongateway.core.service.ServiceFixture.member;
import static io.sessiongateway.core.service.ServiceFixture.operator;
import static io.sessiongateway.core.service.ServiceFixture.subject;
import static io.sessiongateway.core.service.ServiceFixture.user;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Team;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of {@link AccessPolicy} that no service path isolates; the rest are in {@link SessionServiceTest}. */
class AccessPolicyTest {
    private final ServiceFixture f = new ServiceFixture();

    @Test
    void aPrincipalWithoutATenantIsInNoTenant() {
        Principal noTenant = new Principal(new SubjectRef("user", "alice", null), null, Set.of(), null, false);
        assertFalse(f.policy.isInTenant(noTenant, "acme"));
    }

    @Test
    void anOperatorTokenIsInNoNamedTenant() {
        assertFalse(f.policy.isInTenant(operator(), "acme"));
    }

    @Test
    void creatorTypesMatchIgnoringCase() {
        assertTrue(f.policy.mayCreateSessions(subject("acme", "VirtualAccount", "v")));
        assertFalse(f.policy.mayCreateSessions(subject("acme", "team", "t")));
    }

    @Test
    void managingAnAgentGivesNoRightsFromAnotherTenant() {
        Session s = f.sessionOf(user("acme", "alice"), f.agent("acme", "helper", "bob"));
        assertTrue(f.policy.isOwnerOrManager(user("acme", "bob"), s));
        assertFalse(f.policy.isOwnerOrManager(user("globex", "bob"), s));
        assertFalse(f.policy.isOwnerOrManager(user("globex", "alice"), s), "nor owning it");
    }

    @Test
    void teamMembershipCountsOnlyInTheTeamsTenant() {
        Team team = f.defaultTeam("acme");
        assertTrue(f.policy.isTeamMember(member("acme", "bob", team), "acme", team.objectId()));
        assertFalse(f.policy.isTeamMember(member("globex", "bob", team), "acme", team.objectId()));
        assertFalse(f.policy.isTeamMember(user("acme", "bob"), "acme", team.objectId()));
    }
}
