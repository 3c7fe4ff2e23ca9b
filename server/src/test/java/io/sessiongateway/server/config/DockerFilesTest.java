package io.sessiongateway.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sessiongateway.generated.health.api.HealthApi;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docker/Dockerfile} and {@code docker/compose.yaml} true to the product: the variables they set are
 * configuration the gateway reads, the jar they copy is the one the build makes, the health check asks the real
 * liveness path on the real default port, and compose waits longer than the shutdown grace before killing.
 */
class DockerFilesTest {
    private static final java.nio.file.Path ROOT = java.nio.file.Path.of("..");
    private static final Pattern GATEWAY_VAR = Pattern.compile("\\bGATEWAY_[A-Z0-9_]+\\b");
    /** ${NAME}, ${NAME:-default}, ${NAME:?message} as compose interpolates them. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+)(?:(:-|:\\?)([^}]*))?}");

    private final String dockerfile = read("docker/Dockerfile");
    private final JsonNode compose = yaml(read("docker/compose.yaml"));

    @Test
    void everyGatewayVariableIsConfigurationTheGatewayReads() {
        Set<String> named = new TreeSet<>();
        named.addAll(gatewayVariables(dockerfile));
        named.addAll(gatewayVariables(read("docker/compose.yaml")));
        assertTrue(named.contains("GATEWAY_DB_URL"), "the files name no GATEWAY_* variable: " + named);

        Set<String> known = knownVariables();
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(known);
        assertEquals(Set.of(), unknown, "not read by the gateway (reference.conf, GATEWAY_CONFIG, logback.xml)");
    }

    @Test
    void composeEnvironmentIsAValidConfiguration() {
        Map<String, String> env =
                interpolated(compose.path("services").path("gateway").path("environment"));
        env.put("GATEWAY_JWT_SECRET", "0123456789abcdef0123456789abcdef"); // required by compose, no default
        GatewayConfig config = GatewayConfig.load(null, env);
        assertEquals("jdbc:postgresql://postgres:5432/gateway", config.db().url());
        assertEquals(env.get("GATEWAY_DB_USER"), config.db().user());
        assertEquals(
                compose.path("services")
                        .path("postgres")
                        .path("environment")
                        .path("POSTGRES_USER")
                        .asText(),
                config.db().user());
        assertEquals("gateway", config.db().url().substring(config.db().url().lastIndexOf('/') + 1));
        assertEquals(
                compose.path("services")
                        .path("postgres")
                        .path("environment")
                        .path("POSTGRES_DB")
                        .asText(),
                "gateway");

        // The gateway waits for the database to be healthy, which needs a health check on it.
        assertEquals(
                "service_healthy",
                compose.path("services")
                        .path("gateway")
                        .path("depends_on")
                        .path("postgres")
                        .path("condition")
                        .asText());
        assertFalse(compose.path("services")
                .path("postgres")
                .path("healthcheck")
                .path("test")
                .isMissingNode());
        assertEquals(
                "postgres:15",
                interpolate(
                        compose.path("services").path("postgres").path("image").asText()),
                "the official image unless POSTGRES_IMAGE names another (CI: docker/ci/postgres.Dockerfile)");
        assertTrue(compose.path("volumes").has("pgdata"), "named volume for the database");

        // Docker sends SIGKILL after stop_grace_period: it must leave the gateway its whole shutdown grace.
        Duration stopGrace = duration(compose.path("services")
                .path("gateway")
                .path("stop_grace_period")
                .asText());
        assertTrue(
                stopGrace.compareTo(config.http().shutdownGrace().plusSeconds(5)) >= 0,
                "stop_grace_period " + stopGrace + " must exceed the shutdown grace "
                        + config.http().shutdownGrace());

        // The published port maps to the port the gateway listens on in the container.
        Map<String, String> imageEnv = dockerfileEnv();
        String port = imageEnv.getOrDefault(
                "GATEWAY_PORT",
                String.valueOf(GatewayConfig.load(null, Map.of()).http().port()));
        String mapping =
                compose.path("services").path("gateway").path("ports").get(0).asText();
        assertTrue(mapping.endsWith(":" + port), mapping + " must map to the container port " + port);
        assertTrue(mapping.startsWith("127.0.0.1:"), mapping + " must publish on the loopback interface only");
        assertEquals(
                "docker/Dockerfile",
                compose.path("services")
                        .path("gateway")
                        .path("build")
                        .path("dockerfile")
                        .asText());
        assertEquals(
                "..",
                compose.path("services")
                        .path("gateway")
                        .path("build")
                        .path("context")
                        .asText());
    }

    @Test
    void imageRunsTheShadedJarOnTheDefaultPortAndChecksTheLivenessPath() throws Exception {
        String pom = read("server/pom.xml");
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertTrue(finalName.find(), "server/pom.xml names the shaded jar");
        String jar = finalName.group(1) + ".jar";

        Matcher copy = Pattern.compile("COPY --from=build /src/server/target/(\\S+) (\\S+)")
                .matcher(dockerfile);
        assertTrue(copy.find(), "the runtime stage copies the jar from the build stage");
        assertEquals(jar, copy.group(1));
        String installed = copy.group(2);

        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertTrue(entrypoint.find(), "exec-form ENTRYPOINT");
        List<String> argv = List.of(new ObjectMapper().readValue(entrypoint.group(1), String[].class));
        assertEquals("java", argv.get(0));
        assertEquals(installed, argv.get(argv.indexOf("-jar") + 1));
        assertTrue(dockerfile.contains("CMD [\"serve\"]"), "the default command is serve");
        assertTrue(dockerfile.contains("mvn -B -ntp -DskipTests package"), "the build stage runs the package build");

        int defaultPort = GatewayConfig.load(null, Map.of()).http().port();
        Map<String, String> imageEnv = dockerfileEnv();
        assertEquals(String.valueOf(defaultPort), imageEnv.get("GATEWAY_PORT"));
        Matcher expose = Pattern.compile("(?m)^EXPOSE (\\d+)$").matcher(dockerfile);
        assertTrue(expose.find());
        assertEquals(defaultPort, Integer.parseInt(expose.group(1)));

        String live = HealthApi.class.getAnnotation(Path.class).value()
                + HealthApi.class
                        .getMethod("getLiveness")
                        .getAnnotation(Path.class)
                        .value();
        Matcher healthcheck =
                Pattern.compile("(?s)HEALTHCHECK .*?CMD ([^\\n]+)").matcher(dockerfile);
        assertTrue(healthcheck.find());
        assertTrue(
                healthcheck.group(1).contains("http://127.0.0.1:${GATEWAY_PORT}" + live + "\""),
                healthcheck.group(1) + " must ask " + live);

        Matcher user = Pattern.compile("(?m)^USER (\\d+)(:\\d+)?$").matcher(dockerfile);
        assertTrue(user.find(), "runs as a fixed numeric uid");
        assertFalse(user.group(1).equals("0"), "not as root");
        assertEquals("/data", imageEnv.get("GATEWAY_DATA_DIR"));
        assertTrue(dockerfile.contains("VOLUME [\"/data\"]"));
    }

    @Test
    void baseImagesAreBuildArgumentsWithThePublicImagesAsDefaults() {
        Map<String, String> args = new LinkedHashMap<>();
        Matcher arg = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(dockerfile);
        while (arg.find()) {
            args.put(arg.group(1), arg.group(2));
        }
        assertEquals("maven:3.9-eclipse-temurin-17", args.get("BUILD_IMAGE"));
        assertEquals("eclipse-temurin:17-jre", args.get("RUNTIME_IMAGE"), "a JRE at run time, not a JDK");
        List<String> from = Pattern.compile("(?m)^FROM (.+)$")
                .matcher(dockerfile)
                .results()
                .map(m -> m.group(1).strip())
                .toList();
        assertEquals(List.of("${BUILD_IMAGE} AS build", "${RUNTIME_IMAGE}"), from);
        // A plain Debian base gets the JDK and Maven, or the headless JRE, from its own packages.
        assertTrue(
                dockerfile.contains("openjdk-17-jdk-headless maven"), "JDK and Maven when the build base lacks them");
        assertTrue(dockerfile.contains("openjdk-17-jre-headless"), "a JRE when the runtime base has no java");
        String runtimeStage = dockerfile.substring(dockerfile.indexOf("FROM ${RUNTIME_IMAGE}"));
        assertFalse(runtimeStage.contains("-jdk"), "no JDK in the runtime stage");
    }

    @Test
    void ciPostgresImageTakesTheVariablesComposeSets() {
        String entrypoint = read("docker/ci/postgres-entrypoint.sh");
        String ciDockerfile = read("docker/ci/postgres.Dockerfile");
        JsonNode postgres = compose.path("services").path("postgres");
        for (Iterator<String> it = postgres.path("environment").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertTrue(entrypoint.contains("${" + name), "docker/ci/postgres-entrypoint.sh reads " + name);
        }
        String volume = postgres.path("volumes").get(0).asText();
        String dataDir = volume.substring(volume.indexOf(':') + 1);
        assertTrue(ciDockerfile.contains("PGDATA=" + dataDir), "the stand-in keeps its data in " + dataDir);
        assertTrue(ciDockerfile.contains("VOLUME [\"" + dataDir + "\"]"));
        // The health check's pg_isready must be on the PATH of the stand-in.
        assertTrue(postgres.path("healthcheck").path("test").toString().contains("pg_isready"));
        assertTrue(ciDockerfile.contains("ENV PATH=/usr/lib/postgresql/15/bin:$PATH"));
        assertTrue(ciDockerfile.contains("postgresql-15"), "the same major version as postgres:15");
    }

    @Test
    void dockerignoreKeepsBuildOutputAndGitOutButNotWhatTheBuildNeeds() {
        List<String> ignored = read(".dockerignore")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertTrue(ignored.contains("**/target/"));
        assertTrue(ignored.contains(".git/"));
        Matcher copied = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile);
        int n = 0;
        while (copied.find()) {
            String source = copied.group(1);
            n++;
            assertTrue(Files.exists(ROOT.resolve(source)), "COPY " + source + " exists in the repository");
            for (String pattern : ignored) {
                String p = pattern.replaceAll("/$", "");
                assertFalse(source.equals(p) || source.startsWith(p + "/"), source + " is excluded by " + pattern);
            }
        }
        assertTrue(n >= 5, "the build copies the POMs, specs and sources");
    }

    /** Every environment variable the gateway reads. */
    private static Set<String> knownVariables() {
        Set<String> known =
                new LinkedHashSet<>(GatewayConfig.environmentVariables().keySet());
        known.add("GATEWAY_CONFIG");
        try (InputStream in = DockerFilesTest.class.getClassLoader().getResourceAsStream("logback.xml")) {
            assertNotNull(in, "logback.xml");
            String logback = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\\$\\{(GATEWAY_[A-Z0-9_]+)").matcher(logback);
            while (m.find()) {
                known.add(m.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return known;
    }

    private static Set<String> gatewayVariables(String text) {
        Set<String> vars = new TreeSet<>();
        Matcher m = GATEWAY_VAR.matcher(
                text.lines().filter(l -> !l.strip().startsWith("#")).reduce("", (a, b) -> a + "\n" + b));
        while (m.find()) {
            vars.add(m.group());
        }
        // A variable only interpolated by compose on the host (${GATEWAY_HOST_PORT:-8080}) is not the gateway's.
        vars.removeIf(v -> v.equals("GATEWAY_HOST_PORT"));
        return vars;
    }

    /** The ENV instructions of the Dockerfile, continuation lines joined. */
    private Map<String, String> dockerfileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(dockerfile);
        while (m.find()) {
            for (String pair : m.group(1).replace("\\\n", " ").trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** Compose's interpolation with nothing set on the host: defaults applied, required ones left out. */
    private static Map<String, String> interpolated(JsonNode environment) {
        Map<String, String> env = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = environment.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Matcher m = INTERPOLATION.matcher(e.getValue().asText());
            StringBuilder value = new StringBuilder();
            boolean required = false;
            while (m.find()) {
                required |= ":?".equals(m.group(2));
                m.appendReplacement(value, Matcher.quoteReplacement(":-".equals(m.group(2)) ? m.group(3) : ""));
            }
            m.appendTail(value);
            if (!required) {
                env.put(e.getKey(), value.toString());
            }
        }
        return env;
    }

    /** One compose value with nothing set on the host: defaults applied. */
    private static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(":-".equals(m.group(2)) ? m.group(3) : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Duration duration(String compose) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(compose);
        assertTrue(m.matches(), "duration " + compose);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
