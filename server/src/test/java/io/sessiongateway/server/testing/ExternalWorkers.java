package io.sessiongateway.server.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The "external worker" case of the dialects' conversation ITs: an agent whose responder is {@code none}, answered by
 * the reference worker over HTTP (runtime API, a worker JWT of the conversation's tenant), started here per
 * conversation and stopped after each test. By default it answers as {@code echo} does (3 deltas, no pause); {@link
 * #slowly()} makes the next workers answer in up to 20 deltas with a pause before each, so that a test can cancel
 * mid-turn or cut a stream.
 */
public final class ExternalWorkers implements AfterEachCallback {
    /** The parameter value of the conversation ITs for this case. */
    public static final String EXTERNAL = "external";

    private final GatewayHarness gateway;
    private final List<RuntimeWorkers.Running> running = new ArrayList<>();
    private int deltas = 3;
    private Duration stepDelay = Duration.ZERO;

    public ExternalWorkers(GatewayHarness gateway) {
        this.gateway = gateway;
    }

    /** The agent's responder for a test's responder value: {@code none} for {@link #EXTERNAL}, else itself. */
    public static String agentResponder(String responder) {
        return EXTERNAL.equals(responder) ? "none" : responder;
    }

    /** The next workers answer slowly: up to 20 deltas, 300 ms before each (a short message: one per character). */
    public ExternalWorkers slowly() {
        deltas = 20;
        stepDelay = Duration.ofMillis(300);
        return this;
    }

    /** Starts a worker answering the tenant's {@code none} turns when the responder is {@link #EXTERNAL}. */
    public void serve(String tenant, String responder) {
        if (!EXTERNAL.equals(responder)) {
            return;
        }
        String credential = RuntimeWorkers.workerToken(tenant, "reference");
        synchronized (running) {
            running.add(RuntimeWorkers.start(gateway.baseUri(), credential, "none", stepDelay, deltas));
        }
    }

    /** Waits until a worker of this test logged a line containing the text (e.g. {@code "stopped "}). */
    public boolean await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * For {@link #EXTERNAL}: asserts that the worker learnt of the cancellation of the turn it was answering and
     * stopped ({@code stopped <turn> …} in its log) without finishing it.
     */
    public void assertStopped(String responder, Duration timeout) throws InterruptedException {
        if (EXTERNAL.equals(responder)) {
            assertTrue(await("stopped ", timeout), log());
            assertFalse(log().contains("finished "), log());
        }
    }

    /** What this test's workers logged. */
    public String log() {
        StringBuilder b = new StringBuilder();
        synchronized (running) {
            running.forEach(r -> b.append(r.log()));
        }
        return b.toString();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<RuntimeWorkers.Running> stop;
        synchronized (running) {
            stop = List.copyOf(running);
            running.clear();
        }
        stop.forEach(RuntimeWorkers.Running::stop);
        for (RuntimeWorkers.Running r : stop) {
            r.close();
        }
        deltas = 3;
        stepDelay = Duration.ZERO;
    }
}
