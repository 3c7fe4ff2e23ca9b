package io.sessiongateway.server.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code team create|list}: teams and their ObjectIds (resourceSlug in paths; token claim teams). */
@Command(
        name = "team",
        mixinStandardHelpOptions = true,
        description = "Create and list teams via the admin API.",
        subcommands = {TeamCommand.Create.class, TeamCommand.ListTeams.class})
final class TeamCommand implements TenantAdminCommand.Configured {
    @Mixin
    ConfigOption config;

    @Override
    public ConfigOption config() {
        return config;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a team; prints it as JSON.")
    static final class Create extends TenantAdminCommand {
        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() throws Exception {
            return admin("POST", "teams", Map.of("name", name), 201);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's teams, default first.")
    static final class ListTeams extends TenantAdminCommand {

        @Override
        public Integer call() throws Exception {
            return admin("GET", "teams", null, 200);
        }
    }
}
