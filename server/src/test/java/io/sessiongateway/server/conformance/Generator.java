package io.sessiongateway.server.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import io.sessiongateway.server.conformance.ScenarioTable.Role;
import io.sessiongateway.server.conformance.ScenarioTable.Scenario;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.spec.SpecOperation;
import io.sessiongateway.server.testing.spec.SpecOperation.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Turns an operation, its dialect's scenario table and fixture into exchanges, and runs them. */
public final class Generator {
    private Generator() {}

    /** The binder of a scenario: role-bound names take the fixture's value for the variant. */
    static Function<String, Optional<JsonNode>> binder(ScenarioTable table, Fixture fixture, Variant variant) {
        return binder(table, fixture, variant, Set.of());
    }

    /** Roles outside {@code only} (when not empty) keep their {@link Variant#EXISTING} value. */
    static Function<String, Optional<JsonNode>> binder(
            ScenarioTable table, Fixture fixture, Variant variant, Set<Role> only) {
        return key -> Optional.ofNullable(table.roles().get(key))
                .map(role -> fixture.value(role, only.isEmpty() || only.contains(role) ? variant : Variant.EXISTING));
    }

    /** Whether a scenario says anything about the operation (see {@link Scenario}). */
    static boolean applies(ScenarioTable table, Fixture fixture, SpecOperation op, Scenario sc) {
        if (!sc.concerns(op)) {
            return false;
        }
        if (sc.variant() == Variant.EXISTING) {
            return true;
        }
        Set<Role> inputs = new LinkedHashSet<>(sc.extras().values());
        for (Parameter p : op.parameters()) {
            Optional.ofNullable(table.roles().get(p.name())).ifPresent(inputs::add);
        }
        if (op.body() != null) {
            for (Map.Entry<String, Role> e : table.roles().entrySet()) {
                if (mentions(op, op.body().schema(), e.getKey(), e.getKey())) {
                    inputs.add(e.getValue());
                }
            }
        }
        return inputs.stream()
                .anyMatch(r -> (sc.only().isEmpty() || sc.only().contains(r)) && fixture.has(r, sc.variant()));
    }

    /** Whether a role key ({@code name}, {@code a.b}, {@code list[]}, {@code Schema.path}) names a body property. */
    private static boolean mentions(SpecOperation op, JsonNode schema, String key, String full) {
        String schemaName = op.body().schemaName();
        String path = key;
        if (schemaName != null && key.startsWith(schemaName + ".")) {
            path = key.substring(schemaName.length() + 1);
        } else if (key.contains(".") && Character.isUpperCase(key.charAt(0))) {
            return false;
        }
        JsonNode s = op.document().deref(schema);
        for (String segment : path.split("\\.")) {
            boolean array = segment.endsWith("[]");
            String name = array ? segment.substring(0, segment.length() - 2) : segment;
            JsonNode child = s.path("properties").get(name);
            if (child == null) {
                return false;
            }
            s = op.document().deref(child);
            if (array) {
                s = op.document().deref(s.path("items"));
            }
        }
        return true;
    }

    /**
     * A well-formed request of the operation: role-bound values of the variant, generated valid values for the
     * rest, the body with every optional property when {@code full}.
     */
    static Exchange request(
            String name, ScenarioTable table, Fixture fixture, SpecOperation op, Variant variant, boolean full) {
        return request(name, table, fixture, op, variant, Set.of(), full);
    }

    static Exchange request(
            String name,
            ScenarioTable table,
            Fixture fixture,
            SpecOperation op,
            Variant variant,
            Set<Role> only,
            boolean full) {
        Function<String, Optional<JsonNode>> binder = binder(table, fixture, variant, only);
        SchemaData data = new SchemaData(op.document(), binder, null);
        Exchange x = new Exchange(name, op);
        for (Parameter p : op.parameters()) {
            JsonNode v = binder.apply(p.name()).orElseGet(() -> data.valid(p.schema(), null, false));
            // an optional parameter the scenario is about (its role named, another variant) is sent
            Role role = table.roles().get(p.name());
            boolean subject = variant != Variant.EXISTING && role != null && only.contains(role);
            if (v.isMissingNode() || (!p.required() && !full && !subject)) {
                continue;
            }
            switch (p.in()) {
                case "path", "server" -> x.pathValues.put(p.name(), v.asText());
                case "query" -> addQuery(x, p.name(), v);
                case "header" -> x.headers.put(p.name(), v.asText());
                default -> throw new IllegalStateException(op + ": parameters in " + p.in() + " are not supported");
            }
        }
        if (op.body() != null) {
            x.json(data.valid(op.body().schema(), op.body().schemaName(), full));
        }
        return x;
    }

    /** Every exchange that should produce one of the operation's declared statuses, per the table. */
    public static List<Exchange> conformance(
            ScenarioTable table, Fixture fixture, SpecOperation op, Coverage coverage) {
        List<Exchange> out = new ArrayList<>();
        for (int status : op.statuses()) {
            List<Scenario> scenarios = table.scenarios(status);
            for (Scenario sc : scenarios) {
                switch (sc.kind()) {
                    case NOT_PROVOKABLE -> {
                        if (sc.concerns(op)) {
                            coverage.notProvokable(op, status, sc.reason());
                        }
                    }
                    case VIOLATIONS -> {
                        if (status == table.violationStatus(op)) {
                            out.addAll(violations(table, fixture, op));
                        }
                    }
                    case REQUEST -> {
                        if (applies(table, fixture, op, sc)) {
                            out.addAll(requests(table, fixture, op, status, sc));
                        }
                    }
                }
            }
        }
        if (table.violationStatus(op) == 0) {
            // Invalid parameters still need an answer when the operation declares no validation status.
            out.addAll(violations(table, fixture, op));
        }
        return out;
    }

    private static List<Exchange> requests(
            ScenarioTable table, Fixture fixture, SpecOperation op, int status, Scenario sc) {
        List<Exchange> out = new ArrayList<>();
        List<String> schemes = sc.who() == Who.OWNER && !op.securitySchemes().isEmpty() && status < 300
                ? op.securitySchemes()
                : Arrays.asList((String) null);
        if (sc.who() == Who.OWNER && !op.securitySchemes().isEmpty() && status >= 300) {
            schemes = List.of(op.securitySchemes().get(0));
        }
        for (String scheme : schemes) {
            for (boolean full : status < 300 ? List.of(false, true) : List.of(false)) {
                String name = status + " " + sc + (scheme == null ? "" : " via " + scheme)
                        + (status < 300 ? (full ? ", every optional field" : ", required fields only") : "");
                Exchange x = request(name, table, fixture, op, sc.variant(), sc.only(), full);
                if (full && x.body == null && x.query.isEmpty()) {
                    continue;
                }
                sc.extras().forEach((property, role) -> {
                    ObjectNode body = (ObjectNode) Fixture.read(new String(x.body, UTF_8));
                    body.set(property, fixture.value(role, sc.variant()));
                    x.json(body);
                });
                x.headers.putAll(fixture.headers(sc.who(), scheme));
                x.expected = Set.of(status);
                x.checkNoWrite = op.writes() && status >= 300;
                out.add(x);
            }
        }
        return out;
    }

    /**
     * One exchange per violation of the operation's parameter and body schemas, each by the owner with otherwise
     * valid values. Expected: the dialect's validation status if the operation declares it; for a path parameter
     * also 404 when declared (no resource can have such an id).
     */
    static List<Exchange> violations(ScenarioTable table, Fixture fixture, SpecOperation op) {
        List<Exchange> out = new ArrayList<>();
        SchemaData data = new SchemaData(op.document(), binder(table, fixture, Variant.EXISTING), null);
        String scheme =
                op.securitySchemes().isEmpty() ? null : op.securitySchemes().get(0);
        for (Parameter p : op.parameters()) {
            for (SchemaData.Violation v : data.parameterViolations(p)) {
                Exchange x = request(p.in() + " parameter " + v, table, fixture, op, Variant.EXISTING, false);
                switch (p.in()) {
                    case "path", "server" ->
                        x.pathValues.put(p.name(), v.value().asText());
                    case "query" -> {
                        x.query.removeIf(e -> e.getKey().equals(p.name()));
                        if (v.value() != null) {
                            addQuery(x, p.name(), v.value());
                        }
                    }
                    default -> {
                        x.headers.remove(p.name());
                        if (v.value() != null) {
                            x.headers.put(p.name(), v.value().asText());
                        }
                    }
                }
                x.headers.putAll(fixture.headers(Who.OWNER, scheme));
                x.expected = validationStatuses(table, op, p.in().equals("path") || p.in().equals("server"));
                x.checkNoWrite = op.writes();
                out.add(x);
            }
        }
        if (op.body() != null) {
            JsonNode valid = data.valid(op.body().schema(), op.body().schemaName(), true);
            List<Exchange> bodies = new ArrayList<>();
            if (op.body().required()) {
                Exchange x = request("body missing", table, fixture, op, Variant.EXISTING, true);
                x.body = null;
                x.contentType = null;
                bodies.add(x);
            }
            for (SchemaData.Violation v : data.bodyViolations(op.body().schema(), valid, table.nullMeansAbsent())) {
                Exchange x = request("body " + v, table, fixture, op, Variant.EXISTING, true);
                x.json(v.applyTo(valid));
                bodies.add(x);
            }
            for (Exchange x : bodies) {
                x.headers.putAll(fixture.headers(Who.OWNER, scheme));
                x.expected = validationStatuses(table, op, false);
                x.checkNoWrite = op.writes();
                out.add(x);
            }
        }
        return out;
    }

    static Set<Integer> validationStatuses(ScenarioTable table, SpecOperation op, boolean pathParameter) {
        Set<Integer> statuses = new LinkedHashSet<>();
        if (table.violationStatus(op) != 0) {
            statuses.add(table.violationStatus(op));
        }
        if (pathParameter && op.declares(404)) {
            statuses.add(404);
        }
        return statuses;
    }

    /**
     * Sends the exchange and checks it: the harness validates the response against the documents; the status
     * must be an expected one; a refused write must leave the fixture's tenants as they were. Records the outcome.
     */
    public static Response run(
            GatewayHarness gateway, ScenarioTable table, Fixture fixture, Exchange x, Coverage coverage) {
        fixture.prepare(x);
        fixture.beforeSend(x);
        String before = x.checkNoWrite ? fixture.snapshot() : null;
        Response r;
        try {
            fixture.mayChange();
            r = x.send(gateway, table);
        } catch (AssertionError e) {
            coverage.violation(x, e.getMessage());
            throw new AssertionError(x.describe() + "\n" + e.getMessage(), e);
        }
        if (!x.expected.contains(r.statusCode())) {
            String message = "expected "
                    + (x.expected.isEmpty()
                            ? "a status the document declares for this" + " invalid input (it declares none)"
                            : "status " + x.expected)
                    + " but got " + r.statusCode()
                    + "\n" + x.describe() + "\nresponse: " + r.asString();
            coverage.violation(x, message);
            throw new AssertionError(message);
        }
        if (before != null && r.statusCode() >= 300) {
            String after = fixture.snapshot();
            if (!before.equals(after)) {
                String message = "a refused request (" + r.statusCode() + ") changed the store\n" + x.describe()
                        + "\nbefore:\n" + before + "after:\n" + after;
                coverage.violation(x, message);
                throw new AssertionError(message);
            }
        }
        if (x.op != null) {
            coverage.covered(x.op, r.statusCode());
        }
        return r;
    }

    /**
     * A query parameter's value: an array as repeated keys (the form style's {@code explode}, OpenAPI's default for
     * query parameters), anything else as its text.
     */
    private static void addQuery(Exchange x, String name, JsonNode value) {
        if (value.isArray()) {
            value.forEach(item -> x.query.add(Map.entry(name, item.asText())));
        } else {
            x.query.add(Map.entry(name, value.asText()));
        }
    }
}
