package io.sessiongateway.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.sessiongateway.core.model.Principal;
import io.sessiongateway.core.model.SubjectRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which claims of a token carry which part of a {@link Principal}. Every field is a list of claim names tried in
 * order; the first one present wins. A name is looked up as a claim of its own first (so namespaced claims such as
 * {@code https://example.com/roles} work); when there is no such claim and the name contains dots, it is a path
 * into nested objects ({@code realm_access.roles}).
 *
 * <p>Refusals ({@link JwtAuthenticator.AuthenticationException}) name the configured claim, never its value.
 *
 * @param org consulted for the tenant when none of the tenant claims is present; when both are present they must
 *     agree (a tenant is Everruns' organisation and Agentcloud's org, so the two name one scope)
 */
public record ClaimMapping(
        List<String> subject,
        List<String> subjectType,
        List<String> subjectSlug,
        List<String> tenant,
        List<String> org,
        List<String> teams,
        List<String> account,
        List<String> roles,
        String adminRole,
        String defaultSubjectType) {

    public ClaimMapping {
        subject = List.copyOf(subject);
        subjectType = List.copyOf(subjectType);
        subjectSlug = List.copyOf(subjectSlug);
        tenant = List.copyOf(tenant);
        org = List.copyOf(org);
        teams = List.copyOf(teams);
        account = List.copyOf(account);
        roles = List.copyOf(roles);
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("claims.subject must name at least one claim");
        }
        if (tenant.isEmpty() && org.isEmpty()) {
            throw new IllegalArgumentException("claims.tenant or claims.org must name at least one claim");
        }
        if (adminRole == null || adminRole.isBlank()) {
            throw new IllegalArgumentException("claims.admin-role must not be blank");
        }
        if (defaultSubjectType == null || defaultSubjectType.isBlank()) {
            throw new IllegalArgumentException("claims.default-subject-type must not be blank");
        }
    }

    /** The gateway's own claim names: what {@code ./gateway token} mints. */
    public static ClaimMapping defaults() {
        return new ClaimMapping(
                List.of(Claims.SUBJECT),
                List.of(Claims.SUBJECT_TYPE),
                List.of(Claims.SUBJECT_SLUG),
                List.of(Claims.TENANT),
                List.of(),
                List.of(Claims.TEAMS),
                List.of(Claims.ACCOUNT),
                List.of(Claims.ROLES),
                Claims.ADMIN_ROLE,
                Claims.DEFAULT_SUBJECT_TYPE);
    }

    /** The principal a verified claims set describes. */
    public Principal principal(JWTClaimsSet claims) throws JwtAuthenticator.AuthenticationException {
        String subjectId = requiredString(claims, subject);
        String type = optionalString(claims, subjectType);
        String slug = optionalString(claims, subjectSlug);
        String tenantName = optionalString(claims, tenant);
        String orgName = optionalString(claims, org);
        if (tenantName != null && orgName != null && !tenantName.equals(orgName)) {
            throw new JwtAuthenticator.AuthenticationException(
                    "token claims " + tenant.get(0) + " and " + org.get(0) + " name different tenants");
        }
        String scope = tenantName != null ? tenantName : orgName;
        if (scope == null) {
            throw new JwtAuthenticator.AuthenticationException(
                    "token claim '" + (tenant.isEmpty() ? org.get(0) : tenant.get(0)) + "' is missing");
        }
        Set<String> teamIds = strings(claims, teams);
        Set<String> roleNames = strings(claims, roles);
        String accountText = optionalString(claims, account);
        UUID accountId = null;
        if (accountText != null) {
            try {
                accountId = UUID.fromString(accountText);
            } catch (IllegalArgumentException e) {
                throw new JwtAuthenticator.AuthenticationException(
                        "token claim '" + account.get(0) + "' is not a UUID");
            }
        }
        return new Principal(
                new SubjectRef(type == null ? defaultSubjectType : type, subjectId, slug),
                scope,
                teamIds,
                accountId,
                roleNames.contains(adminRole),
                roleNames.contains(Claims.WORKER_ROLE));
    }

    /** The first of the named claims that is present, or null. */
    static Object lookup(JWTClaimsSet claims, List<String> names) {
        for (String name : names) {
            Object value = claims.getClaim(name);
            if (value == null && name.indexOf('.') > 0 && !name.contains("://")) {
                value = path(claims.getClaims(), name.split("\\."));
            }
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Object path(Map<String, Object> root, String[] segments) {
        Object node = root;
        for (String segment : segments) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(segment);
        }
        return node;
    }

    private static String requiredString(JWTClaimsSet claims, List<String> names)
            throws JwtAuthenticator.AuthenticationException {
        String value = optionalString(claims, names);
        if (value == null) {
            throw new JwtAuthenticator.AuthenticationException("token claim '" + names.get(0) + "' is missing");
        }
        return value;
    }

    /** A string claim (numbers are read as their decimal form); blank counts as absent. */
    private static String optionalString(JWTClaimsSet claims, List<String> names)
            throws JwtAuthenticator.AuthenticationException {
        if (names.isEmpty()) {
            return null;
        }
        Object value = lookup(claims, names);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s.isBlank() ? null : s;
        }
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        throw new JwtAuthenticator.AuthenticationException("token claim '" + names.get(0) + "' is not a string");
    }

    /** An array of strings, or one string of space-separated values (as OAuth's {@code scope}). */
    private static Set<String> strings(JWTClaimsSet claims, List<String> names)
            throws JwtAuthenticator.AuthenticationException {
        if (names.isEmpty()) {
            return Set.of();
        }
        Object value = lookup(claims, names);
        if (value == null) {
            return Set.of();
        }
        Collection<String> values = new ArrayList<>();
        if (value instanceof String s) {
            for (String part : s.strip().split("\\s+")) {
                if (!part.isEmpty()) {
                    values.add(part);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw new JwtAuthenticator.AuthenticationException(
                            "token claim '" + names.get(0) + "' is not a list of strings");
                }
                values.add(s);
            }
        } else {
            throw new JwtAuthenticator.AuthenticationException(
                    "token claim '" + names.get(0) + "' is not a list of strings");
        }
        return new LinkedHashSet<>(values);
    }
}
