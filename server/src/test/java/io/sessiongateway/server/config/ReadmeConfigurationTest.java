package io.sessiongateway.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.sessiongateway.server.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's configuration tables ("Configuration" and "Tokens and keys") stay true: each variable they list,
 * set to a valid value, changes the key named beside it and the setting the gateway reads from it; every variable
 * {@code reference.conf} binds is listed.
 */
class ReadmeConfigurationTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern VARIABLE = Pattern.compile("GATEWAY_[A-Z0-9_<>]+");
    /** A key or the tail of one ({@code gateway.auth.issuer}, {@code subject}). */
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9<>-]+)*");
    /** Values the type of the default cannot tell (a URL, a path, a prefix, an algorithm). */
    private static final Map<String, String> VALID = Map.of(
            "gateway.auth.jwks-url", "https://idp.example.com/.well-known/jwks.json",
            "gateway.auth.algorithms", "HS384,HS256",
            "gateway.metrics.path", "/prometheus");

    @TempDir
    Path dir;

    @Test
    void everyVariableTheReadmeListsSetsTheKeyBesideIt() {
        GatewayConfig defaults = GatewayConfig.load(null, Map.of());
        Config raw = ConfigLayers.load(null, Map.of());
        Map<String, String> bound = GatewayConfig.environmentVariables();
        int checked = 0;
        for (Row row : rows()) {
            if (row.keys().isEmpty()) {
                continue;
            }
            for (String variable : row.variables()) {
                String key = bound.get(variable);
                assertNotNull(key, variable + " is listed in the README but reference.conf binds no key to it");
                assertTrue(row.keys().contains(key), variable + " sets " + key + ", not " + row.keys());
                if (key.endsWith(".version")) {
                    // Only one version exists yet: the variable is read, and refuses any other.
                    assertEquals(
                            "seed",
                            ConfigLayers.load(null, Map.of(variable, "seed")).getString(key));
                    assertTrue(
                            assertThrows(
                                            IllegalArgumentException.class,
                                            () -> Dialects.checkVersions(
                                                    GatewayConfig.load(null, Map.of(variable, "v0"))))
                                    .getMessage()
                                    .contains(key.substring("gateway.".length())),
                            variable);
                } else {
                    String value = validValue(key, raw.getValue(key));
                    Map<String, String> env = Map.of(variable, value);
                    assertNotEquals(
                            raw.getValue(key).unwrapped(),
                            ConfigLayers.load(null, env).getValue(key).unwrapped(),
                            variable + "=" + value + " leaves " + key + " unchanged");
                    assertNotEquals(
                            defaults,
                            GatewayConfig.load(null, env),
                            variable + "=" + value + " changes no setting the gateway reads");
                }
                checked++;
            }
        }
        assertTrue(checked >= bound.size(), "checked " + checked + " of " + bound.size());
    }

    @Test
    void everyVariableReferenceConfBindsIsInTheReadme() {
        Set<String> listed = new TreeSet<>();
        rows().forEach(r -> listed.addAll(r.variables()));
        Set<String> missing = new TreeSet<>(GatewayConfig.environmentVariables().keySet());
        missing.removeAll(listed);
        assertEquals(Set.of(), missing, "bound in reference.conf, missing from the README's tables");
    }

    @Test
    void theVariablesWithoutAKeyNameTheFileAndTheLogs() throws Exception {
        Path file = dir.resolve("gateway.conf");
        Files.writeString(file, "gateway.port = 9123");
        Set<String> checked = new TreeSet<>();
        for (Row row : rows()) {
            if (!row.keys().isEmpty()) {
                continue;
            }
            for (String variable : row.variables()) {
                switch (variable) {
                    case "GATEWAY_CONFIG" ->
                        assertEquals(
                                9123,
                                GatewayConfig.load(null, Map.of(variable, file.toString()))
                                        .http()
                                        .port());
                    case "GATEWAY_LOG_LEVEL" -> {
                        assertEquals(Level.DEBUG, level(logback(variable, "DEBUG")));
                        assertEquals(Level.WARN, level(logback(variable, "WARN")));
                    }
                    case "GATEWAY_LOG_FORMAT" -> {
                        assertInstanceOf(LogstashEncoder.class, encoder(logback(variable, "json")));
                        assertFalse(encoder(logback(variable, "plain")) instanceof LogstashEncoder);
                    }
                    default -> fail(variable + " is listed without a key, and this test does not know it");
                }
                checked.add(variable);
            }
        }
        assertEquals(Set.of("GATEWAY_CONFIG", "GATEWAY_LOG_LEVEL", "GATEWAY_LOG_FORMAT"), checked);
    }

    @Test
    void theDocsTablesNameTheKeyEachVariableSets() throws IOException {
        Map<String, String> bound = GatewayConfig.environmentVariables();
        int checked = 0;
        try (Stream<Path> files = Files.list(Path.of("..", "docs"))) {
            for (Path doc :
                    files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                for (String line : Files.readAllLines(doc)) {
                    String[] cells = line.split("\\|");
                    if (!line.startsWith("|") || cells.length < 3) {
                        continue;
                    }
                    List<String> keys = codes(cells[1]).stream()
                            .filter(k -> KEY.matcher(k).matches())
                            .toList();
                    for (String variable : codes(cells[2])) {
                        if (!bound.containsKey(variable) || keys.isEmpty()) {
                            continue;
                        }
                        String key = bound.get(variable);
                        // A table of one group may name keys relative to it (claims: `subject`).
                        assertTrue(
                                keys.stream().anyMatch(k -> key.equals(k) || key.endsWith("." + k)),
                                doc.getFileName() + ": " + variable + " sets " + key + ", not " + keys);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 10, "docs rows checked: " + checked);
    }

    /**
     * A value for the key other than its default and valid for the gateway: from {@link #VALID}, else from the
     * default's type.
     */
    private static String validValue(String key, ConfigValue defaultValue) {
        if (VALID.containsKey(key)) {
            return VALID.get(key);
        }
        if (key.endsWith(".prefix")) {
            return "/p";
        }
        Object d = defaultValue.unwrapped();
        return switch (defaultValue.valueType()) {
            case BOOLEAN -> String.valueOf(!(Boolean) d);
            case NUMBER -> String.valueOf(((Number) d).longValue() + 1);
            case LIST -> "first,second";
            case STRING -> ((String) d).matches("\\d+(ms|s|m)") ? doubled((String) d) : "changed-" + d;
            default -> throw new IllegalStateException(key + " has a default of type " + defaultValue.valueType());
        };
    }

    private static String doubled(String duration) {
        Matcher m = Pattern.compile("(\\d+)(\\D+)").matcher(duration);
        assertTrue(m.matches());
        return Long.parseLong(m.group(1)) * 2 + m.group(2);
    }

    /** One row of a configuration table: the keys it names and the variables beside them. */
    private record Row(List<String> keys, List<String> variables) {}

    /**
     * The rows of the two tables, {@code <name>} / {@code <NAME>} expanded to each dialect that has the key.
     */
    private static List<Row> rows() {
        String readme;
        try {
            readme = Files.readString(README);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> dialects = GatewayConfig.load(null, Map.of()).dialects().keySet();
        Map<String, String> bound = GatewayConfig.environmentVariables();
        List<Row> rows = new ArrayList<>();
        for (String section : List.of("## Configuration\n", "## Tokens and keys\n")) {
            int start = readme.indexOf(section);
            assertTrue(start >= 0, "README section " + section.strip());
            int end = readme.indexOf("\n## ", start + 1);
            List<String> lines = readme.substring(start, end < 0 ? readme.length() : end)
                    .lines()
                    .filter(l -> l.startsWith("| ") && l.contains("GATEWAY_"))
                    .toList();
            assertFalse(lines.isEmpty(), "no configuration table in " + section.strip());
            for (String line : lines) {
                String[] cells = line.split("\\|");
                String keyCell = cells[1];
                String envCell = cells[2];
                assertFalse(envCell.contains("…"), "write variables out in full: " + envCell);
                List<String> keys = codes(keyCell).stream()
                        .filter(k -> k.startsWith("gateway."))
                        .toList();
                List<String> variables = codes(envCell).stream()
                        .filter(v -> VARIABLE.matcher(v).matches())
                        .toList();
                assertFalse(variables.isEmpty(), "no variable in " + line);
                if (keys.stream().anyMatch(k -> k.contains("<name>"))) {
                    boolean found = false;
                    for (String dialect : dialects) {
                        List<String> vs = variables.stream()
                                .map(v -> v.replace("<NAME>", dialect.toUpperCase(Locale.ROOT)))
                                .filter(bound::containsKey)
                                .toList();
                        if (!vs.isEmpty()) {
                            rows.add(new Row(
                                    keys.stream()
                                            .map(k -> k.replace("<name>", dialect))
                                            .toList(),
                                    vs));
                            found = true;
                        }
                    }
                    assertTrue(found, "no dialect has " + variables);
                } else {
                    rows.add(new Row(keys, variables));
                }
            }
        }
        return rows;
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    /** A logger context configured by the production logback.xml with one variable set (as a context property). */
    private static LoggerContext logback(String variable, String value) {
        LoggerContext context = new LoggerContext();
        context.putProperty(variable, value);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(ReadmeConfigurationTest.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    private static Level level(LoggerContext context) {
        try {
            return context.getLogger("io.sessiongateway").getLevel();
        } finally {
            context.stop();
        }
    }

    private static Object encoder(LoggerContext context) {
        try {
            return ((ConsoleAppender<?>)
                            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE"))
                    .getEncoder();
        } finally {
            context.stop();
        }
    }
}
