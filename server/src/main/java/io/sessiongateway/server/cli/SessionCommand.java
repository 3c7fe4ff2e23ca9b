package io.sessiongateway.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code session show ID}: a session found by any of its ids, with its id and status in every dialect. */
@Command(
        name = "session",
        mixinStandardHelpOptions = true,
        description = "Inspect sessions via the admin API.",
        subcommands = {SessionCommand.Show.class})
final class SessionCommand {
    @Mixin
    ConfigOption config;

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print a session found by any of its ids (session_…, a chosen public id, an ObjectId).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        SessionCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        AdminClient.UrlOption url;

        @Option(
                names = "--tenant",
                defaultValue = "*",
                description = "Tenant to look in; default: every tenant (an operator token).")
        String tenant;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            return AdminClient.call(
                    spec,
                    parent.config.load(),
                    url.url,
                    tenant,
                    "GET",
                    "/admin/v1/sessions/" + AdminClient.segment(id),
                    null,
                    200);
        }
    }
}
