package io.sessiongateway.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as operators run it: {@code java -jar server/target/session-gateway.jar serve} in a child JVM, with
 * the environment given (nothing of the test's own {@code GATEWAY_*} environment leaks in), listening on a free
 * port of 127.0.0.1 that it reports in its start-up line, its standard output and error captured to a file. It can
 * be stopped as an orchestrator stops it (SIGTERM) or killed as the OOM killer does (SIGKILL); {@link #close()}
 * kills whatever is still running, so a failed test never leaves a JVM behind.
 */
public final class GatewayProcess implements AutoCloseable {
    /** The jar {@code mvn package} builds; failsafe runs after it, from the server module's directory. */
    public static final Path JAR = Path.of("target", "session-gateway.jar");

    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+);");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code serve} with these settings (GATEWAY_BIND and GATEWAY_PORT default to 127.0.0.1 and 0) and waits
     * until it listens and {@code /health/ready} answers 200. The output goes to {@code log} (appended, so a
     * restart over the same file keeps the first run's lines).
     */
    public static GatewayProcess start(Map<String, String> env, Path log, Duration timeout) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvn verify` (package builds it)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xms32m",
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "serve"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> childEnv = pb.environment();
        childEnv.keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        childEnv.put("GATEWAY_BIND", "127.0.0.1");
        childEnv.put("GATEWAY_PORT", "0");
        childEnv.put("GATEWAY_LOG_FORMAT", "plain");
        childEnv.putAll(env);
        long offset;
        try {
            offset = Files.exists(log) ? Files.size(log) : 0;
            Process process = pb.start();
            // Should the test JVM itself be stopped (failsafe's timeout, Ctrl-C), take the child along.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "gateway-process-reaper"));
            GatewayProcess started = null;
            try {
                int port = awaitPort(process, log, offset, timeout);
                started = new GatewayProcess(process, log, port);
                started.awaitReady(timeout);
                return started;
            } finally {
                if (started == null) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static int awaitPort(Process process, Path log, long offset, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = tail(log, offset);
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "gateway exited with " + process.exitValue() + " before listening:\n" + out);
            }
            sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("gateway not listening within " + timeout + ":\n" + tail(log, offset));
    }

    /** Polls {@code /health/ready} until it answers 200. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUri() + "/health/ready"))
                                .timeout(Duration.ofSeconds(3))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("gateway not ready within " + timeout + " (" + last + "):\n" + output());
    }

    public int port() {
        return port;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process (and earlier ones logging to the same file) wrote so far. */
    public String output() {
        try {
            return tail(log, 0);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(10));
    }

    /** SIGTERM: the graceful stop; returns the exit code, or -1 if it had to be killed after {@code timeout}. */
    public int terminate(Duration timeout) {
        process.destroy();
        if (await(timeout)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    private boolean await(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static String tail(Path log, long offset) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
