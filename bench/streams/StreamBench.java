import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * The streams bench's client (bench/streams.sh): N SSE subscribers on one URL, a writer posting messages on another
 * (the same gateway instance or another over the same database), and the delivery latency from each post's send to
 * each subscriber's receipt of the first frame carrying it.
 *
 * <p>Each posted text carries a marker {@code bench-t=<System.nanoTime()>;}: the client, writer and subscribers in one
 * JVM, reads the send time back out of any frame's data that carries it (whatever the dialect's frame shape), so no
 * clock of the gateway is involved. Per subscriber only the first frame carrying a marker is a delivery (an echo
 * responder repeats the text in its deltas and its message, which are later events: they count as events, not as
 * deliveries). Posts are sent asynchronously at the given rate. A subscriber's stream that ends (cut, or the server's limit) is reopened after the last {@code id:} it
 * received, as a client does; reconnects are counted.
 *
 * <p>Run (Java 17+, source launch): {@code java -cp HdrHistogram-2.2.2.jar StreamBench.java key=value...}; keys:
 * subscribe (URL with {session}), post (URL with {session}), body (JSON with {text}), token, sessions (comma list),
 * subscribers, rate (posts per second, all sessions), warmup and duration (seconds), label, resume ({@code header}:
 * {@code Last-Event-ID}, or {@code query:NAME}, e.g. Everruns' {@code query:since_id}). Prints one line:
 * {@code label|subscribers|posts|deliveries|expected|events/s|p50 ms|p90 ms|p99 ms|max ms|reconnects|errors}.
 */
public final class StreamBench {
    private static final Pattern MARKER = Pattern.compile("bench-t=(\\d+);");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String subscribe = a.get("subscribe");
        String post = a.get("post");
        String body = a.getOrDefault("body", "{\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"{text}\"}]}}");
        String token = a.get("token");
        List<String> sessions = List.of(a.get("sessions").split(","));
        int subscribers = Integer.parseInt(a.getOrDefault("subscribers", "100"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "10"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "5"));
        int duration = Integer.parseInt(a.getOrDefault("duration", "20"));
        String label = a.getOrDefault("label", "streams");
        String resume = a.getOrDefault("resume", "header");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(pool)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Recorder latency = new Recorder(3);
        AtomicLong events = new AtomicLong();
        AtomicLong deliveries = new AtomicLong();
        AtomicInteger reconnects = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        List<Subscriber> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            String session = sessions.get(i % sessions.size());
            Subscriber s = new Subscriber(http, subscribe.replace("{session}", session), resume, token, latency, events,
                    deliveries, reconnects, errors, open);
            subs.add(s);
            s.connect();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (open.get() < subscribers && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (open.get() < subscribers) {
            System.err.println("only " + open.get() + " of " + subscribers + " streams opened");
        }

        // the writer: one post at a time, round robin over the sessions, at the given rate
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        long posts = 0;
        long measuredPosts = 0;
        long next = start;
        long eventsAtStart = -1;
        long deliveriesAtStart = 0;
        int n = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (eventsAtStart < 0 && now >= measureFrom) {
                latency.getIntervalHistogram(); // drop the warm-up's
                eventsAtStart = events.get();
                deliveriesAtStart = deliveries.get();
            }
            if (now < next) {
                Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000));
                continue;
            }
            next += interval;
            String session = sessions.get(n++ % sessions.size());
            String text = "bench-t=" + System.nanoTime() + ";";
            HttpRequest req = HttpRequest.newBuilder(URI.create(post.replace("{session}", session)))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("{text}", text)))
                    .build();
            // asynchronous: the rate holds however long a post takes (posts in flight are bounded by the timeout)
            var unused = http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() / 100 != 2) {
                    if (errors.incrementAndGet() <= 3) {
                        System.err.println("post: " + (e != null ? e : r.statusCode() + " " + r.body()));
                    }
                }
            });
            posts++;
            if (System.nanoTime() >= measureFrom && eventsAtStart >= 0) {
                measuredPosts++;
            }
        }
        // the last posts' deliveries: wait a little, then read
        Thread.sleep(2000);
        long measuredEvents = events.get() - Math.max(0, eventsAtStart);
        long measuredDeliveries = deliveries.get() - deliveriesAtStart;
        Histogram h = latency.getIntervalHistogram();
        // posts and subscribers are both round robin over the sessions: a post reaches subscribers/sessions streams
        long expected = measuredPosts * subscribers / sessions.size();
        System.out.printf(
                Locale.ROOT,
                "%s|%d|%d|%d|%d|%.0f|%.1f|%.1f|%.1f|%.1f|%d|%d%n",
                label,
                subscribers,
                measuredPosts,
                measuredDeliveries,
                expected,
                measuredEvents / (double) duration,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                reconnects.get(),
                errors.get());
        for (Subscriber s : subs) {
            s.cancel();
        }
        pool.shutdownNow();
        System.exit(0);
    }

    /** One SSE connection, reopened after its last id when it ends. */
    static final class Subscriber implements Flow.Subscriber<String> {
        private final HttpClient http;
        private final String url;
        private final String resume;
        private boolean hasData;
        private final String token;
        private final Recorder latency;
        private final AtomicLong events;
        private final AtomicLong deliveries;
        private final AtomicInteger reconnects;
        private final AtomicInteger errors;
        private final AtomicInteger open;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private volatile String lastId;
        /** Markers seen: posts to one session may overlap, so their events need not come in send order. */
        private final java.util.Set<Long> seen = new java.util.HashSet<>();
        private boolean counted;

        Subscriber(HttpClient http, String url, String resume, String token, Recorder latency, AtomicLong events,
                AtomicLong deliveries, AtomicInteger reconnects, AtomicInteger errors, AtomicInteger open) {
            this.http = http;
            this.url = url;
            this.resume = resume;
            this.token = token;
            this.latency = latency;
            this.events = events;
            this.deliveries = deliveries;
            this.reconnects = reconnects;
            this.errors = errors;
            this.open = open;
        }

        void connect() {
            String u = url;
            if (lastId != null && resume.startsWith("query:")) {
                u += (u.contains("?") ? "&" : "?") + resume.substring(6) + "="
                        + java.net.URLEncoder.encode(lastId, java.nio.charset.StandardCharsets.UTF_8);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(u))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream");
            if (lastId != null && resume.equals("header")) {
                b.header("Last-Event-ID", lastId);
            }
            CompletableFuture<HttpResponse<Void>> f = http.sendAsync(b.build(), HttpResponse.BodyHandlers.fromLineSubscriber(this));
            f.whenComplete((r, e) -> {
                if (e != null || (r != null && r.statusCode() != 200)) {
                    errors.incrementAndGet();
                    if (errors.get() <= 3) {
                        System.err.println("subscribe: " + (e != null ? e : "status " + r.statusCode()));
                    }
                }
            });
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (!counted) {
                counted = true;
                open.incrementAndGet();
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (hasData) {
                    events.incrementAndGet(); // a dispatched event (heartbeat comments are not)
                }
                hasData = false;
                return;
            }
            if (line.startsWith("id:")) {
                lastId = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                hasData = true;
                Matcher m = MARKER.matcher(line);
                if (m.find()) {
                    long sent = Long.parseLong(m.group(1));
                    if (seen.add(sent)) {
                        long micros = (System.nanoTime() - sent) / 1000;
                        latency.recordValue(Math.max(0, micros));
                        deliveries.incrementAndGet();
                    }
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            reopen();
        }

        @Override
        public void onComplete() {
            reopen();
        }

        private void reopen() {
            if (!cancelled) {
                reconnects.incrementAndGet();
                connect();
            }
        }
    }
}
