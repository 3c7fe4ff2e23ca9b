package io.sessiongateway.server.testkit;

import io.sessiongateway.adapters.admin.TestingOperations;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.fixtures.FixtureSet;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.generated.admin.model.FaultRule;
import io.sessiongateway.generated.admin.model.FaultRuleList;
import io.sessiongateway.generated.admin.model.JournalEntry;
import io.sessiongateway.generated.admin.model.JournalList;
import io.sessiongateway.generated.admin.model.NewFaultRule;
import io.sessiongateway.generated.admin.model.ResetSummary;
import io.sessiongateway.generated.admin.model.ResetSummaryLoaded;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The testing endpoints of the admin document (docs/fixtures.md); the admin adapter checked the operator token. */
final class TestingAdapter implements TestingOperations {
    private static final int MAX_LIMIT = 1000;

    private final TestFixtures fixtures;
    private final FaultRules rules;
    private final Journal journal;
    private final SessionService sessions;
    private final Clock clock;

    TestingAdapter(TestFixtures fixtures, FaultRules rules, Journal journal, SessionService sessions, Clock clock) {
        this.fixtures = fixtures;
        this.rules = rules;
        this.journal = journal;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public Response resetStore() {
        FixtureSet loaded;
        try {
            loaded = fixtures.reset();
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorKind.INVALID_BODY, "invalid_fixtures", e.getMessage());
        }
        rules.clear();
        journal.clear();
        Map<String, Integer> n = loaded.counts();
        return Response.ok(new ResetSummary()
                        .fixtures(
                                fixtures.file() == null ? null : fixtures.file().toString())
                        .loaded(new ResetSummaryLoaded()
                                .tenants(n.get("tenants"))
                                .teams(n.get("teams"))
                                .agents(n.get("agents"))
                                .apiKeys(n.get("api_keys"))
                                .sessions(n.get("sessions"))))
                .build();
    }

    @Override
    public Response listFaultRules() {
        return Response.ok(new FaultRuleList()
                        .data(rules.list().stream().map(TestingAdapter::toRule).toList()))
                .build();
    }

    @Override
    public Response addFaultRule(NewFaultRule body) {
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        boolean reset = Boolean.TRUE.equals(body.getReset());
        if (body.getStatus() == null && body.getLatency() == null && !reset) {
            throw GatewayException.invalidBody("a rule needs status, latency or reset", "status");
        }
        if (body.getStatus() != null && (body.getStatus() < 400 || body.getStatus() > 599)) {
            throw GatewayException.invalidBody("status must be between 400 and 599", "status");
        }
        if (reset && body.getStatus() != null) {
            throw GatewayException.invalidBody("reset closes the connection: it takes no status", "reset");
        }
        if (body.getLatency() != null && (body.getLatency() < 0 || body.getLatency() > 60_000)) {
            throw GatewayException.invalidBody("latency must be between 0 and 60000 (ms)", "latency");
        }
        if (body.getTimes() != null && body.getTimes() < 1) {
            throw GatewayException.invalidBody("times must be at least 1", "times");
        }
        Double probability =
                body.getProbability() == null ? null : body.getProbability().doubleValue();
        if (probability != null && (probability < 0 || probability > 1)) {
            throw GatewayException.invalidBody("probability must be between 0 and 1", "probability");
        }
        if (probability != null && body.getTimes() != null) {
            throw GatewayException.invalidBody("a rule has times or probability, not both", "probability");
        }
        if (body.getSeed() != null && probability == null) {
            throw GatewayException.invalidBody("seed goes with probability", "seed");
        }
        String path = text(body.getPath(), "path", 1024);
        FaultRules.View rule = rules.add(
                new FaultRules.Spec(
                        text(body.getDialect(), "dialect", 64),
                        text(body.getOperation(), "operation", 128),
                        text(body.getMethod(), "method", 16),
                        path,
                        body.getStatus(),
                        body.getLatency(),
                        reset,
                        body.getTimes(),
                        probability,
                        body.getSeed()),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return Response.status(Response.Status.CREATED).entity(toRule(rule)).build();
    }

    @Override
    public Response clearFaultRules() {
        rules.clear();
        return Response.noContent().build();
    }

    @Override
    public Response deleteFaultRule(String ruleId) {
        if (!rules.remove(ruleId)) {
            throw new GatewayException(ErrorKind.NOT_FOUND, "fault_rule_not_found", "no fault rule " + ruleId);
        }
        return Response.noContent().build();
    }

    @Override
    public Response listJournal(
            String dialect, String operation, String method, Integer status, String session, Integer limit) {
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > MAX_LIMIT) {
            throw GatewayException.invalidArgument("limit must be between 1 and " + MAX_LIMIT, "limit");
        }
        if (status != null && (status < 100 || status > 599)) {
            throw GatewayException.invalidArgument("status must be between 100 and 599", "status");
        }
        Predicate<Journal.Entry> filter = e -> (dialect == null || dialect.equals(e.dialect()))
                && (operation == null || operation.equals(e.operation()))
                && (method == null || method.equalsIgnoreCase(e.method()))
                && (status == null || status == e.status());
        if (session != null) {
            Set<String> ids = idsOf(session);
            filter = filter.and(e -> e.namesAny(ids));
        }
        return Response.ok(new JournalList()
                        .data(journal.find(filter, max).stream()
                                .map(TestingAdapter::toEntry)
                                .toList()))
                .build();
    }

    @Override
    public Response clearJournal() {
        journal.clear();
        return Response.noContent().build();
    }

    /** Every id of the session named by any of them (while it exists), and the given id itself. */
    private Set<String> idsOf(String anyId) {
        Set<String> ids = new HashSet<>();
        ids.add(anyId);
        if (anyId.length() <= 255) {
            sessions.findByAnyId(null, anyId).ifPresent((Session s) -> {
                ids.add(s.publicId());
                ids.add(Ids.prefixed("session", s.id()));
                ids.add(s.objectId());
            });
        }
        return ids;
    }

    private static String text(String value, String field, int max) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > max) {
            throw GatewayException.invalidBody(field + " must be 1.." + max + " characters", field);
        }
        return value;
    }

    private static FaultRule toRule(FaultRules.View v) {
        FaultRules.Spec s = v.spec();
        return new FaultRule()
                .id(v.id())
                .dialect(s.dialect())
                .operation(s.operation())
                .method(s.method())
                .path(s.path())
                .status(s.status())
                .latency(s.latency())
                .reset(s.reset())
                .times(s.times())
                .probability(s.probability() == null ? null : BigDecimal.valueOf(s.probability()))
                .seed(s.seed())
                .createdAt(v.createdAt().atOffset(ZoneOffset.UTC))
                .matched((int) Math.min(Integer.MAX_VALUE, v.matched()))
                .remaining(v.remaining());
    }

    private static JournalEntry toEntry(Journal.Entry e) {
        return new JournalEntry()
                .time(e.time().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC))
                .requestId(e.requestId())
                .dialect(e.dialect())
                .operation(e.operation())
                .method(e.method())
                .path(e.path())
                .status(e.status())
                .sessions(e.sessions())
                .fault(e.fault())
                .durationMs(BigDecimal.valueOf(e.durationMs()));
    }
}
