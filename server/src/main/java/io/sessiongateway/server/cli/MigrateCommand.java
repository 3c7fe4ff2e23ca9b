package io.sessiongateway.server.cli;

import io.sessiongateway.core.store.Database;
import io.sessiongateway.server.GatewayServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Applies pending migrations to the configured database and exits. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Apply pending database migrations and exit (serve also does this at start).")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Database db = Database.open(GatewayServer.databaseConfigOf(config.load()))) {
            int n = db.migrate();
            spec.commandLine().getErr().println(n + " migration(s) applied");
        }
        return 0;
    }
}
