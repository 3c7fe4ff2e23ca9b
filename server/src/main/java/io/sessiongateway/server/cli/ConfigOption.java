package io.sessiongateway.server.cli;

import io.sessiongateway.server.config.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand shares. */
final class ConfigOption {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Configuration file (HOCON/JSON); default: $GATEWAY_CONFIG, else built-in defaults.")
    Path file;

    GatewayConfig load() {
        return GatewayConfig.load(file, System.getenv());
    }
}
