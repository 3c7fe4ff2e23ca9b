package io.sessiongateway.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code team create|list}: teams and their ObjectIds (Agentcloud resourceSlug; token claim teams). */
@Command(name = "team", mixinStandardHelpOptions = true, description = "Create and list teams via the admin API.",
        subcommands = {TeamCommand.Create.class, TeamCommand.ListTeams.class})
final class TeamCommand {
    @Mixin
    ConfigOption config;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a team; prints it as JSON.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TeamCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient.UrlOption url;
        @Option(names = "--tenant", required = true)
        String tenant;
        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() throws Exception {
            return AdminClient.call(spec, parent.config.load(), url.url, tenant, "POST",
                    "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/teams", Map.of("name", name), 201);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's teams, default first.")
    static final class ListTeams implements Callable<Integer> {
        @ParentCommand
        TeamCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient.UrlOption url;
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        public Integer call() throws Exception {
            return AdminClient.call(spec, parent.config.load(), url.url, tenant, "GET",
                    "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/teams", null, 200);
        }
    }
}
