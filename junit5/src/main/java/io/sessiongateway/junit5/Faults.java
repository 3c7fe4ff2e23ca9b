package io.sessiongateway.junit5;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's fault rules ({@code /admin/v1/testing/faults}, with an operator token; {@code docs/fixtures.md}): a
 * rule matches requests by dialect, operation, method or path glob, then answers a status in the dialect's own
 * envelope, adds latency, or resets the connection, for a number of times or with a probability.
 * {@link SessionGatewayExtension#reset()} clears them.
 *
 * <pre>{@code
 * gateway.faults().rule().dialect("everruns").operation("getSession").status(503).times(1).add();
 * }</pre>
 */
public final class Faults {
    private static final String PATH = "/admin/v1/testing/faults";

    private final AdminApi admin;
    private final String token;

    Faults(AdminApi admin, String token) {
        this.admin = admin;
        this.token = token;
    }

    /** A rule to describe, then {@link Rule#add()}. */
    public Rule rule() {
        return new Rule();
    }

    /**
     * Adds a rule from the whole body of {@code POST /admin/v1/testing/faults}; returns it as the gateway stored it
     * (with its {@code id}).
     */
    public JsonNode add(Map<String, ?> rule) {
        return admin.post(PATH, token, rule, 201);
    }

    /** The rules in force, oldest first: {@code {"data": [rule…]}}. */
    public JsonNode list() {
        return admin.get(PATH, token);
    }

    /** Removes one rule by its id ({@code fault_…}). */
    public void remove(String ruleId) {
        admin.delete(PATH + "/" + ruleId, token, 204);
    }

    /** Removes every rule. */
    public void clear() {
        admin.delete(PATH, token, 204);
    }

    /** A fault rule's fields; those not set are left out of the request. */
    public final class Rule {
        private final Map<String, Object> body = new LinkedHashMap<>();

        private Rule() {}

        /** Matches requests to this dialect ({@code everruns}, …). */
        public Rule dialect(String dialect) {
            return set("dialect", dialect);
        }

        /** Matches requests to this operation (the operationId of the dialect's document, e.g. {@code getSession}). */
        public Rule operation(String operationId) {
            return set("operation", operationId);
        }

        public Rule method(String method) {
            return set("method", method);
        }

        /** Matches request paths by a glob: {@code *} within a segment, {@code **} across segments. */
        public Rule path(String glob) {
            return set("path", glob);
        }

        /** Answers with this status (400..599) in the dialect's own error envelope. */
        public Rule status(int status) {
            return set("status", status);
        }

        /** Waits this long (milliseconds) before handling or answering. */
        public Rule latency(int millis) {
            return set("latency", millis);
        }

        /** Closes the connection without an answer. */
        public Rule resetConnection() {
            return set("reset", true);
        }

        /** Applies to this many matching requests, then removes itself. */
        public Rule times(int times) {
            return set("times", times);
        }

        /** Applies to each matching request with this chance; {@code seed} makes the sequence repeatable. */
        public Rule probability(double probability, Long seed) {
            set("probability", probability);
            return seed == null ? this : set("seed", seed);
        }

        /** Any other field of the rule. */
        public Rule set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        /** Adds the rule; returns it as the gateway stored it (with its {@code id}). */
        public JsonNode add() {
            return Faults.this.add(body);
        }
    }
}
