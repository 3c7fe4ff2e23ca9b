package io.sessiongateway.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL cluster that a test owns and may stop and start again: {@code initdb} into a temporary
 * directory, a free loopback port, started with {@code pg_ctl} as {@code .ci/run} does (through
 * {@code runuser -u postgres --} when the tests run as root, since PostgreSQL refuses to run as root). The binaries
 * are the newest {@code /usr/lib/postgresql/<version>/bin}; {@link #binaries()} is empty where there are none, for a
 * test to skip on.
 */
public final class PostgresCluster implements AutoCloseable {
    private static final String USER = "gateway";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;

    private PostgresCluster(Path bin, Path dir, int port, String password) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    /** The directory holding initdb and pg_ctl, if PostgreSQL is installed. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (var versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(
                            b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Integer versionOf(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Creates the cluster (user {@code gateway}, a random password) and starts it; {@link #close()} removes it. */
    public static PostgresCluster create(Path bin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gateway-pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String password = "pw-" + UUID.randomUUID();
        Path pw = dir.resolve("pw");
        Files.writeString(pw, password + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresCluster cluster = new PostgresCluster(bin, dir, port, password);
        // Should the test JVM be stopped before @AfterAll runs, the server goes with it.
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "postgres-cluster-reaper"));
        try {
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres", dir.toString()));
            }
            cluster.asPostgres(
                    bin.resolve("initdb").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-U",
                    USER,
                    "--pwfile=" + pw,
                    "-A",
                    "scram-sha-256",
                    "--no-sync");
            cluster.start();
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts the server (again), waiting until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        asPostgres(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-l",
                dir.resolve("log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
                        + " -c fsync=off -c max_connections=50",
                "start");
    }

    /** Stops the server the way an operator's {@code pg_ctl stop} does (fast: sessions are terminated). */
    public void stop() throws IOException, InterruptedException {
        asPostgres(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop");
    }

    /** Creates a database in the cluster and returns its JDBC URL. */
    public String createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The gateway settings for a database of this cluster. */
    public Map<String, String> env(String database) {
        return Map.of("GATEWAY_DB_URL", url(database), "GATEWAY_DB_USER", USER, "GATEWAY_DB_PASSWORD", password);
    }

    public int port() {
        return port;
    }

    /** Stops the server at once (immediate mode, whatever state it is in) and deletes its directory. */
    @Override
    public synchronized void close() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                asPostgres(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        dir.resolve("data").toString(),
                        "-m",
                        "immediate",
                        "-w",
                        "-t",
                        "30",
                        "stop");
            }
        } catch (IOException | RuntimeException e) {
            // already stopped, or never started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + command + "\n" + new String(out, UTF_8));
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
