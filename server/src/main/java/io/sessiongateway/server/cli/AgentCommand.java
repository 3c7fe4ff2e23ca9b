package io.sessiongateway.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agent create|list} over the admin API; agents are printed as JSON with their id in every dialect. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Create and list agents via the admin API.",
        subcommands = {AgentCommand.Create.class, AgentCommand.ListAgents.class})
final class AgentCommand implements TenantAdminCommand.Configured {
    @Mixin
    ConfigOption config;

    @Override
    public ConfigOption config() {
        return config;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an agent; prints it as JSON.")
    static final class Create extends TenantAdminCommand {
        @Option(names = "--name", required = true, description = "Agent name (agent_name in creates).")
        String name;

        @Option(names = "--manager", paramLabel = "SUBJECT", description = "Managing subject id (repeatable).")
        List<String> managers = new ArrayList<>();

        @Option(names = "--restricted", description = "Only managers may create sessions with this agent.")
        boolean restricted;

        @Option(names = "--team", description = "Team (ObjectId or name); default: the tenant's default team.")
        String team;

        @Option(
                names = "--responder",
                description = "What answers its turns: echo, script, none (an external runtime); default: the"
                        + " gateway's gateway.conversations.default-responder.")
        String responder;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("managers", managers);
            body.put("restricted", restricted);
            if (team != null) {
                body.put("team", team);
            }
            if (responder != null) {
                body.put("responder", responder);
            }
            int rc = admin("POST", "agents", body, 201);
            if (rc == 0) {
                note("created agent '" + tenant + "/" + name + "'");
            }
            return rc;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's agents as JSON.")
    static final class ListAgents extends TenantAdminCommand {

        @Override
        public Integer call() throws Exception {
            return admin("GET", "agents", null, 200);
        }
    }
}
