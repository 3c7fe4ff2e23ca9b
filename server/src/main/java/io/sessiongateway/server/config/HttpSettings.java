package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Where and how requests are served.
 *
 * @param bind {@code gateway.bind}: the interface to listen on
 * @param port {@code gateway.port}: 0 picks a free one
 * @param maxBodyBytes {@code gateway.http.max-body-bytes}: larger request bodies are refused with 413
 * @param shutdownGrace {@code gateway.http.shutdown-grace}: how long a stop waits for in-flight requests before
 *     closing their connections
 * @param workerThreads {@code gateway.http.worker-threads}: 0 = {@link #workerThreads(int, int)}'s default
 * @param fastReads {@code gateway.http.fast-reads}: serve the successful GET of one session of each vendor dialect
 *     in front of Jersey (same bytes, same metrics; everything else goes to Jersey)
 */
public record HttpSettings(
        String bind, int port, long maxBodyBytes, Duration shutdownGrace, int workerThreads, boolean fastReads) {

    /** Reads {@code gateway.port}, {@code gateway.bind} and {@code gateway.http.*}. */
    static HttpSettings from(Config g) {
        int port = g.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        long maxBody = g.getBytes("http.max-body-bytes");
        if (maxBody < 1024) {
            throw new IllegalArgumentException("http.max-body-bytes must be at least 1024");
        }
        Duration grace = g.getDuration("http.shutdown-grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("http.shutdown-grace must not be negative: " + grace);
        }
        int workers = g.getInt("http.worker-threads");
        if (workers < 0 || workers > 1024) {
            throw new IllegalArgumentException("http.worker-threads must be between 0 (auto) and 1024: " + workers);
        }
        return new HttpSettings(g.getString("bind"), port, maxBody, grace, workers, g.getBoolean("http.fast-reads"));
    }

    /**
     * The HTTP worker threads to run: the configured number, else two per core, and on PostgreSQL at least as many as
     * the pool's connections ({@code postgresPool}; 0 on H2).
     *
     * <p>On H2 a request runs in the gateway's own process and is CPU-bound: more threads cost throughput (GET on
     * H2, 2 cores, 32 connections: 4 threads 15-18k req/s, 6 13.6k, 10 9-11k, 14 7-10k, measured in one sitting).
     * On PostgreSQL a request thread spends most of a write waiting on the database (its round trips and the WAL
     * flush of its commit): with two per core, only four creates were ever in flight on 2 cores, so each flush
     * committed at most four of them, and the pool's other connections sat idle. An unreachable database does not
     * hold the threads for long, since requests then fail fast (see the store's FailFastDataSource).
     */
    public int workerThreads(int cores, int postgresPool) {
        return workerThreads > 0 ? workerThreads : Math.max(2 * cores, postgresPool);
    }
}
