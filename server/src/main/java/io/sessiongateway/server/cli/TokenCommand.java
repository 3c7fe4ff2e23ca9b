package io.sessiongateway.server.cli;

import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.config.JwtSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a signed HS256 dev token on standard output. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Print a signed dev JWT (HS256, secret from $GATEWAY_JWT_SECRET or the data dir).")
final class TokenCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, description = "Tenant the token is for.")
    String tenant;

    @Option(names = "--subject", required = true, description = "Subject id (claim sub).")
    String subject;

    @Option(
            names = "--subject-type",
            defaultValue = "user",
            description = "Subject type (claim sub_type); default: ${DEFAULT-VALUE}.")
    String subjectType;

    @Option(names = "--subject-slug", description = "Human-readable subject name (claim sub_slug).")
    String subjectSlug;

    @Option(names = "--team", paramLabel = "ID", description = "Team membership (repeatable; claim teams).")
    List<String> teams = new ArrayList<>();

    @Option(names = "--account", paramLabel = "UUID", description = "Owning account (claim account).")
    UUID account;

    @Option(names = "--admin", description = "Grant the admin role for the tenant.")
    boolean admin;

    @Option(
            names = "--worker",
            description = "Grant the worker role: a token for the runtime API (/runtime/v1) only, which every"
                    + " dialect refuses; --tenant '*' works for every tenant.")
    boolean worker;

    @Option(
            names = "--ttl",
            defaultValue = "12h",
            converter = Durations.class,
            description = "Lifetime: 90s, 15m, 12h, 7d or ISO-8601; default: ${DEFAULT-VALUE}.")
    Duration ttl;

    @Override
    public Integer call() {
        if (tenant.isBlank() || subject.isBlank() || subjectType.isBlank()) {
            spec.commandLine().getErr().println("error: --tenant, --subject and --subject-type must not be blank");
            return 2;
        }
        GatewayConfig cfg = config.load();
        if (cfg.auth().jwt().algorithms().stream().noneMatch(JwtSettings.HMAC::contains)) {
            spec.commandLine()
                    .getErr()
                    .println("warning: HS256 is not in gateway.auth.algorithms; the gateway will"
                            + " refuse this token");
        }
        TokenMinter minter = TokenMinter.forConfig(cfg);
        spec.commandLine()
                .getOut()
                .println(minter.mint(
                        new TokenMinter.Grant(
                                tenant, subject, subjectType, subjectSlug, teams, account, admin, ttl, worker),
                        Instant.now()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
