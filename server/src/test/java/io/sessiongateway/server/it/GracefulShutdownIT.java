package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What a SIGTERM does, in process: {@link io.sessiongateway.server.GatewayServer#close()} (the shutdown hook of
 * {@code serve} calls nothing else). A request in flight when the stop begins completes and is stored; new
 * connections are refused at once; the stop ends as soon as the last request is done, or after the grace period,
 * cutting off what is still running.
 */
class GracefulShutdownIT {
    private static final long GRACE_MS = 4_000;

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Map.of("GATEWAY_SHUTDOWN_GRACE", GRACE_MS + "ms"));

    static final Clients CLIENTS = GATEWAY.clients();

    /** Every test stops the server; the next one (and the harness's own cleanup) needs it running. */
    @AfterEach
    void restart() {
        GATEWAY.stop();
        GATEWAY.start();
    }

    @Test
    void aRequestInFlightCompletesNewConnectionsAreRefusedAndStopEndsWithIt() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        GATEWAY.provisioning().agent(tenant, "helper", List.of(), false);
        int port = URI.create(GATEWAY.baseUri()).getPort();
        byte[] body = "{\"agent_name\":\"helper\",\"id\":\"in-flight-at-stop\"}".getBytes(StandardCharsets.UTF_8);

        try (Socket client = connect(port)) {
            OutputStream out = sendHalfARequest(client, tenant, body);

            long t0 = System.nanoTime();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(GATEWAY::stop);

            // New connections are refused while the request is still running.
            assertRefusedWithin(port, Duration.ofSeconds(2));
            assertFalse(stop.isDone(), "the stop waits for the request in flight");

            // The rest of the body, one second later: still within the grace period.
            Thread.sleep(1_000);
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            RawResponse r = RawResponse.read(client.getInputStream());

            assertEquals(201, r.status, r.body);
            assertEquals("application/json", r.headers.get("content-type"));
            assertTrue(r.headers.containsKey("x-request-id"), r.headers.toString());
            assertEquals(
                    List.of(),
                    GatewayHarness.validator()
                            .validate(
                                    "POST",
                                    "/" + tenant + "/v1/agents/sessions",
                                    r.status,
                                    r.headers.get("content-type"),
                                    r.body));
            JsonNode session = new ObjectMapper().readTree(r.body).path("data");
            assertEquals("in-flight-at-stop", session.path("id").asText());
            assertEquals("helper", session.path("agent_name").asText());

            // The stop ends with the request, well before the grace period is over.
            stop.get(GRACE_MS, TimeUnit.MILLISECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < GRACE_MS, "stop took " + tookMs + " ms");
        }

        // The session was stored: the restarted gateway serves it.
        GATEWAY.start();
        Response got = CLIENTS.trueFoundry()
                .bearer(GatewayHarness.token(tenant, "alice"))
                .get(tenant, "in-flight-at-stop");
        assertEquals(200, got.statusCode(), got.asString());
        assertEquals("in-flight-at-stop", got.jsonPath().getString("data.id"));
    }

    @Test
    void aRequestThatOutlivesTheGracePeriodIsCutOffAndStopStillReturns() throws Exception {
        String tenant = GatewayHarness.uniqueTenant();
        GATEWAY.provisioning().agent(tenant, "helper", List.of(), false);
        byte[] body = "{\"agent_name\":\"helper\",\"id\":\"never-finished\"}".getBytes(StandardCharsets.UTF_8);

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        Logger reader = (Logger) LoggerFactory.getLogger("io.sessiongateway.server.http.JsonBodyReader");
        reader.setLevel(Level.INFO);
        try {
            try (Socket client = connect(URI.create(GATEWAY.baseUri()).getPort())) {
                client.setSoTimeout((int) GRACE_MS + 10_000);
                sendHalfARequest(client, tenant, body);

                long t0 = System.nanoTime();
                CompletableFuture<Void> stop = CompletableFuture.runAsync(GATEWAY::stop);
                // The rest of the body never comes. The stop returns about when the grace period ends.
                stop.get(GRACE_MS + 5_000, TimeUnit.MILLISECONDS);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(tookMs >= GRACE_MS - 100, "stop waited the grace period: " + tookMs + " ms");
                assertTrue(tookMs < GRACE_MS + 3_000, "stop took " + tookMs + " ms");

                // The connection was closed without a response.
                InputStream in = client.getInputStream();
                int first;
                try {
                    first = in.read();
                } catch (SocketException reset) {
                    first = -1;
                }
                assertEquals(-1, first, "no response on a connection cut off at the end of the grace period");
            }
            // The handler, blocked reading the body, learns of it on its own thread some time after the stop.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (events(log).stream()
                            .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.INFO)
                                    && e.getLoggerName().startsWith("io.sessiongateway.server.http."))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            root.detachAppender(log);
            reader.setLevel(null);
        }
        // A request cut off is not a bug of the gateway: no ERROR, no stack trace; one line says what happened.
        assertEquals(
                List.of(),
                events(log).stream()
                        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList());
        assertTrue(
                events(log).stream()
                        .anyMatch(e ->
                                e.getFormattedMessage().startsWith("request body not received: connection closed (")),
                events(log).stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList()
                        .toString());

        // Nothing was stored.
        GATEWAY.start();
        Response sessions = CLIENTS.admin(tenant).listSessions(tenant);
        assertEquals(200, sessions.statusCode(), sessions.asString());
        assertEquals(List.of(), sessions.jsonPath().getList("data"));
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        s.setSoTimeout(15_000);
        return s;
    }

    /**
     * A create's headers and half its body, then a pause: the request is in the gateway, its handler waiting for the
     * rest. Returns the stream to send the rest on.
     */
    private static OutputStream sendHalfARequest(Socket client, String tenant, byte[] body) throws Exception {
        OutputStream out = client.getOutputStream();
        out.write(headers(tenant, body.length));
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(300);
        return out;
    }

    private static byte[] headers(String tenant, int contentLength) {
        return ("POST /" + tenant + "/v1/agents/sessions HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + GatewayHarness.token(tenant, "alice") + "\r\n"
                        + "Content-Type: application/json\r\n"
                        + "Accept: application/json\r\n"
                        + "Content-Length: " + contentLength + "\r\n"
                        + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertRefusedWithin(int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // e.g. a timeout: not yet a refusal; try again.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("port " + port + " still accepts connections " + limit + " after stop began");
            }
            Thread.sleep(50);
        }
    }

    /** Just enough HTTP/1.1 to read one response: status, headers (lower-cased names), a sized or chunked body. */
    private record RawResponse(int status, Map<String, String> headers, String body) {
        static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(
                        h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in).trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line(in).trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            }
            return new RawResponse(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c == -1) {
                    throw new IOException("connection closed mid-response: " + b);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The events logged so far. The appender adds to its list on the request's thread (under the appender's lock,
     * as logback's AppenderBase appends), so a test reads a copy taken under the same lock.
     */
    private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return List.copyOf(log.list);
        }
    }
}
