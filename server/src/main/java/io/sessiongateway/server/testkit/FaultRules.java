package io.sessiongateway.server.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * This instance's fault rules (docs/fixtures.md), oldest first. Thread-safe: matching and counting happen under
 * one lock, so a rule for {@code times: 1} answers exactly one request however many arrive at once.
 */
public final class FaultRules {
    private final List<Rule> rules = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    /** What a rule asks for; null criteria match anything. */
    public record Spec(
            String dialect,
            String operation,
            String method,
            String path,
            Integer status,
            Integer latency,
            boolean reset,
            Integer times,
            Double probability,
            Long seed) {}

    /** A rule as listed: its spec, id, creation time, how often it applied, and how many times it has left. */
    public record View(String id, Spec spec, Instant createdAt, long matched, Integer remaining) {}

    /** The effect of the rule that applies to a request. */
    public record Applied(String ruleId, Integer status, int latency, boolean reset) {}

    private static final class Rule {
        final String id;
        final Spec spec;
        final Instant createdAt;
        final Pattern path;
        final Random random;
        long matched;
        Integer remaining;

        Rule(String id, Spec spec, Instant createdAt) {
            this.id = id;
            this.spec = spec;
            this.createdAt = createdAt;
            this.path = spec.path() == null ? null : glob(spec.path());
            this.random =
                    spec.probability() == null ? null : spec.seed() == null ? new Random() : new Random(spec.seed());
            this.remaining = spec.times();
        }

        boolean matches(String dialect, String operation, String method, String requestPath) {
            return (spec.dialect() == null || spec.dialect().equals(dialect))
                    && (spec.operation() == null || spec.operation().equals(operation))
                    && (spec.method() == null || spec.method().equalsIgnoreCase(method))
                    && (path == null || path.matcher(requestPath).matches());
        }

        View view() {
            return new View(id, spec, createdAt, matched, remaining);
        }
    }

    public synchronized View add(Spec spec, Instant now) {
        Rule rule = new Rule("fault_" + ids.incrementAndGet(), spec, now);
        rules.add(rule);
        return rule.view();
    }

    public synchronized List<View> list() {
        return rules.stream().map(Rule::view).toList();
    }

    public synchronized boolean remove(String id) {
        return rules.removeIf(r -> r.id.equals(id));
    }

    public synchronized void clear() {
        rules.clear();
    }

    /**
     * The first rule (oldest first) that matches the request and applies to it now (its probability drawn, its
     * count taken); a rule whose count runs out is removed.
     *
     * @param operation the operationId, or null for a request that matched none
     */
    public synchronized Optional<Applied> apply(String dialect, String operation, String method, String path) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (!r.matches(dialect, operation, method, path)) {
                continue;
            }
            if (r.random != null && r.random.nextDouble() >= r.spec.probability()) {
                continue;
            }
            r.matched++;
            if (r.remaining != null) {
                r.remaining--;
                if (r.remaining <= 0) {
                    rules.remove(i);
                }
            }
            return Optional.of(new Applied(
                    r.id, r.spec.status(), r.spec.latency() == null ? 0 : r.spec.latency(), r.spec.reset()));
        }
        return Optional.empty();
    }

    /** A path glob as a regular expression: {@code **} any run of characters, {@code *} any run without '/'. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            if (glob.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (glob.charAt(i) == '*') {
                re.append("[^/]*");
                i++;
            } else {
                int next = glob.indexOf('*', i);
                int end = next < 0 ? glob.length() : next;
                re.append(Pattern.quote(glob.substring(i, end)));
                i = end;
            }
        }
        return Pattern.compile(re.toString());
    }
}
