package io.sessiongateway.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.GatewayConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Calls the admin API for the CLI: base URL from {@code --url}, {@code GATEWAY_URL} or the configured port; token
 * from {@code GATEWAY_TOKEN} or an admin token minted from the dev secret. Prints the JSON answer on standard
 * output and messages on standard error.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The {@code --url} option shared by commands that call the admin API. */
    static final class UrlOption {
        @Option(
                names = "--url",
                description = "Gateway base URL; default $GATEWAY_URL, else http://127.0.0.1:$GATEWAY_PORT.")
        String url;
    }

    private AdminClient() {}

    /**
     * Sends one request and prints the answer.
     *
     * @param tenant the tenant the minted admin token is for ({@code *} for operator calls)
     * @return the exit code: 0 when the status is the expected one, else 1
     */
    static int call(
            CommandSpec spec,
            GatewayConfig cfg,
            String url,
            String tenant,
            String method,
            String path,
            Object body,
            int expected)
            throws IOException, InterruptedException {
        Answer answer = send(spec, cfg, url, tenant, method, path, body, expected);
        if (answer.exit() == 0 && !answer.body().isEmpty()) {
            print(spec, JSON.readValue(answer.body(), Object.class));
        }
        return answer.exit();
    }

    /** The outcome of one request: exit code 0 with the answer's body, or 1 (the reason already on stderr). */
    record Answer(int exit, String body) {}

    /**
     * Sends one request; on a status other than {@code expected}, or an unreachable gateway, writes the reason to
     * standard error and answers exit code 1. Prints nothing on standard output.
     */
    static Answer send(
            CommandSpec spec,
            GatewayConfig cfg,
            String url,
            String tenant,
            String method,
            String path,
            Object body,
            int expected)
            throws IOException, InterruptedException {
        Map<String, String> env = System.getenv();
        String base = url != null
                ? url
                : env.getOrDefault(
                        "GATEWAY_URL", "http://127.0.0.1:" + cfg.http().port());
        String token = env.get("GATEWAY_TOKEN");
        if (token == null || token.isBlank()) {
            token = TokenMinter.forConfig(cfg)
                    .mint(
                            new TokenMinter.Grant(
                                    tenant,
                                    "gateway-cli",
                                    "serviceaccount",
                                    null,
                                    List.of(),
                                    null,
                                    true,
                                    Duration.ofMinutes(5)),
                            Instant.now());
        }
        URI uri = URI.create(base.replaceAll("/+$", "") + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        request = body == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            spec.commandLine()
                    .getErr()
                    .println("error: cannot reach the gateway at " + base
                            + " (is `./gateway serve` running? set GATEWAY_URL)");
            return new Answer(1, "");
        }
        if (response.statusCode() != expected) {
            spec.commandLine()
                    .getErr()
                    .println("error: " + method + " " + uri.getPath() + " answered " + response.statusCode() + ": "
                            + response.body());
            return new Answer(1, "");
        }
        return new Answer(0, response.body());
    }

    /** Prints a JSON value on standard output, indented, as every admin command does. */
    static void print(CommandSpec spec, Object json) throws IOException {
        spec.commandLine().getOut().println(JSON.writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
