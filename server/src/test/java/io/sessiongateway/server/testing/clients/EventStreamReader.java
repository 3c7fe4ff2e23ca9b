package io.sessiongateway.server.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.server.testing.SpecValidator;
import io.sessiongateway.server.testing.SseFrames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A live {@code text/event-stream} response read as it arrives, for tests that act mid-stream (cancel a turn, cut
 * the connection): {@link #awaitFrames} waits until the frames so far satisfy a condition; {@link #close()} cuts the
 * connection from the client's side. What was received is validated against the operation's document through
 * {@link SseFrames} ({@link #validate}), as the harness validates every other response.
 */
public final class EventStreamReader implements AutoCloseable {
    private final String path;
    private final HttpResponse<InputStream> response;
    private final StringBuilder received = new StringBuilder();
    private final Thread reader;
    private volatile boolean ended;

    private EventStreamReader(String path, HttpResponse<InputStream> response) {
        this.path = path;
        this.response = response;
        this.reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code GET baseUri + pathAndQuery} with the headers given (credentials, Accept). */
    public static EventStreamReader open(String baseUri, String pathAndQuery, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
                .version(HttpClient.Version.HTTP_1_1)
                .GET();
        headers.forEach(b::header);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        return new EventStreamReader(path, r);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (received) {
                    received.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            ended = true;
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** What arrived so far, as the raw stream text. */
    public String text() {
        synchronized (received) {
            return received.toString();
        }
    }

    /** The frames dispatched so far (an incomplete last frame is not). */
    public List<JsonNode> frames() {
        String text = text();
        int end = text.lastIndexOf("\n\n");
        return end < 0 ? List.of() : SseFrames.parse(text.substring(0, end + 2));
    }

    /** Whether the server ended the stream. */
    public boolean ended() {
        return ended;
    }

    /** Waits until the frames so far satisfy the condition; fails after the timeout. */
    public List<JsonNode> awaitFrames(Predicate<List<JsonNode>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<JsonNode> frames = frames();
            if (done.test(frames)) {
                return frames;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting on the stream; so far: " + text());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the server ends the stream; fails after the timeout. */
    public void awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        if (!ended) {
            throw new AssertionError("the server did not end the stream; so far: " + text());
        }
    }

    /** The violations of what arrived so far (complete frames) against the operation's document. */
    public List<String> validate(SpecValidator validator) {
        String text = text();
        int end = text.lastIndexOf("\n\n");
        return validator.validate(
                "GET", path, status(), header("Content-Type"), end < 0 ? "" : text.substring(0, end + 2));
    }

    /** Cuts the connection from the client's side. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
