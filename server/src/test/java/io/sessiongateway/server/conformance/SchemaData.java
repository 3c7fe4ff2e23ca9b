package io.sessiongateway.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.curiousoddman.rgxgen.RgxGen;
import io.sessiongateway.server.testing.spec.SpecDocument;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Instances of a document's schemas: a valid one (deterministic, or random for the fuzz test) and, for every
 * property and parameter, the ways to break it that the schema itself names: missing, null, wrong type, empty, too
 * long, off-pattern, wrong format, unknown enum value, out of range, too many items.
 *
 * <p>Properties bound to a role (see {@link ScenarioTable}) take the value the fixture gives instead of a
 * generated one; {@link #OMIT} leaves them out.
 */
public final class SchemaData {
    /** A bound value meaning "leave this property out". */
    public static final JsonNode OMIT = MissingNode.getInstance();

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * Where a violation goes: a path of property names and array indexes from the root of the body (or the
     * parameter's name alone), what it breaks, and the value put there ({@code null}: the property is removed).
     */
    public record Violation(List<Object> path, String kind, JsonNode value) {
        public String where() {
            StringBuilder sb = new StringBuilder();
            for (Object segment : path) {
                if (segment instanceof Integer i) {
                    sb.append('[').append(i).append(']');
                } else {
                    sb.append(sb.length() == 0 ? "" : ".").append(segment);
                }
            }
            return sb.length() == 0 ? "(body)" : sb.toString();
        }

        @Override
        public String toString() {
            return where() + ": " + kind;
        }

        /** A copy of the valid instance with this violation applied. */
        public JsonNode applyTo(JsonNode valid) {
            if (path.isEmpty()) {
                return value;
            }
            JsonNode copy = valid.deepCopy();
            JsonNode parent = copy;
            for (int i = 0; i < path.size() - 1; i++) {
                Object segment = path.get(i);
                JsonNode next = segment instanceof Integer idx ? parent.get(idx) : parent.get((String) segment);
                if (next == null || next.isNull()) {
                    next = path.get(i + 1) instanceof Integer ? F.arrayNode().addNull() : F.objectNode();
                    set(parent, segment, next);
                }
                parent = next;
            }
            Object last = path.get(path.size() - 1);
            if (value == null) {
                if (parent instanceof ObjectNode o) {
                    o.remove((String) last);
                }
            } else {
                set(parent, last, value);
            }
            return copy;
        }

        private static void set(JsonNode parent, Object segment, JsonNode value) {
            if (segment instanceof Integer idx && parent instanceof ArrayNode a) {
                while (a.size() <= idx) {
                    a.addNull();
                }
                a.set(idx, value);
            } else if (parent instanceof ObjectNode o) {
                o.set((String) segment, value);
            }
        }
    }

    private final SpecDocument doc;
    private final Function<String, Optional<JsonNode>> binder;
    private final Random random;

    /**
     * @param binder a bound value per property path ({@code name}, {@code outer.inner}, {@code list[].name}, each
     *     also tried as {@code Schema.path} first when the root schema is a named component), or empty to generate
     * @param random null for the deterministic valid instance; a source of randomness for the fuzz test
     */
    public SchemaData(SpecDocument doc, Function<String, Optional<JsonNode>> binder, Random random) {
        this.doc = doc;
        this.binder = binder;
        this.random = random;
    }

    /** The JSON types a schema admits; empty when any. OpenAPI 3.0's {@code nullable} adds null. */
    public Set<String> types(JsonNode raw) {
        JsonNode s = doc.deref(raw);
        Set<String> types = new LinkedHashSet<>();
        JsonNode type = s.get("type");
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (s.has("properties")) {
            types.add("object");
        } else if (s.has("enum")) {
            for (JsonNode v : s.get("enum")) {
                types.add(
                        v.isTextual()
                                ? "string"
                                : v.isIntegralNumber()
                                        ? "integer"
                                        : v.isNull() ? "null" : v.isBoolean() ? "boolean" : "number");
            }
        }
        if (doc.openApi30() && s.path("nullable").asBoolean(false)) {
            types.add("null");
        }
        return types;
    }

    /**
     * A valid instance. With {@code full} every optional property is present too (deterministic mode); in random
     * mode each optional property is present by chance.
     */
    public JsonNode valid(JsonNode raw, String rootName, boolean full) {
        return valid(raw, rootName, "", full);
    }

    private JsonNode valid(JsonNode raw, String rootName, String path, boolean full) {
        if (!path.isEmpty()) {
            Optional<JsonNode> bound = bound(rootName, path);
            if (bound.isPresent()) {
                return bound.get();
            }
        }
        JsonNode s = doc.deref(raw);
        if (s == null || s.isMissingNode()) {
            return F.objectNode();
        }
        if (s.has("const")) {
            return s.get("const");
        }
        if (s.has("oneOf") || s.has("anyOf")) {
            JsonNode branches = s.has("oneOf") ? s.get("oneOf") : s.get("anyOf");
            for (JsonNode branch : branches) {
                if (!types(branch).equals(Set.of("null"))) {
                    return valid(branch, rootName, path, full);
                }
            }
        }
        if (s.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            s.get("enum").forEach(v -> {
                if (!v.isNull()) {
                    values.add(v);
                }
            });
            return values.get(random == null ? 0 : random.nextInt(values.size()));
        }
        Set<String> types = new LinkedHashSet<>(types(s));
        types.remove("null");
        String type = types.isEmpty() ? "string" : types.iterator().next();
        switch (type) {
            case "object": {
                ObjectNode o = F.objectNode();
                Set<String> required = required(s);
                for (Iterator<String> it = s.path("properties").fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    String child = path.isEmpty() ? name : path + "." + name;
                    boolean include = required.contains(name)
                            || bound(rootName, child).isPresent()
                            || (random == null ? full : random.nextInt(3) > 0);
                    if (include) {
                        JsonNode v = valid(s.get("properties").get(name), rootName, child, full);
                        if (!v.isMissingNode()) {
                            o.set(name, v);
                        }
                    }
                }
                return o;
            }
            case "array": {
                ArrayNode a = F.arrayNode();
                int min = s.path("minItems").asInt(0);
                int max = s.path("maxItems").asInt(Integer.MAX_VALUE);
                int n = random == null
                        ? Math.min(Math.max(min, 1), max)
                        : min + random.nextInt(Math.min(max, min + 3) - min + 1);
                for (int i = 0; i < n; i++) {
                    JsonNode v = valid(s.path("items"), rootName, path + "[]", full);
                    a.add(v.isMissingNode() ? F.textNode("x") : v);
                }
                return a;
            }
            case "integer":
            case "number": {
                long min = s.has("minimum") ? s.get("minimum").asLong() : 0;
                long max = s.has("maximum") ? s.get("maximum").asLong() : Math.max(min, 1000);
                long v = random == null
                        ? Math.max(min, Math.min(1, max))
                        : min + (long) (random.nextDouble() * (max - min));
                return F.numberNode(v);
            }
            case "boolean":
                return F.booleanNode(random != null && random.nextBoolean());
            default:
                return F.textNode(string(s));
        }
    }

    private Optional<JsonNode> bound(String rootName, String path) {
        if (rootName != null) {
            Optional<JsonNode> v = binder.apply(rootName + "." + path);
            if (v.isPresent()) {
                return v;
            }
        }
        return binder.apply(path);
    }

    /** A string that satisfies a string schema's format, pattern and length. */
    public String string(JsonNode raw) {
        JsonNode s = doc.deref(raw);
        String format = s.path("format").asText("");
        if (format.equals("uuid")) {
            return UUID.randomUUID().toString();
        }
        if (format.equals("date-time")) {
            return Instant.now()
                    .plus(1, ChronoUnit.DAYS)
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
        }
        int min = s.path("minLength").asInt(0);
        int max = s.path("maxLength").asInt(Integer.MAX_VALUE);
        if (s.has("pattern")) {
            Pattern pattern = Pattern.compile(s.get("pattern").asText());
            RgxGen gen = RgxGen.parse(unanchored(s.get("pattern").asText()));
            Random r = random == null ? new Random(s.get("pattern").asText().hashCode()) : random;
            for (int i = 0; i < 50; i++) {
                String v = gen.generate(r);
                if (pattern.matcher(v).find() && v.length() >= min && v.length() <= max) {
                    return v;
                }
            }
            throw new IllegalStateException("cannot generate a string for pattern " + s.get("pattern"));
        }
        if (random == null) {
            String v = "conformance";
            while (v.length() < min) {
                v = v + v;
            }
            return v.substring(0, Math.min(v.length(), Math.max(min, Math.min(max, v.length()))));
        }
        int len = min + random.nextInt(Math.max(1, Math.min(max, min + 24) - min + 1));
        StringBuilder sb = new StringBuilder();
        String alphabet = "abcXYZ019 _-.:~/?#%&+é漢😀\"\\'<>";
        while (sb.codePointCount(0, sb.length()) < len) {
            sb.appendCodePoint(alphabet.codePointAt(
                    alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return sb.toString();
    }

    private static String unanchored(String pattern) {
        String p = pattern.startsWith("^") ? pattern.substring(1) : pattern;
        return p.endsWith("$") && !p.endsWith("\\$") ? p.substring(0, p.length() - 1) : p;
    }

    private Set<String> required(JsonNode s) {
        Set<String> required = new LinkedHashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        return required;
    }

    /**
     * The violations of a request body's schema, at every depth. {@code valid} is a full valid instance, used for
     * the items of too-long arrays. {@code nullMeansAbsent}: the dialect reads an explicit null on an optional
     * property as "not given" (documented per dialect), so null is a violation only where a value is required.
     */
    public List<Violation> bodyViolations(JsonNode raw, JsonNode valid, boolean nullMeansAbsent) {
        List<Violation> out = new ArrayList<>();
        collect(raw, new ArrayList<>(), valid, true, nullMeansAbsent, false, out);
        return out;
    }

    /** The violations of one parameter: only those a URL can carry (no null, no missing path segment). */
    public List<Violation> parameterViolations(SpecOperation.Parameter parameter) {
        List<Violation> out = new ArrayList<>();
        List<Object> path = new ArrayList<>(List.of(parameter.name()));
        JsonNode schema = parameter.schema();
        if (parameter.required()
                && !parameter.in().equals("path")
                && !parameter.in().equals("server")) {
            out.add(new Violation(path, "missing", null));
        }
        collect(schema, path, null, false, true, true, out);
        boolean segment = parameter.in().equals("path") || parameter.in().equals("server");
        if (segment) {
            // An empty path segment is another route, not this operation: BadInputIT covers those.
            out.removeIf(v -> v.kind().equals("empty"));
        } else if (!types(schema).contains("string")
                && out.stream().noneMatch(v -> v.kind().equals("empty"))) {
            out.add(new Violation(path, "empty", F.textNode("")));
        }
        return out;
    }

    private void collect(
            JsonNode raw,
            List<Object> path,
            JsonNode valid,
            boolean required,
            boolean nullMeansAbsent,
            boolean inUrl,
            List<Violation> out) {
        JsonNode s = doc.deref(raw);
        if (s == null || s.isMissingNode()) {
            return;
        }
        Set<String> types = types(s);
        boolean isProperty = !path.isEmpty() && path.get(path.size() - 1) instanceof String && !inUrl;
        if (isProperty && required) {
            out.add(new Violation(List.copyOf(path), "missing", null));
        }
        if (!inUrl && !types.isEmpty() && !types.contains("null") && (required || !nullMeansAbsent)) {
            out.add(new Violation(List.copyOf(path), "null", F.nullNode()));
        }
        JsonNode wrong = wrongType(types, inUrl);
        if (wrong != null) {
            out.add(new Violation(List.copyOf(path), "wrong type " + describe(wrong), wrong));
        }
        if (types.contains("integer") && !types.contains("number") && !inUrl) {
            out.add(new Violation(List.copyOf(path), "fraction for an integer", F.numberNode(1.5)));
        }
        if (types.contains("string")) {
            strings(s, path, inUrl, out);
        }
        if (types.contains("integer") || types.contains("number")) {
            if (s.has("minimum")) {
                out.add(new Violation(
                        List.copyOf(path),
                        "below minimum " + s.get("minimum"),
                        num(s.get("minimum").asLong() - 1, inUrl)));
            }
            if (s.has("maximum")) {
                out.add(new Violation(
                        List.copyOf(path),
                        "above maximum " + s.get("maximum"),
                        num(s.get("maximum").asLong() + 1, inUrl)));
            }
        }
        if (s.has("enum") && !types.contains("string") && !inUrl) {
            out.add(new Violation(List.copyOf(path), "unknown enum value", F.numberNode(987654)));
        }
        if (types.contains("array") && !inUrl) {
            JsonNode item = valid != null && valid.isArray() && valid.size() > 0
                    ? valid.get(0)
                    : valid(s.path("items"), null, true);
            if (s.has("maxItems")) {
                ArrayNode tooMany = F.arrayNode();
                for (int i = 0; i <= s.get("maxItems").asInt(); i++) {
                    tooMany.add(item.deepCopy());
                }
                out.add(new Violation(List.copyOf(path), "more than maxItems " + s.get("maxItems"), tooMany));
            }
            if (s.path("minItems").asInt(0) > 0) {
                out.add(new Violation(List.copyOf(path), "fewer than minItems", F.arrayNode()));
            }
            List<Object> itemPath = new ArrayList<>(path);
            itemPath.add(0);
            collect(s.path("items"), itemPath, item, true, nullMeansAbsent, false, out);
        }
        if (types.contains("object") && !inUrl) {
            Set<String> req = required(s);
            for (Iterator<String> it = s.path("properties").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                List<Object> child = new ArrayList<>(path);
                child.add(name);
                collect(
                        s.get("properties").get(name),
                        child,
                        valid == null ? null : valid.get(name),
                        req.contains(name),
                        nullMeansAbsent,
                        false,
                        out);
            }
            JsonNode additional = s.get("additionalProperties");
            if (additional != null && additional.isObject() && !additional.isEmpty()) {
                List<Object> child = new ArrayList<>(path);
                child.add("conformance-extra");
                collect(additional, child, null, false, nullMeansAbsent, false, out);
            } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                List<Object> child = new ArrayList<>(path);
                child.add("conformance-undeclared");
                out.add(new Violation(child, "undeclared property", F.textNode("x")));
            }
        }
    }

    private void strings(JsonNode s, List<Object> path, boolean inUrl, List<Violation> out) {
        int min = s.path("minLength").asInt(0);
        String format = s.path("format").asText("");
        Pattern pattern = s.has("pattern") ? Pattern.compile(s.get("pattern").asText()) : null;
        boolean emptyInvalid = min > 0
                || (pattern != null && !pattern.matcher("").find())
                || format.equals("uuid")
                || format.equals("date-time")
                || s.has("enum");
        if (emptyInvalid) {
            out.add(new Violation(List.copyOf(path), "empty", F.textNode("")));
        }
        if (s.has("maxLength")) {
            int max = s.get("maxLength").asInt();
            String base = s.has("pattern") || !format.isEmpty() ? string(s) : "x";
            StringBuilder sb = new StringBuilder(base);
            while (sb.length() <= max) {
                sb.append(base.isEmpty() ? "x" : base.substring(base.length() - 1));
            }
            out.add(new Violation(List.copyOf(path), "longer than maxLength " + max, F.textNode(sb.toString())));
        }
        if (min > 1) {
            out.add(new Violation(List.copyOf(path), "shorter than minLength " + min, F.textNode("x")));
        }
        if (pattern != null) {
            String valid = string(s);
            for (String candidate : List.of(valid.toUpperCase(Locale.ROOT), valid + "!", "!" + valid, "zz")) {
                if (!pattern.matcher(candidate).find()) {
                    out.add(new Violation(List.copyOf(path), "not matching " + pattern, F.textNode(candidate)));
                    break;
                }
            }
        }
        if (format.equals("uuid")) {
            out.add(new Violation(List.copyOf(path), "not a uuid", F.textNode("not-a-uuid")));
        } else if (format.equals("date-time")) {
            out.add(new Violation(List.copyOf(path), "not a date-time", F.textNode("yesterday at noon")));
        }
        if (s.has("enum")) {
            out.add(new Violation(List.copyOf(path), "unknown enum value", F.textNode("not-a-known-value")));
        }
    }

    private static JsonNode wrongType(Set<String> types, boolean inUrl) {
        if (types.isEmpty()) {
            return null;
        }
        if (inUrl) {
            // Everything in a URL is text: only non-string parameters have a wrong type there.
            return types.contains("string") ? null : F.textNode("not-a-number");
        }
        if (!types.contains("string")) {
            return F.textNode("not-a-" + types.iterator().next());
        }
        if (!types.contains("integer") && !types.contains("number")) {
            return F.numberNode(12345);
        }
        if (!types.contains("boolean")) {
            return F.booleanNode(true);
        }
        return null;
    }

    private static JsonNode num(long v, boolean inUrl) {
        return inUrl ? F.textNode(Long.toString(v)) : F.numberNode(v);
    }

    private static String describe(JsonNode v) {
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v;
    }
}
