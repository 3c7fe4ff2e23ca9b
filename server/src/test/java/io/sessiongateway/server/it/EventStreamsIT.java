package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.FrameMapper;
import io.sessiongateway.adapters.spi.SseFrame;
import io.sessiongateway.adapters.spi.StreamOptions;
import io.sessiongateway.core.conversation.EventBus;
import io.sessiongateway.core.conversation.NewMessage;
import io.sessiongateway.core.conversation.Part;
import io.sessiongateway.core.conversation.Role;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.server.http.StreamTransports;
import io.sessiongateway.server.testing.SseFrames;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared SSE layer ({@link EventStreams}) over the real store, bus and Grizzly/Jersey with the server's
 * {@link StreamTransports}, behind a test-only resource (no dialect serves a stream yet): streams hold no request
 * thread, a client that does not read is cut and resumes without loss or repeat, a client that leaves frees its
 * subscription, heartbeats flow, and a stop ends every stream with its closing frame.
 */
class EventStreamsIT {
    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    private static final int REQUEST_THREADS = 4;
    private static final long BACKLOG = 64 * 1024;

    @TempDir
    java.nio.file.Path dir;

    private Database db;
    private JooqSessionStore store;
    private EventBus bus;
    private EventStreams streams;
    private HttpServer http;
    private URI base;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A stream of a session's log: {@code id:} seq, {@code event:} type, {@code data:} payload; "bye" at its end. */
    @Path("/")
    public static final class TestStreams {
        private final EventStreams streams;

        TestStreams(EventStreams streams) {
            this.streams = streams;
        }

        @GET
        @Path("sessions/{id}/stream")
        public Response stream(
                @PathParam("id") UUID id,
                @QueryParam("after") @DefaultValue("0") long after,
                @QueryParam("end") @DefaultValue("0") long end,
                @QueryParam("heartbeat") @DefaultValue("0") long heartbeatMs) {
            StreamOptions options = StreamOptions.defaults()
                    .opening(SseFrame.of(null, "hello", "{}"))
                    .closing(why -> List.of(SseFrame.of(null, "bye", "{\"reason\":\"" + why + "\"}")))
                    .retry(Duration.ofSeconds(2))
                    .endAfter(e -> end > 0 && e.seq() >= end);
            if (heartbeatMs > 0) {
                options = options.heartbeat(Duration.ofMillis(heartbeatMs));
            }
            FrameMapper mapper = FrameMapper.each(e -> SseFrame.of(
                    Long.toString(e.seq()), e.type().value(), e.payload().toString()));
            return streams.open(id, after, mapper, options);
        }

        @GET
        @Path("ping")
        public String ping() {
            return "pong";
        }
    }

    @BeforeEach
    void start() throws IOException {
        db = Database.open(new DatabaseConfig(DatabaseConfig.h2FileUrl(dir), null, null, 4, Duration.ofSeconds(5)));
        db.migrate();
        store = new JooqSessionStore(db);
        bus = new EventBus(store, 1024, 256);
        streams = new EventStreams(bus, Duration.ofSeconds(30), BACKLOG, 2);
        ResourceConfig rc =
                new ResourceConfig().registerInstances(new TestStreams(streams)).register(StreamTransports.class);
        http = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), rc, false);
        for (NetworkListener listener : http.getListeners()) {
            listener.getTransport()
                    .setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                            .copy()
                            .setCorePoolSize(REQUEST_THREADS)
                            .setMaxPoolSize(REQUEST_THREADS));
        }
        http.start();
        base = URI.create(
                "http://127.0.0.1:" + http.getListeners().iterator().next().getPort() + "/");
    }

    @AfterEach
    void stop() {
        streams.close();
        http.shutdownNow();
        bus.close();
        db.close();
    }

    @Test
    void twoHundredOpenStreamsHoldNoRequestThreadAndEachGetsEveryEvent() throws Exception {
        // how many events a second post appends (a probe session: the same writes)
        Session probe = session();
        write(probe, 1, 10);
        long perPost = -lastSeq(probe);
        write(probe, 1, 10);
        perPost += lastSeq(probe);

        Session s = session();
        write(s, 1, 10);
        long a = lastSeq(s);
        long b = a + perPost;
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            readers.add(Reader.open(client, base.resolve("sessions/" + s.id() + "/stream?after=1&end=" + b), true));
        }
        await(() -> streams.openStreams() == 200 && bus.subscriptions() == 200, "200 streams open");
        // with 200 streams open on 4 request threads, a plain request is still answered at once
        HttpResponse<String> ping = client.send(
                HttpRequest.newBuilder(base.resolve("ping"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("pong", ping.body());

        write(s, 1, 10); // live: seq a+1 .. b
        for (Reader r : readers) {
            r.done.get(10, TimeUnit.SECONDS);
            r.response.get(5, TimeUnit.SECONDS);
            assertEquals(200, r.status);
            assertEquals(
                    "text/event-stream", r.headers.firstValue("content-type").orElseThrow());
            assertEquals("no-cache", r.headers.firstValue("cache-control").orElseThrow());
            assertEquals("no", r.headers.firstValue("x-accel-buffering").orElseThrow());
            List<JsonNode> frames = r.frames();
            assertEquals("hello", frames.get(0).path("event").asText(), frames.toString());
            assertEquals(LongStream.rangeClosed(2, b).boxed().toList(), seqs(frames), frames.toString());
            assertEquals(
                    "{\"event\":\"bye\",\"data\":{\"reason\":\"END\"}}",
                    last(frames).toString());
            assertTrue(r.body().startsWith("retry: 2000\n\nevent: hello\ndata: {}\n\n"), r.body());
        }
        await(() -> streams.openStreams() == 0 && bus.subscriptions() == 0, "every stream ended");
    }

    @Test
    void aClientThatDoesNotReadIsCutAndResumesWithoutLossOrRepeat() throws Exception {
        Session s = session();
        Reader slow = Reader.open(client, base.resolve("sessions/" + s.id() + "/stream"), false);
        await(() -> streams.openStreams() == 1, "the stream is open");
        int n = 300;
        write(s, n, 16 * 1024); // about 5 MB the client does not read
        long last = lastSeq(s);
        await(() -> streams.openStreams() == 0, "the client that does not read was cut");
        assertEquals(0, bus.subscriptions());

        slow.readAll();
        slow.done.get(20, TimeUnit.SECONDS);
        List<Long> first = seqs(slow.frames());
        assertTrue(first.size() < last, "cut before the end: " + first.size());
        assertTrue(slow.body().indexOf("event: bye") < 0, "no closing frame written to a backed-up socket");

        Reader resumed = Reader.open(
                client,
                base.resolve(
                        "sessions/" + s.id() + "/stream?after=" + (first.isEmpty() ? 0 : last(first)) + "&end=" + last),
                true);
        resumed.done.get(20, TimeUnit.SECONDS);
        List<Long> all = new ArrayList<>(first);
        all.addAll(seqs(resumed.frames()));
        assertEquals(LongStream.rangeClosed(1, last).boxed().toList(), all, "nothing lost, nothing repeated");
    }

    @Test
    void aClientThatLeavesFreesItsSubscription() throws Exception {
        Session s = session();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), base.getPort()), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /sessions/" + s.id()
                            + "/stream?heartbeat=200 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            String head = new String(buf, 0, in.read(buf), StandardCharsets.US_ASCII);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            await(() -> streams.openStreams() == 1 && bus.subscriptions() == 1, "the stream is open");
        }
        // Grizzly reads nothing from a connection whose request is suspended: the next write (here a heartbeat)
        // finds the client gone
        await(() -> streams.openStreams() == 0 && bus.subscriptions() == 0, "the subscription was closed");
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        Session s = session();
        Reader r = Reader.open(client, base.resolve("sessions/" + s.id() + "/stream?heartbeat=200"), true);
        await(() -> r.body().contains(": heartbeat\n\n: heartbeat\n\n"), "two heartbeats");
        assertEquals(
                List.of("hello"),
                r.frames().stream().map(f -> f.path("event").asText()).toList());
    }

    @Test
    void stoppingEndsEveryStreamWithItsClosingFrame() throws Exception {
        Session s = session();
        write(s, 1, 10);
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            readers.add(Reader.open(client, base.resolve("sessions/" + s.id() + "/stream"), true));
        }
        await(() -> streams.openStreams() == 20, "20 streams open");
        long history = lastSeq(s);
        await(() -> readers.stream().allMatch(r -> seqs(r.frames()).size() == history), "each saw the history");
        long t0 = System.nanoTime();
        streams.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "the stop did not wait for a timeout");
        for (Reader r : readers) {
            r.done.get(5, TimeUnit.SECONDS);
            assertEquals(
                    "{\"event\":\"bye\",\"data\":{\"reason\":\"SHUTDOWN\"}}",
                    last(r.frames()).toString());
        }
        assertEquals(0, bus.subscriptions());
    }

    // --- helpers

    private Session session() {
        Tenant t = store.ensureTenant("sse-" + UUID.randomUUID().toString().substring(0, 8));
        Agent a = store.createAgent(t, new NewAgent("agent", List.of(), false), T0);
        return store.createSession(
                Ids.newId(),
                "s-" + UUID.randomUUID(),
                a,
                new SubjectRef("user", "alice", null),
                null,
                NewSession.builder().title("t").build(),
                SessionStatus.CREATED,
                T0);
    }

    /** Posts {@code n} system messages of about {@code size} characters (each appends one event or more). */
    private void write(Session s, int n, int size) {
        String text = "x".repeat(size);
        for (int i = 0; i < n; i++) {
            assertTrue(store.postMessage(
                            s.id(), new NewMessage(Role.SYSTEM, List.of(new Part.Text(text)), null, null), "none", T0)
                    .isPresent());
        }
    }

    private long lastSeq(Session s) {
        return store.lastSeq(s.id()).orElseThrow();
    }

    private static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream()
                .filter(f -> f.has("id"))
                .map(f -> Long.parseLong(f.path("id").asText()))
                .toList();
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** An SSE client over java.net.http that reads lines as they come, or holds back until told to read. */
    static final class Reader implements Flow.Subscriber<String> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final boolean autoRead;
        private volatile Flow.Subscription subscription;
        volatile int status;
        volatile HttpHeaders headers;
        volatile CompletableFuture<?> response;

        private Reader(boolean autoRead) {
            this.autoRead = autoRead;
        }

        static Reader open(HttpClient client, URI uri, boolean autoRead) {
            Reader r = new Reader(autoRead);
            r.response = client.sendAsync(
                            HttpRequest.newBuilder(uri)
                                    .header("Accept", "text/event-stream")
                                    .build(),
                            HttpResponse.BodyHandlers.fromLineSubscriber(r))
                    .whenComplete((resp, err) -> {
                        if (resp != null) {
                            r.status = resp.statusCode();
                            r.headers = resp.headers();
                        }
                        if (err != null) {
                            r.done.completeExceptionally(err);
                        }
                    });
            return r;
        }

        void readAll() {
            subscription.request(Long.MAX_VALUE);
        }

        String body() {
            return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        }

        List<JsonNode> frames() {
            return SseFrames.parse(body());
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(autoRead ? Long.MAX_VALUE : 1);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
