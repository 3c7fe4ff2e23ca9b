package io.sessiongateway.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.server.http.RequestIds;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Writes one journal entry per finished request, except the testing endpoints' and the operations endpoints'
 * ({@code /health/**}, metrics). The sessions of an entry are the path's session parameters and, for a POST that
 * succeeded, the id its answer shows (every dialect's create and fork answer the new session).
 */
final class JournalRecorder implements ApplicationEventListener {
    /** The operations endpoints' pseudo-dialect (server/ops), never journaled. */
    private static final String OPS = "ops";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    /** Where the dialects' answers show a session's id: bare, in data, or in session. */
    private static final List<String> ID_POINTERS =
            List.of("/id", "/_id", "/data/id", "/data/_id", "/session/id", "/session/_id");

    private final Journal journal;
    private final Requests requests;

    JournalRecorder(Journal journal, Requests requests) {
        this.journal = journal;
        this.requests = requests;
    }

    @Override
    public void onEvent(ApplicationEvent event) {
        // nothing at application level
    }

    @Override
    public RequestEventListener onRequest(RequestEvent start) {
        long t0 = System.nanoTime();
        Instant time = Instant.now();
        return event -> {
            if (event.getType() == RequestEvent.Type.FINISHED) {
                record(event, time, t0);
            }
        };
    }

    private void record(RequestEvent event, Instant time, long t0) {
        double ms = Math.round((System.nanoTime() - t0) / 1_000.0) / 1_000.0;
        ContainerRequest request = event.getContainerRequest();
        String path = request.getRequestUri().getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        if (requests.isTesting(path)) {
            return;
        }
        Method definition = Requests.matched(event.getUriInfo());
        Dialect dialect = requests.dialect(definition, path);
        if (dialect != null && OPS.equals(dialect.name())) {
            return;
        }
        ContainerResponse response = event.getContainerResponse();
        boolean reset = Boolean.TRUE.equals(request.getProperty(FaultFilter.RESET));
        int status = reset ? 0 : response == null ? 500 : response.getStatus();
        Set<String> sessions = new LinkedHashSet<>();
        if (event.getUriInfo() != null) {
            for (Map.Entry<String, List<String>> p :
                    event.getUriInfo().getPathParameters().entrySet()) {
                if (p.getKey().toLowerCase(Locale.ROOT).contains("session")) {
                    sessions.addAll(p.getValue());
                }
            }
        }
        if ("POST".equals(request.getMethod()) && status >= 200 && status < 300 && response.hasEntity()) {
            createdId(response.getEntity(), sessions);
        }
        String id = response == null ? null : response.getHeaderString(RequestIds.HEADER);
        journal.add(new Journal.Entry(
                time,
                id != null ? id : RequestIds.current() == null ? "" : RequestIds.current(),
                dialect == null ? "none" : dialect.name(),
                requests.operation(definition),
                request.getMethod(),
                path,
                status,
                List.copyOf(sessions),
                (String) request.getProperty(FaultFilter.RULE),
                ms));
    }

    /** The session id an answer shows, if it shows one where the dialects put it. */
    private static void createdId(Object entity, Set<String> into) {
        JsonNode tree;
        try {
            tree = JSON.valueToTree(entity);
        } catch (IllegalArgumentException e) {
            return; // not a model Jackson can read: nothing to learn
        }
        for (String pointer : ID_POINTERS) {
            JsonNode id = tree.at(pointer);
            if (id.isTextual()) {
                into.add(id.textValue());
                return;
            }
        }
    }
}
