package io.sessiongateway.server.cli;

import io.sessiongateway.server.auth.DevSecret;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.GatewayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code agent create|list}: calls the admin API at {@code $GATEWAY_URL} with {@code $GATEWAY_TOKEN}, or an admin
 * token minted from the dev secret. Agents go to standard output as JSON; messages to standard error.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Create and list agents via the admin API.",
        subcommands = {AgentCommand.Create.class, AgentCommand.ListAgents.class})
final class AgentCommand {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ConfigOption config;

    /** Options shared by the subcommands. */
    static final class Target {
        @Option(names = "--tenant", required = true, description = "Tenant of the agents.")
        String tenant;
        @Option(names = "--url", description = "Gateway base URL; default $GATEWAY_URL, else http://127.0.0.1:$GATEWAY_PORT.")
        String url;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an agent; prints it as JSON.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        AgentCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Option(names = "--name", required = true, description = "Agent name (TrueFoundry agent_name).")
        String name;
        @Option(names = "--manager", paramLabel = "SUBJECT", description = "Managing subject id (repeatable).")
        List<String> managers = new ArrayList<>();
        @Option(names = "--restricted", description = "Only managers may create sessions with this agent.")
        boolean restricted;

        @Override
        public Integer call() throws IOException, InterruptedException {
            String body = JSON.writeValueAsString(Map.of("name", name, "managers", managers, "restricted", restricted));
            return parent.exchange(spec, target, "POST", body, 201);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's agents as JSON.")
    static final class ListAgents implements Callable<Integer> {
        @ParentCommand
        AgentCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;

        @Override
        public Integer call() throws IOException, InterruptedException {
            return parent.exchange(spec, target, "GET", null, 200);
        }
    }

    int exchange(CommandSpec spec, Target target, String method, String body, int expected)
            throws IOException, InterruptedException {
        GatewayConfig cfg = config.load();
        Map<String, String> env = System.getenv();
        String base = target.url != null ? target.url
                : env.getOrDefault("GATEWAY_URL", "http://127.0.0.1:" + cfg.port());
        String token = env.get("GATEWAY_TOKEN");
        if (token == null || token.isBlank()) {
            token = new TokenMinter(DevSecret.resolve(cfg.jwtSecret(), cfg.dataDir()), cfg.jwtIssuer())
                    .mint(new TokenMinter.Grant(target.tenant, "gateway-cli", "serviceaccount", null, List.of(), null,
                            true, Duration.ofMinutes(5)), Instant.now());
        }
        URI uri = URI.create(base.replaceAll("/+$", "") + "/admin/v1/tenants/"
                + URLEncoder.encode(target.tenant, StandardCharsets.UTF_8).replace("+", "%20") + "/agents");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        request = body == null ? request.GET()
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            spec.commandLine().getErr().println("error: cannot reach the gateway at " + base
                    + " (is `./gateway serve` running? set GATEWAY_URL)");
            return 1;
        }
        if (response.statusCode() != expected) {
            spec.commandLine().getErr().println("error: " + method + " " + uri.getPath() + " answered "
                    + response.statusCode() + ": " + response.body());
            return 1;
        }
        Object parsed = JSON.readValue(response.body(), Object.class);
        spec.commandLine().getOut().println(JSON.writeValueAsString(parsed));
        spec.commandLine().getOut().flush();
        if ("POST".equals(method)) {
            spec.commandLine().getErr().println("created agent '" + target.tenant + "/" + readName(parsed) + "'");
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static Object readName(Object parsed) {
        return parsed instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("name") : "?";
    }
}
