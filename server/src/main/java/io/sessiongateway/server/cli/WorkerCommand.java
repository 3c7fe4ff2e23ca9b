package io.sessiongateway.server.cli;

import io.sessiongateway.runtime.client.ReferenceWorker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code worker}: the reference worker (echo over the runtime API) as a process, until it is stopped. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Run the reference worker: answer the turns of agents with this responder over the runtime API"
                + " (/runtime/v1), as the echo responder does, until stopped.")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "The gateway, e.g. http://127.0.0.1:8080.")
    String url;

    @Option(
            names = "--key",
            description = "A worker API key (sgw_wk_…, `key create --dialect runtime`) or a worker JWT"
                    + " (`token --worker`); default: GATEWAY_WORKER_KEY.")
    String key;

    @Option(names = "--responder", required = true, description = "The responder name whose turns it answers.")
    String responder;

    @Option(names = "--name", description = "This process's name under the credential's subject (its leases).")
    String name;

    @Option(names = "--lease", defaultValue = "30", description = "Lease in seconds; default: ${DEFAULT-VALUE}.")
    int lease;

    @Option(
            names = "--step-delay",
            defaultValue = "0",
            description = "Pause before each text delta, in milliseconds; default: ${DEFAULT-VALUE}.")
    long stepDelay;

    @Option(names = "--deltas", defaultValue = "3", description = "Text deltas per answer; default: ${DEFAULT-VALUE}.")
    int deltas;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String credential = key != null ? key : System.getenv("GATEWAY_WORKER_KEY");
        if (credential == null || credential.isBlank()) {
            spec.commandLine().getErr().println("error: --key or GATEWAY_WORKER_KEY is required");
            return 2;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ReferenceWorker worker = new ReferenceWorker(
                new ReferenceWorker.Settings(
                        url, credential, responder, name, lease, Duration.ofMillis(stepDelay), deltas, 10),
                out);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-stop"));
        out.println("worker " + responder + " on " + url);
        worker.run();
        return 0;
    }
}
