package io.sessiongateway.server.conformance;

import io.sessiongateway.server.testing.spec.SpecOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the run proved, per dialect: declared responses (operation, status), those some exchange got and validated,
 * those listed as not provokable (with the reason), and every violation.
 */
public final class Coverage {
    private record Key(String dialect, String operation, int status) {}

    private final Map<String, List<SpecOperation>> operations = new LinkedHashMap<>();
    private final Map<Key, String> declared = new LinkedHashMap<>();
    private final Map<Key, Boolean> covered = new ConcurrentHashMap<>();
    private final Map<Key, String> notProvokable = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();

    public synchronized void declare(SpecOperation op) {
        operations.computeIfAbsent(op.dialect(), d -> new ArrayList<>()).add(op);
        op.statuses().forEach(s -> declared.put(key(op, s), op.toString()));
    }

    public void covered(SpecOperation op, int status) {
        Key key = key(op, status);
        if (declared.containsKey(key)) {
            covered.put(key, true);
        }
    }

    public synchronized void notProvokable(SpecOperation op, int status, String reason) {
        notProvokable.put(key(op, status), reason);
    }

    public synchronized void violation(Exchange x, String message) {
        String where = x.operation() == null ? "" : x.operation().dialect() + " " + x.operation() + ": ";
        violations.add(where + x.name() + ": " + message.lines().findFirst().orElse(""));
    }

    /** One line per dialect, then each response not covered and why. */
    public synchronized List<String> report() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<SpecOperation>> e : operations.entrySet()) {
            String dialect = e.getKey();
            long total = declared.keySet().stream()
                    .filter(k -> k.dialect().equals(dialect))
                    .count();
            long done = declared.keySet().stream()
                    .filter(k -> k.dialect().equals(dialect))
                    .filter(covered::containsKey)
                    .count();
            long np = notProvokable.keySet().stream()
                    .filter(k -> k.dialect().equals(dialect))
                    .filter(k -> !covered.containsKey(k))
                    .count();
            long bad =
                    violations.stream().filter(v -> v.startsWith(dialect + " ")).count();
            lines.add(String.format(
                    "conformance %-11s operations %d, declared responses %d, covered %d,"
                            + " not provokable %d, violations %d",
                    dialect + ":", e.getValue().size(), total, done, np, bad));
        }
        for (Map.Entry<Key, String> e : declared.entrySet()) {
            Key k = e.getKey();
            if (covered.containsKey(k)) {
                continue;
            }
            String reason = notProvokable.get(k);
            lines.add("  " + k.dialect() + " " + e.getValue() + " " + k.status() + ": "
                    + (reason == null ? "NOT COVERED (no scenario provoked it)" : "not provokable: " + reason));
        }
        violations.forEach(v -> lines.add("  violation: " + v));
        return lines;
    }

    /** Declared responses neither covered nor explained, and violations: what fails the run. */
    public synchronized List<String> problems() {
        List<String> problems = new ArrayList<>(violations);
        declared.forEach((k, op) -> {
            if (!covered.containsKey(k) && !notProvokable.containsKey(k)) {
                problems.add(k.dialect() + " " + op + " " + k.status() + " not covered");
            }
        });
        return problems;
    }

    private static Key key(SpecOperation op, int status) {
        return new Key(op.dialect(), op.documentName() + " " + op.method() + " " + op.template(), status);
    }
}
