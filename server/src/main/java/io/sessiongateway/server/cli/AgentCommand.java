package io.sessiongateway.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agent create|list} over the admin API; agents are printed as JSON with their id in every dialect. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Create and list agents via the admin API.",
        subcommands = {AgentCommand.Create.class, AgentCommand.ListAgents.class})
final class AgentCommand {
    @Mixin
    ConfigOption config;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an agent; prints it as JSON.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        AgentCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient.UrlOption url;
        @Option(names = "--tenant", required = true, description = "Tenant of the agent.")
        String tenant;
        @Option(names = "--name", required = true, description = "Agent name (TrueFoundry agent_name).")
        String name;
        @Option(names = "--manager", paramLabel = "SUBJECT", description = "Managing subject id (repeatable).")
        List<String> managers = new ArrayList<>();
        @Option(names = "--restricted", description = "Only managers may create sessions with this agent.")
        boolean restricted;
        @Option(names = "--team", description = "Team (ObjectId or name); default: the tenant's default team.")
        String team;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("managers", managers);
            body.put("restricted", restricted);
            if (team != null) {
                body.put("team", team);
            }
            int rc = AdminClient.call(spec, parent.config.load(), url.url, tenant, "POST",
                    "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/agents", body, 201);
            if (rc == 0) {
                spec.commandLine().getErr().println("created agent '" + tenant + "/" + name + "'");
            }
            return rc;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's agents as JSON.")
    static final class ListAgents implements Callable<Integer> {
        @ParentCommand
        AgentCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        AdminClient.UrlOption url;
        @Option(names = "--tenant", required = true, description = "Tenant of the agents.")
        String tenant;

        @Override
        public Integer call() throws Exception {
            return AdminClient.call(spec, parent.config.load(), url.url, tenant, "GET",
                    "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/agents", null, 200);
        }
    }
}
