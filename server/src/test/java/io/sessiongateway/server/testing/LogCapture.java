package io.sessiongateway.server.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.logging.LogManager;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Everything the gateway logs, under the production {@code logback.xml}, captured from standard error (where its
 * console appender writes), as {@code LogsIT} does it. {@link #start} before the server starts so that its start-up
 * lines are captured; {@link #stop} restores the test configuration.
 */
public final class LogCapture {
    private static final PrintStream ORIGINAL_ERR = System.err;
    private static ByteArrayOutputStream captured;

    private LogCapture() {}

    /** Captures from now on, with the given format ({@code json} or {@code plain}) and level for our loggers. */
    public static synchronized void start(String format, String level) {
        captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.setProperty("GATEWAY_LOG_FORMAT", format);
        System.setProperty("GATEWAY_LOG_LEVEL", level);
        configure("/logback.xml");
    }

    /** Reloads the production configuration with another format, keeping what was captured so far. */
    public static synchronized void reformat(String format) {
        System.setProperty("GATEWAY_LOG_FORMAT", format);
        configure("/logback.xml");
    }

    public static synchronized String captured() {
        return captured == null ? "" : captured.toString(StandardCharsets.UTF_8);
    }

    /** The captured lines that contain any of the strings (the evidence of a leak). */
    public static List<String> linesContainingAny(Collection<String> secrets) {
        return captured()
                .lines()
                .filter(l -> secrets.stream().anyMatch(l::contains))
                .toList();
    }

    public static synchronized void stop() {
        System.clearProperty("GATEWAY_LOG_FORMAT");
        System.clearProperty("GATEWAY_LOG_LEVEL");
        try {
            configure("/logback-test.xml");
        } finally {
            System.setErr(ORIGINAL_ERR);
            SLF4JBridgeHandler.uninstall();
        }
        try {
            LogManager.getLogManager().readConfiguration();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void configure(String resource) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogCapture.class.getResource(resource));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
    }
}
