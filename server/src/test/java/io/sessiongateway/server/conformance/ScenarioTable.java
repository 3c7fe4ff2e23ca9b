package io.sessiongateway.server.conformance;

import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What one dialect's documents cannot say and the generator needs: which parameters and body properties name
 * which kind of resource (their role), and for each declared status how a client provokes it: with whose
 * credentials ({@link Who}) and which kind of resource values ({@link Variant}), by breaking the schemas, or not
 * at all (with the reason). The generator combines this with each operation's declared parameters and schemas;
 * the {@link Fixture} supplies the credentials and values.
 */
public final class ScenarioTable {
    /** Whose credentials a request carries. */
    public enum Who {
        /** The fixture's principal, once per security scheme the operation declares (or the dialect's default). */
        OWNER,
        /** No credentials at all. */
        NONE,
        /** A credential that is not one (a malformed token). */
        GARBAGE,
        /** An API key of the dialect's form that was never issued. */
        UNKNOWN_KEY,
        /** Two credentials where exactly one is allowed (Recoup). */
        BOTH_HEADERS,
        /** A valid credential of another tenant (organisation). */
        OTHER_TENANT,
        /** A valid credential of the same tenant with no right to the resource: another subject, account, team. */
        OUTSIDER,
        /** A valid credential whose subject type may not create sessions. */
        DISALLOWED_TYPE
    }

    /** Which values the role-bound parameters and properties take. */
    public enum Variant {
        /** Resources that exist and the owner may use; fresh names for things to create. */
        EXISTING,
        /** Well-formed ids and names that name nothing. */
        UNKNOWN,
        /** Resources the {@link Who#OUTSIDER} may not use (another's session, a restricted agent, a foreign org). */
        PROTECTED,
        /** Names and ids that are already taken. */
        DUPLICATE,
        /** A session mid-turn (running), which some operations refuse to act on (Everruns fork: 409). */
        BUSY,
        /** The only one of its kind, which may not be removed (a Recoup session's last chat). */
        ONLY
    }

    /** The kinds of thing a parameter or property can name. */
    public enum Role {
        TENANT,
        SESSION,
        AGENT,
        APP,
        TEAM,
        CLIENT_ID,
        ORGANIZATION,
        AGENT_NAME,
        TEAM_NAME,
        API_KEY,
        /** Team ids a credential claims (a JWT's or an API key's {@code teams}): not checked against the store. */
        TEAM_CLAIM,
        /** A BCP 47 language tag, which a plain string schema cannot generate. */
        LOCALE,
        /** A chat of a session (Recoup). */
        CHAT,
        /** The messages a client sends (Recoup's UI messages: the last is the user's new one). */
        MESSAGES,
        /**
         * An opaque page token or cursor that only the gateway issues: left out of generated requests for
         * {@link Variant#EXISTING} (the ITs follow real ones), one never issued for UNKNOWN; its violations still
         * apply.
         */
        PAGE_TOKEN,
        /**
         * A turn. Runtime API: EXISTING is running under the owner's lease; PROTECTED under another worker's.
         * TrueFoundry ({@code turnId}, {@code last_turn_id}): finished, or running (BUSY).
         */
        TURN,
        /** The runtime API's worker name: the one the fixture's turns are held by. */
        WORKER,
        /** A long poll's wait: left out (no exchange waits); its violations still apply. */
        WAIT,
        /** The turn a new turn continues: absent ({@code auto}) for EXISTING, one that is not the last (DUPLICATE). */
        PREVIOUS_TURN,
        /** A new turn's input: a user message (the schema makes every property optional). */
        TURN_INPUT
    }

    /**
     * One way of provoking a status. A scenario whose variant is not {@link Variant#EXISTING} applies to an
     * operation only if one of its inputs has a value of that variant (restricted to the roles in {@code only}
     * when that is not empty): "an unknown session" says nothing about an operation without a session.
     */
    public record Scenario(
            Kind kind,
            Who who,
            Variant variant,
            Map<String, Role> extras,
            Set<Role> only,
            String reason,
            Set<String> operations) {
        public enum Kind {
            REQUEST,
            VIOLATIONS,
            NOT_PROVOKABLE
        }

        public Scenario(Kind kind, Who who, Variant variant, Map<String, Role> extras, Set<Role> only, String reason) {
            this(kind, who, variant, extras, only, reason, Set.of());
        }

        /**
         * The same scenario, for these operations only (each its {@code operationId} or {@code "METHOD template"}):
         * for a reason that holds for some operations of a status only (TrueFoundry's 400 is a subject type on
         * create, a page token on the lists).
         */
        public Scenario onlyFor(String... operations) {
            return new Scenario(kind, who, variant, extras, only, reason, Set.of(operations));
        }

        /**
         * The same scenario, for every operation but these (kept as {@code "!operation"}): Recoup's 200 by the owner
         * holds for every operation but the resume of an idle chat, which is 204.
         */
        public Scenario exceptFor(String... excluded) {
            Set<String> ops = new LinkedHashSet<>(operations);
            for (String e : excluded) {
                ops.add("!" + e);
            }
            return new Scenario(kind, who, variant, extras, only, reason, Set.copyOf(ops));
        }

        /**
         * Whether the scenario is about this operation (always, unless restricted with {@link #onlyFor} or
         * {@link #exceptFor}).
         */
        public boolean concerns(SpecOperation op) {
            if (operations.contains("!" + op.id()) || operations.contains("!" + op.toString())) {
                return false;
            }
            boolean restricted = operations.stream().anyMatch(o -> !o.startsWith("!"));
            return !restricted || operations.contains(op.id()) || operations.contains(op.toString());
        }

        @Override
        public String toString() {
            return switch (kind) {
                case REQUEST ->
                    who + " with " + variant + " " + (only.isEmpty() ? "values" : only)
                            + (extras.isEmpty() ? "" : " + " + extras.keySet());
                case VIOLATIONS -> "schema violations";
                case NOT_PROVOKABLE -> "not provokable: " + reason;
            };
        }
    }

    /** A request by {@code who} with {@link Variant#EXISTING} values. */
    public static Scenario as(Who who) {
        return new Scenario(Scenario.Kind.REQUEST, who, Variant.EXISTING, Map.of(), Set.of(), null);
    }

    /** A request by {@code who} with values of {@code variant} for the given roles (all roles when none given). */
    public static Scenario as(Who who, Variant variant, Role... only) {
        return new Scenario(Scenario.Kind.REQUEST, who, variant, Map.of(), Set.of(only), null);
    }

    /** A request with an undeclared (but allowed) body property bound to a role. */
    public static Scenario as(Who who, Variant variant, String extraProperty, Role role) {
        return new Scenario(Scenario.Kind.REQUEST, who, variant, Map.of(extraProperty, role), Set.of(role), null);
    }

    /** Every violation the operation's parameter and body schemas name. */
    public static Scenario violations() {
        return new Scenario(Scenario.Kind.VIOLATIONS, null, null, Map.of(), Set.of(), null);
    }

    public static Scenario notProvokable(String reason) {
        return new Scenario(Scenario.Kind.NOT_PROVOKABLE, null, null, Map.of(), Set.of(), reason);
    }

    private final String dialect;
    private final String errorDocument;
    private final String errorSchema;
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final Map<Integer, List<Scenario>> byStatus = new LinkedHashMap<>();
    private final Function<GatewayHarness, Fixture> fixture;
    /** The statuses schema violations get, in order of preference: an operation gets the first it declares. */
    private final List<Integer> violationStatuses = new ArrayList<>();

    private boolean nullMeansAbsent;
    private final Map<String, String> notes = new LinkedHashMap<>();

    /**
     * @param errorDocument and {@code errorSchema}: the component that bodies of undeclared statuses (404 of an
     *     unknown route, 405, 413, 415) must match
     */
    public ScenarioTable(
            String dialect, String errorDocument, String errorSchema, Function<GatewayHarness, Fixture> fixture) {
        this.dialect = dialect;
        this.errorDocument = errorDocument;
        this.errorSchema = errorSchema;
        this.fixture = fixture;
    }

    /** Binds a parameter name, a property path ({@code name}, {@code list[]}) or {@code Schema.path} to a role. */
    public ScenarioTable role(String nameOrPath, Role role) {
        roles.put(nameOrPath, role);
        return this;
    }

    public ScenarioTable on(int status, Scenario... scenarios) {
        byStatus.computeIfAbsent(status, s -> new ArrayList<>()).addAll(List.of(scenarios));
        if (List.of(scenarios).stream().anyMatch(s -> s.kind() == Scenario.Kind.VIOLATIONS)) {
            violationStatuses.add(status);
        }
        return this;
    }

    /** The dialect reads an explicit null on an optional property as "not given"; {@code why} goes to the report. */
    public ScenarioTable nullMeansAbsent(String why) {
        nullMeansAbsent = true;
        notes.put("null on an optional property", why);
        return this;
    }

    public String dialect() {
        return dialect;
    }

    public String errorDocument() {
        return errorDocument;
    }

    public String errorSchema() {
        return errorSchema;
    }

    public Map<String, Role> roles() {
        return roles;
    }

    public List<Scenario> scenarios(int status) {
        return byStatus.getOrDefault(status, List.of());
    }

    /**
     * The status schema violations of an operation get: the first status with a violations row that the operation
     * declares (rows in the order the table lists them), or 0 when it declares none.
     */
    public int violationStatus(SpecOperation op) {
        return violationStatuses.stream().filter(op::declares).findFirst().orElse(0);
    }

    public boolean nullMeansAbsent() {
        return nullMeansAbsent;
    }

    public Map<String, String> notes() {
        return notes;
    }

    public Fixture fixture(GatewayHarness gateway) {
        return fixture.apply(gateway);
    }
}
