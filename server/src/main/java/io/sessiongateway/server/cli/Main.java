package io.sessiongateway.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gateway}: serve, mint dev tokens, provision agents. */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Session Gateway: one session store served in the dialects of four agent platforms.",
        subcommands = {
            ServeCommand.class,
            TokenCommand.class,
            AgentCommand.class,
            TeamCommand.class,
            KeyCommand.class,
            SessionCommand.class,
            MigrateCommand.class,
            WorkerCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr()
                    .println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"session-gateway " + (v == null ? "dev" : v)};
        }
    }
}
