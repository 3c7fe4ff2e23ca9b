package io.sessiongateway.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.SseFrames;
import io.sessiongateway.server.testing.spec.SpecCatalog;
import io.sessiongateway.server.testing.spec.SpecOperation;
import io.sessiongateway.server.testing.spec.SpecOperation.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Random requests to every operation of every document (jqwik): valid and broken parameters, random instances of
 * the body schemas, schema violations, garbage bodies and content types, every kind of credential. Properties: no
 * answer is a 5xx; every answer matches its document (statuses no document declares must match the dialect's
 * error schema); afterwards the server still answers, and the store holds no row for the fuzzed tenants that a
 * client was not told about in a 2xx answer.
 *
 * <p>On failure jqwik prints the seed. Replay it with
 * {@code mvn -B verify -pl server -am -Dit.test=FuzzIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfuzz.seed=<seed>}; {@code -Dfuzz.tries=<n>} changes the number of requests (default 1000).
 */
class FuzzIT {
    static final GatewayHarness GATEWAY = new GatewayHarness(Fixtures.harnessEnv());
    static final SpecCatalog CATALOG = SpecCatalog.shared();
    static final List<ScenarioTable> TABLES = Dialects.all();
    static final Map<String, Fixture> FIXTURES = new LinkedHashMap<>();
    static final Set<String> ACKNOWLEDGED = ConcurrentHashMap.newKeySet();
    static final Map<String, Integer> STATUSES = new ConcurrentHashMap<>();
    /** The operations some request went to: with the default tries, every operation of every document (issue #12). */
    static final Set<String> FUZZED = ConcurrentHashMap.newKeySet();
    /** Rows a client is not told about by design: the agent Recoup's sessions belong to (created on first use). */
    static final Set<String> IMPLICIT = Set.of("recoup");

    @BeforeContainer
    static void start() throws Exception {
        GATEWAY.open();
        for (ScenarioTable table : TABLES) {
            Fixture fixture = table.fixture(GATEWAY);
            FIXTURES.put(table.dialect(), fixture);
            fixture.storedRows().values().forEach(ACKNOWLEDGED::addAll);
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        GATEWAY.close();
    }

    /** Seed and tries from {@code -Dfuzz.seed} / {@code -Dfuzz.tries}, so a failure can be replayed from Maven. */
    public static final class FromSystemProperties implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            Optional.ofNullable(System.getProperty("fuzz.seed"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(context.attributes()::setSeed);
            Optional.ofNullable(System.getProperty("fuzz.tries"))
                    .filter(s -> !s.isBlank())
                    .ifPresent(t -> context.attributes().setTries(Integer.parseInt(t)));
            return property.execute();
        }
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(FromSystemProperties.class)
    void everyAnswerIsAClientErrorOrASuccessTheDocumentsDescribe(@ForAll("requests") Fuzzed request) {
        ACKNOWLEDGED.addAll(FIXTURES.get(request.table().dialect()).prepare(request.exchange()));
        Response r = request.exchange().send(GATEWAY, request.table());
        int status = r.statusCode();
        FUZZED.add(request.table().dialect() + " " + request.exchange().operation());
        STATUSES.merge(request.table().dialect() + " " + status, 1, Integer::sum);
        if (status >= 500) {
            throw new AssertionError("server error " + status + "\n" + request + "\nresponse: " + r.asString());
        }
        if (status < 300 && request.exchange().operation().writes()) {
            String type = r.contentType() == null ? "" : r.contentType();
            if (type.startsWith("text/event-stream")) {
                SseFrames.parse(r.asString()).forEach(f -> acknowledge(f.toString())); // a stream: its frames
            } else if (!r.asString().isEmpty()) {
                acknowledge(r.asString());
            }
        }
    }

    @AfterProperty
    void theServerStillAnswersAndTheStoreHoldsOnlyAcknowledgedRows() {
        System.out.println("fuzz statuses: " + new TreeMap<>(STATUSES));
        if (System.getProperty("fuzz.seed") == null && System.getProperty("fuzz.tries") == null) {
            List<String> missed = new ArrayList<>();
            for (ScenarioTable table : TABLES) {
                for (SpecOperation op : Dialects.served(CATALOG, table.dialect())) {
                    if (!FUZZED.contains(table.dialect() + " " + op)) {
                        missed.add(table.dialect() + " " + op);
                    }
                }
            }
            if (!missed.isEmpty()) {
                throw new AssertionError("operations no fuzzed request went to: " + missed);
            }
        }
        for (ScenarioTable table : TABLES) {
            Fixture fixture = FIXTURES.get(table.dialect());
            SpecOperation read = Dialects.served(CATALOG, table.dialect()).stream()
                    .filter(o -> o.method().equals("GET"))
                    .filter(o -> !o.declares(204)) // a resume of an idle chat answers 204
                    .findFirst()
                    .orElseThrow();
            Exchange x = Generator.request("still answers", table, fixture, read, Variant.EXISTING, false);
            x.headers.putAll(fixture.headers(
                    Who.OWNER,
                    read.securitySchemes().isEmpty()
                            ? null
                            : read.securitySchemes().get(0)));
            Response r = x.send(GATEWAY, table);
            if (r.statusCode() != 200) {
                throw new AssertionError(table.dialect() + ": after the fuzzing " + x.describe() + " got "
                        + r.statusCode() + ": " + r.asString());
            }
            List<String> unacknowledged = new ArrayList<>();
            fixture.storedRows().forEach((row, ids) -> {
                if (ids.stream().noneMatch(ACKNOWLEDGED::contains)
                        && ids.stream().noneMatch(IMPLICIT::contains)) {
                    unacknowledged.add(row + " " + ids);
                }
            });
            if (!unacknowledged.isEmpty()) {
                throw new AssertionError(table.dialect() + ": rows no 2xx answer told a client about:\n  "
                        + String.join("\n  ", unacknowledged));
            }
        }
    }

    /** Every string in a JSON answer, and the segments of path-like ones (Agentcloud's redirect). */
    static void acknowledge(String body) {
        JsonNode node = Fixture.read(body);
        List<JsonNode> stack = new ArrayList<>(List.of(node));
        while (!stack.isEmpty()) {
            JsonNode n = stack.remove(stack.size() - 1);
            if (n.isTextual()) {
                ACKNOWLEDGED.add(n.asText());
                for (String segment : n.asText().split("/")) {
                    ACKNOWLEDGED.add(segment);
                }
            }
            n.forEach(stack::add);
        }
    }

    /** One random request, with the table that knows its dialect. */
    record Fuzzed(ScenarioTable table, Exchange exchange) {
        @Override
        public String toString() {
            return exchange.describe();
        }
    }

    @Provide
    Arbitrary<Fuzzed> requests() {
        return Arbitraries.randomValue(FuzzIT::fuzz);
    }

    static Fuzzed fuzz(Random random) {
        ScenarioTable table = TABLES.get(random.nextInt(TABLES.size()));
        Fixture fixture = FIXTURES.get(table.dialect());
        List<SpecOperation> ops = Dialects.served(CATALOG, table.dialect());
        SpecOperation op = ops.get(random.nextInt(ops.size()));
        Variant[] variants = Variant.values();
        Variant variant = random.nextInt(10) < 6 ? Variant.EXISTING : variants[random.nextInt(variants.length)];
        if (variant == Variant.BUSY && streams(op)) {
            variant = Variant.EXISTING; // a stream of a turn no worker answers would never end
        }
        Function<String, Optional<JsonNode>> bound = Generator.binder(table, fixture, variant);
        Function<String, Optional<JsonNode>> binder =
                key -> random.nextInt(10) < 8 ? bound.apply(key) : Optional.empty();
        SchemaData data = new SchemaData(op.document(), binder, random);
        Exchange x = new Exchange("fuzz", op);
        x.strict = false;
        for (Parameter p : op.parameters()) {
            String value = binder.apply(p.name())
                    .filter(v -> !v.isMissingNode())
                    .map(JsonNode::asText)
                    .orElseGet(() -> data.valid(p.schema(), null, false).asText());
            int roll = random.nextInt(10);
            if (roll == 0) {
                value = randomText(random, 1 + random.nextInt(80));
            } else if (roll == 1) {
                List<SchemaData.Violation> violations = data.parameterViolations(p);
                if (!violations.isEmpty()) {
                    JsonNode v =
                            violations.get(random.nextInt(violations.size())).value();
                    value = v == null ? null : v.asText();
                }
            }
            if (value == null) {
                continue;
            }
            if (p.in().equals("path") || p.in().equals("server")) {
                x.pathValues.put(p.name(), value.isEmpty() ? "x" : value);
            } else if (p.in().equals("query") && (p.required() || random.nextBoolean())) {
                x.query.add(Map.entry(p.name(), value));
            }
        }
        if (random.nextInt(10) == 0) {
            x.query.add(Map.entry(randomText(random, 5), randomText(random, 5)));
        }
        int bodyRoll = random.nextInt(20);
        if (op.body() != null || bodyRoll == 0) {
            if (bodyRoll < 9 && op.body() != null) {
                ObjectNode body =
                        (ObjectNode) data.valid(op.body().schema(), op.body().schemaName(), false);
                if (random.nextInt(4) == 0) {
                    body.put(randomText(random, 6), randomText(random, 10));
                }
                x.json(body);
            } else if (bodyRoll < 15 && op.body() != null) {
                JsonNode valid = data.valid(op.body().schema(), op.body().schemaName(), true);
                List<SchemaData.Violation> violations =
                        data.bodyViolations(op.body().schema(), valid, random.nextBoolean());
                JsonNode broken = violations.isEmpty()
                        ? valid
                        : violations.get(random.nextInt(violations.size())).applyTo(valid);
                x.json(broken == null ? JsonNodeFactory.instance.objectNode() : broken);
            } else if (bodyRoll < 18) {
                x.contentType = "application/json";
                x.body = garbage(random);
            } else if (bodyRoll == 18) {
                x.contentType = List.of(
                                "text/plain",
                                "application/xml",
                                "application/octet-stream",
                                "application/json; charset=utf-16")
                        .get(random.nextInt(4));
                x.body = garbage(random);
            }
        }
        int who = random.nextInt(20);
        String scheme = op.securitySchemes().isEmpty()
                ? null
                : op.securitySchemes().get(random.nextInt(op.securitySchemes().size()));
        Who[] all = Who.values();
        Who chosen =
                who < 14 ? Who.OWNER : who < 16 ? Who.NONE : who < 17 ? Who.GARBAGE : all[random.nextInt(all.length)];
        try {
            x.headers.putAll(fixture.headers(chosen, scheme));
        } catch (UnsupportedOperationException e) {
            x.headers.putAll(fixture.headers(Who.NONE, null));
        }
        return new Fuzzed(table, x);
    }

    /** Whether the operation's success answer is an event stream (it ends when its turn does). */
    static boolean streams(SpecOperation op) {
        return op.response(200).stream()
                .flatMap(r -> r.content().stream())
                .anyMatch(c -> c.mediaType().startsWith("text/event-stream"));
    }

    private static final String ALPHABET = "abcXYZ019 _-.:~/?#%&+=é漢😀\"\\'<>{}[]\u0000\u202e";

    static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder();
        int n = ALPHABET.codePointCount(0, ALPHABET.length());
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, random.nextInt(n))));
        }
        return sb.toString();
    }

    static byte[] garbage(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] b = new byte[1 + random.nextInt(200)];
                random.nextBytes(b);
                yield b;
            }
            case 2 ->
                ("{\"" + randomText(random, 8) + "\": " + "[".repeat(random.nextInt(100)))
                        .getBytes(StandardCharsets.UTF_8);
            case 3 -> ("[" + "1,".repeat(random.nextInt(5000)) + "1]").getBytes(StandardCharsets.UTF_8);
            case 4 ->
                ("{\"a\":" + random.nextLong() + "e" + random.nextInt(400) + "}").getBytes(StandardCharsets.UTF_8);
            default -> randomText(random, random.nextInt(300)).getBytes(StandardCharsets.UTF_8);
        };
    }
}
