package io.sessiongateway.server.testkit;

import io.sessiongateway.adapters.admin.TestingOperations;
import io.sessiongateway.core.fixtures.FixtureLoader;
import io.sessiongateway.core.fixtures.FixtureParser;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.server.config.TestingSettings;
import io.sessiongateway.server.http.Mounted;
import jakarta.annotation.Priority;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * Fixtures and the testing endpoints (docs/fixtures.md), wired once: the fixtures file (loaded at every start), and
 * when {@code gateway.testing.enabled} the endpoints' implementation, the fault filter and the journal; when not,
 * a filter that answers the endpoints' paths as unknown paths.
 */
public final class Testing {
    private static final String ADMIN = "admin";

    private final TestingSettings settings;
    private final TestFixtures fixtures;
    private final FaultRules rules = new FaultRules();
    private final Journal journal;
    private final TestingAdapter adapter;

    private Testing(TestingSettings settings, TestFixtures fixtures, SessionService sessions, Clock clock) {
        this.settings = settings;
        this.fixtures = fixtures;
        this.journal = new Journal(settings.journalSize());
        this.adapter = new TestingAdapter(fixtures, rules, journal, sessions, clock);
    }

    /**
     * @param keyPrefixes API key prefix by form, as the dialects declare them
     * @param reservedTenantNames names no tenant may have
     */
    public static Testing create(
            TestingSettings settings,
            Database database,
            SessionService sessions,
            Clock clock,
            Map<String, String> keyPrefixes,
            Set<String> reservedTenantNames) {
        TestFixtures fixtures = new TestFixtures(
                settings.fixtures(),
                new FixtureParser(keyPrefixes, reservedTenantNames),
                new FixtureLoader(database, clock));
        return new Testing(settings, fixtures, sessions, clock);
    }

    /** The testing endpoints for the admin API, or null when they are off. */
    public TestingOperations operations() {
        return settings.enabled() ? adapter : null;
    }

    /**
     * Loads the fixtures file, if there is one.
     *
     * @throws IllegalArgumentException naming the file, the entry and the field, when it cannot be loaded
     */
    public void loadFixtures() {
        fixtures.load();
    }

    /**
     * Adds the fault filter and the journal (endpoints on), or the filter that hides the endpoints' paths (off).
     *
     * @param served every mounted dialect
     */
    public void install(ResourceConfig rc, List<Mounted> served) {
        String adminPrefix = served.stream()
                .filter(m -> ADMIN.equals(m.dialect().name()))
                .map(Mounted::prefix)
                .findFirst()
                .orElse(null);
        if (settings.enabled() && adminPrefix != null) {
            Requests requests = new Requests(served, adminPrefix);
            rc.register(new FaultFilter(rules, requests));
            rc.register(new JournalRecorder(journal, requests));
        } else if (adminPrefix != null) {
            rc.register(new Hidden(new Requests(served, adminPrefix)));
        }
    }

    /** Turned off, the endpoints' paths answer what any unknown path answers, whatever the method or credentials. */
    @PreMatching
    @Priority(Priorities.AUTHENTICATION - 100)
    static final class Hidden implements ContainerRequestFilter {
        private final Requests requests;

        Hidden(Requests requests) {
            this.requests = requests;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            String path = request.getUriInfo().getRequestUri().getRawPath();
            if (path != null && requests.isTesting(path)) {
                throw new NotFoundException();
            }
        }
    }
}
