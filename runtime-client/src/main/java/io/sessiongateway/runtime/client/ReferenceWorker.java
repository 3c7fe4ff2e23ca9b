package io.sessiongateway.runtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reference worker: the {@code echo} responder over the runtime API. It claims turns of its responder (long
 * poll), streams the user's text back in a few text deltas with a pause between them, then the agent message, and
 * finishes the turn done. It keeps its lease (extended when a third of it is gone), and stops working on a turn at
 * once when the turn ends without it: a watcher long-polls the turn's events for {@code turn.cancelled}, and any
 * write answered 409 ({@code turn_not_running}, {@code lease_lost}) ends the turn's work too.
 *
 * <p>Each step it takes is one line on its log stream ({@code claimed <turn>}, {@code step <n> <turn>},
 * {@code finished <turn>}, {@code stopped <turn> <reason>}), which tests read.
 */
public final class ReferenceWorker implements Runnable, AutoCloseable {
    /** How the worker runs. */
    public record Settings(
            String url,
            String credential,
            String responder,
            String name,
            int leaseSeconds,
            Duration stepDelay,
            int deltas,
            int waitSeconds) {
        public Settings {
            if (leaseSeconds < 1 || deltas < 1 || waitSeconds < 0) {
                throw new IllegalArgumentException("lease, deltas must be positive and wait not negative");
            }
        }

        /** A worker of this responder with the defaults: 30 s lease, no pause, 3 deltas, 10 s long polls. */
        public static Settings of(String url, String credential, String responder) {
            return new Settings(url, credential, responder, null, 30, Duration.ZERO, 3, 10);
        }
    }

    private static final Set<String> TERMINAL = Set.of("turn.cancelled", "turn.failed", "turn.done");

    private final Settings settings;
    private final RuntimeClient client;
    private final PrintStream log;
    private volatile boolean running = true;

    public ReferenceWorker(Settings settings, PrintStream log) {
        this.settings = settings;
        this.client = new RuntimeClient(settings.url(), settings.credential(), settings.name());
        this.log = log;
    }

    /** Claims and answers turns until {@link #close()}; a failed call is logged and retried after a second. */
    @Override
    public void run() {
        while (running) {
            try {
                for (RuntimeClient.Claimed c : client.claim(
                        List.of(settings.responder()), 1, settings.leaseSeconds(), settings.waitSeconds())) {
                    answer(c);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                say("error " + e.getMessage());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** Answers one claimed turn (echo); returns when it is finished or no longer this worker's. */
    public void answer(RuntimeClient.Claimed c) {
        String turn = c.turnId();
        say("claimed " + turn);
        AtomicBoolean ended = new AtomicBoolean();
        Thread watcher = new Thread(() -> watch(turn, ended), "turn-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Lease lease = new Lease(turn);
        int step = 0;
        try {
            String text = c.text();
            List<String> pieces = split(text, settings.deltas());
            for (String piece : pieces) {
                lease.pause(settings.stepDelay(), ended);
                if (ended.get()) {
                    say("stopped " + turn + " ended");
                    return;
                }
                lease.keep();
                client.textDelta(turn, ++step, piece);
                say("step " + step + " " + turn);
            }
            client.agentMessage(turn, ++step, text);
            say("step " + step + " " + turn);
            JsonNode finished = client.finish(turn, null);
            say("finished " + turn + " " + finished.path("status").asText());
        } catch (RuntimeApiException e) {
            if (!e.isStop()) {
                throw e;
            }
            say("stopped " + turn + " " + e.code());
        } finally {
            ended.set(true);
            watcher.interrupt();
        }
    }

    /** The lease on one turn: extended whenever a third of it is gone, also while the worker pauses. */
    private final class Lease {
        private final String turn;
        private final long nanos = Duration.ofSeconds(settings.leaseSeconds()).toNanos();
        private long extended = System.nanoTime();

        Lease(String turn) {
            this.turn = turn;
        }

        void keep() {
            // a third of the lease gone: leaves the rest for a slow answer or a loaded machine
            if (System.nanoTime() - extended > nanos / 3) {
                client.extendLease(turn, settings.leaseSeconds());
                extended = System.nanoTime();
            }
        }

        /** Sleeps for {@code d} in slices of a quarter lease, keeping the lease; returns early once the turn ended. */
        void pause(Duration d, AtomicBoolean ended) {
            long until = System.nanoTime() + d.toNanos();
            while (!ended.get()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                ReferenceWorker.pause(Duration.ofNanos(Math.min(left, nanos / 4)));
                keep();
            }
        }
    }

    /** Long-polls the turn's events until it ends (then sets {@code ended}) or the answer is over. */
    private void watch(String turn, AtomicBoolean ended) {
        long after = 0;
        while (!ended.get() && running) {
            try {
                for (JsonNode e : client.events(turn, after, Math.max(1, settings.waitSeconds()))) {
                    after = e.path("sequence").asLong();
                    if (TERMINAL.contains(e.path("type").asText())) {
                        ended.set(true);
                    }
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                pause(Duration.ofMillis(500));
            }
        }
    }

    /** At most {@code n} non-empty pieces, by code point, that concatenate to the text (none for ""). */
    static List<String> split(String text, int n) {
        List<String> pieces = new ArrayList<>();
        int points = text.codePointCount(0, text.length());
        int size = Math.max(1, (points + n - 1) / n);
        int start = 0;
        while (start < text.length()) {
            int end = text.offsetByCodePoints(start, Math.min(size, text.codePointCount(start, text.length())));
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    private void say(String line) {
        synchronized (log) {
            log.println(line);
            log.flush();
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops claiming: {@link #run()} returns once the claim in flight (at most its long poll) and the turns it
     * brings are answered. The claim is not interrupted: the gateway may already have claimed a turn for it, which
     * would then wait for its lease to lapse.
     */
    @Override
    public void close() {
        running = false;
    }

    /**
     * {@code --url URL --key KEY --responder NAME [--name NAME] [--lease SECONDS] [--step-delay MILLIS]
     * [--deltas N]}: runs the worker until the process is stopped. The key may also come from
     * {@code GATEWAY_WORKER_KEY}.
     */
    public static void main(String[] args) {
        Settings s = parse(args, System.getenv("GATEWAY_WORKER_KEY"));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ReferenceWorker worker = new ReferenceWorker(s, out);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-stop"));
        out.println("worker " + s.responder() + " on " + s.url());
        worker.run();
    }

    static Settings parse(String[] args, String keyFromEnvironment) {
        String url = null;
        String key = keyFromEnvironment;
        String responder = null;
        String name = null;
        int lease = 30;
        long delay = 0;
        int deltas = 3;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--key" -> key = v;
                case "--responder" -> responder = v;
                case "--name" -> name = v;
                case "--lease" -> lease = Integer.parseInt(v);
                case "--step-delay" -> delay = Long.parseLong(v);
                case "--deltas" -> deltas = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null || key == null || responder == null) {
            throw new IllegalArgumentException("--url, --key (or GATEWAY_WORKER_KEY) and --responder are required");
        }
        return new Settings(url, key, responder, name, lease, Duration.ofMillis(delay), deltas, 10);
    }
}
