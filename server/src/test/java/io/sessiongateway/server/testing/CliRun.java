package io.sessiongateway.server.testing;

import io.sessiongateway.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One in-process run of the CLI ({@link Main#run}): its exit code, standard output and standard error. */
public record CliRun(int exit, String out, String err) {
    private static final List<String> WITH_SUBCOMMANDS = List.of("agent", "team", "key", "session");

    /**
     * Runs the CLI with a config file naming the harness's data dir and secret (its {@code --config} goes where
     * picocli wants it: after the command, before a subcommand). Synchronized: it swaps System.out and System.err.
     */
    public static synchronized CliRun of(GatewayHarness gateway, String... args) throws Exception {
        Path conf = Files.createTempFile("gateway", ".conf");
        Files.writeString(
                conf,
                "gateway { data-dir = \"" + gateway.dataDir() + "\"\n auth.jwt-secret = \"" + GatewayHarness.SECRET
                        + "\" }\n");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] full = new String[args.length + 2];
            if (WITH_SUBCOMMANDS.contains(args[0])) {
                full[0] = args[0];
                full[1] = "--config";
                full[2] = conf.toString();
                System.arraycopy(args, 1, full, 3, args.length - 1);
            } else {
                System.arraycopy(args, 0, full, 0, args.length);
                full[args.length] = "--config";
                full[args.length + 1] = conf.toString();
            }
            int exit = Main.run(full);
            return new CliRun(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            Files.deleteIfExists(conf);
        }
    }
}
