package io.sessiongateway.server.cli;

import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the gateway until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Start the gateway: port $GATEWAY_PORT (8080), data in $GATEWAY_DATA_DIR (./data).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(
            names = "--fixtures",
            paramLabel = "FILE",
            description = "Fixtures file (YAML or JSON) loaded at start; sets gateway.fixtures ($GATEWAY_FIXTURES)."
                    + " docs/fixtures.md.")
    Path fixtures;

    @Override
    public Integer call() throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        GatewayConfig cfg = fixtures == null ? config.load() : config.load().withFixtures(fixtures);
        GatewayServer server = GatewayServer.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "gateway-shutdown"));
        stopped.await();
        return 0;
    }
}
