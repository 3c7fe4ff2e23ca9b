package io.sessiongateway.core.model;

/**
 * Who may read and write a session, named by meaning. Each dialect uses the rule its get uses, for every lifecycle
 * operation and list (docs/lifecycle.md section 6): a caller may write only a session it may read, and a list
 * shows exactly the sessions get would show the same caller. The refusal's {@code ErrorKind} is in each rule's
 * description; each dialect turns it into its own status.
 */
public enum AccessRule {
    /**
     * The session's owner (subject type and id), a manager of its agent, or an admin of its tenant. A list shows the
     * same: admins and managers see an agent's sessions, everyone else their own. Refusal: FORBIDDEN.
     */
    OWNER_MANAGER_OR_ADMIN,
    /** Only the session's owner (an "owned sessions" list). Refusal: FORBIDDEN. */
    OWNER,
    /** Any principal of the session's tenant (organisation). Another tenant's session: NOT_FOUND. */
    TENANT_MEMBER,
    /**
     * Read under a team by its sharing mode: public to anyone, team to the team's members, restricted to the owner
     * and the subjects, teams or organisation its permissions name. Writes and lists need membership of the team
     * too. Refusal: FORBIDDEN; a session absent from the team is NOT_FOUND for members and FORBIDDEN for others.
     */
    SHARED_IN_TEAM,
    /** Principals of the session's owning account, within the tenant. Refusal: FORBIDDEN. */
    ACCOUNT_OWNER,
    /**
     * An operator (admin role): every session of its tenant, or of every tenant with an operator token. Refusal
     * (no admin role): FORBIDDEN.
     */
    OPERATOR
}
