package io.sessiongateway.server.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gateway}: serve, mint dev tokens, provision agents. */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Session Gateway: one session store served in the dialects of four agent platforms.")
public final class Main {
    /**
     * The subcommands, in the order the usage lists them. Not in {@code @Command(subcommands = ...)}: picocli then
     * introspects all of them (and their own subcommands) for every run, about a tenth of a restart's main thread
     * before {@code serve} starts; {@link #run} adds only the one named first when there is one.
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            ServeCommand.class,
            TokenCommand.class,
            AgentCommand.class,
            TeamCommand.class,
            KeyCommand.class,
            SessionCommand.class,
            MigrateCommand.class,
            WorkerCommand.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // The subcommand named by the first argument alone; anything else (no argument, --help, --version, an
        // unknown name: picocli's answer lists them all) gets all of them. Added before the settings below, which
        // reach only the subcommands present when they are made.
        Class<?> named = args.length == 0 ? null : subcommandNamed(args[0]);
        for (Class<?> c : named == null ? SUBCOMMANDS : List.of(named)) {
            cli.addSubcommand(c);
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr()
                    .println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    private static Class<?> subcommandNamed(String name) {
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name)) {
                return c;
            }
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"session-gateway " + (v == null ? "dev" : v)};
        }
    }
}
