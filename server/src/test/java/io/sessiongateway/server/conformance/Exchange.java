package io.sessiongateway.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.builder.ResponseBuilder;
import io.restassured.http.Header;
import io.restassured.http.Headers;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One generated HTTP exchange: the request, the statuses it may get, and whether a refusal must have written
 * nothing. Sends through the harness, so every response is validated against the documents: strictly (the
 * status must be one the operation declares) or, for statuses no document can declare (405, 413, 415, unknown
 * routes), against the dialect's error schema.
 */
public final class Exchange {
    private static final String EVENT_STREAM = "text/event-stream";
    /** How long an endless stream is read before the client leaves. */
    private static final Duration STREAM_READ = Duration.ofMillis(700);
    /** Headers java.net.http sets itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");

    final String name;
    final SpecOperation op;
    String method;
    String template;
    final Map<String, String> pathValues = new LinkedHashMap<>();
    final List<Map.Entry<String, String>> query = new ArrayList<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    String contentType;
    byte[] body;
    boolean streamBody;
    String rawPath;
    Set<Integer> expected = Set.of();
    boolean strict = true;
    boolean checkNoWrite;

    Exchange(String name, SpecOperation op) {
        this.name = name;
        this.op = op;
        this.method = op == null ? "GET" : op.method();
        this.template = op == null ? "/" : op.template();
    }

    public String name() {
        return name;
    }

    public SpecOperation operation() {
        return op;
    }

    public Set<Integer> expected() {
        return expected;
    }

    Exchange json(JsonNode node) {
        contentType = "application/json";
        body = node.toString().getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** The request path with every template variable replaced by its percent-encoded value. */
    String path() {
        if (rawPath != null) {
            return rawPath;
        }
        Matcher m = VARIABLE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = pathValues.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(name + ": no value for path variable " + m.group(1));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(encode(value)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    String uri() {
        StringBuilder sb = new StringBuilder(path());
        for (int i = 0; i < query.size(); i++) {
            sb.append(i == 0 ? '?' : '&')
                    .append(encode(query.get(i).getKey()))
                    .append('=')
                    .append(encode(query.get(i).getValue()));
        }
        return sb.toString();
    }

    /** Percent-encodes every byte outside RFC 3986's unreserved characters. */
    static String encode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** Sends the request; the harness's filter throws AssertionError if the response breaks the documents. */
    Response send(GatewayHarness gateway, ScenarioTable table) {
        if (endlessStream()) {
            return sendStream(gateway);
        }
        RequestSpecification spec =
                strict ? gateway.given() : gateway.givenUndocumented(table.errorDocument(), table.errorSchema());
        spec.urlEncodingEnabled(false);
        headers.forEach(spec::header);
        if (contentType != null) {
            spec.contentType(contentType);
        }
        if (body != null) {
            if (streamBody) {
                spec.body(new ByteArrayInputStream(body));
            } else if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                spec.body(new String(body, StandardCharsets.UTF_8)); // rest-assured encodes forms from text only
            } else {
                spec.body(body);
            }
        }
        return spec.request(method, uri());
    }

    /** A GET whose success is an event stream that runs until the client leaves (Everruns' {@code /sse}). */
    private boolean endlessStream() {
        return op != null
                && method.equals("GET")
                && body == null
                && op.matches(path())
                && op.response(200)
                        .map(r ->
                                r.content().stream().anyMatch(c -> c.mediaType().equals(EVENT_STREAM)))
                        .orElse(false);
    }

    /**
     * Sends such a request and, when the answer is a stream, reads it for a moment and leaves (rest-assured would
     * wait for an end that never comes); what arrived is validated as the harness's filter validates every other
     * response, and answered as a rest-assured response.
     */
    private Response sendStream(GatewayHarness gateway) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUri() + uri()))
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(10))
                .GET();
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                b.header(name, value);
            }
        });
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r;
        String text;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String contentType = r.headers().firstValue("Content-Type").orElse("");
            try (InputStream in = r.body()) {
                text = contentType.startsWith(EVENT_STREAM)
                        ? readFor(in, STREAM_READ)
                        : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        List<String> violations =
                GatewayHarness.validator().validate(method, path(), r.statusCode(), contentType, text);
        if (!violations.isEmpty() && (strict || op.declares(r.statusCode()))) {
            throw new AssertionError(method + " " + uri() + " -> " + r.statusCode() + ": " + violations);
        }
        List<Header> list = new ArrayList<>();
        r.headers().map().forEach((name, values) -> values.forEach(v -> list.add(new Header(name, v))));
        ResponseBuilder response = new ResponseBuilder()
                .setStatusCode(r.statusCode())
                .setHeaders(new Headers(list))
                .setBody(text);
        if (contentType != null) {
            response.setContentType(contentType);
        }
        return response.build();
    }

    /** What a stream sends within {@code time}, cut at its last complete frame. */
    private static String readFor(InputStream in, Duration time) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed below
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            reader.join(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.close();
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        int end = text.lastIndexOf("\n\n");
        return end < 0 ? "" : text.substring(0, end + 2);
    }

    /** The request, for failure messages (credentials shortened). */
    String describe() {
        StringBuilder sb = new StringBuilder(method).append(' ').append(uri());
        headers.forEach((k, v) ->
                sb.append("\n  ").append(k).append(": ").append(v.length() > 40 ? v.substring(0, 40) + "..." : v));
        if (contentType != null) {
            sb.append("\n  Content-Type: ").append(contentType);
        }
        if (body != null) {
            String text = new String(body, StandardCharsets.UTF_8);
            sb.append("\n  body: ")
                    .append(text.length() > 300 ? text.substring(0, 300) + "... (" + body.length + " bytes)" : text);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
