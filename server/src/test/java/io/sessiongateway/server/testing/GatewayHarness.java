package io.sessiongateway.server.testing;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Boots the real gateway (Grizzly on a free port, a fresh H2 file database in a temporary directory) once per test
 * class, and hands out rest-assured requests whose every response is checked against the spec documents.
 */
public final class GatewayHarness implements BeforeAllCallback, AfterAllCallback {
    public static final String SECRET = "integration-test-secret-0123456789abcdef";
    public static final String ISSUER = "session-gateway";
    private static final SpecValidator VALIDATOR = SpecValidator.load(Path.of("..", "specs"));

    private final Map<String, String> env = new HashMap<>();
    private Path dataDir;
    private GatewayServer server;
    private String baseUri;

    public GatewayHarness() {
        this(Map.of());
    }

    /** With extra environment settings (GATEWAY_* keys) for the server's configuration. */
    public GatewayHarness(Map<String, String> extraEnv) {
        env.putAll(extraEnv);
    }

    /** Nested test classes inherit the extension: the server lives as long as the outermost class. */
    private int depth;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (depth++ > 0) {
            return;
        }
        dataDir = Files.createTempDirectory("gateway-it");
        start();
    }

    /** Starts the server over the harness's data directory (again, after {@link #stop()}). */
    public void start() {
        Map<String, String> e = new HashMap<>(env);
        e.put("GATEWAY_DATA_DIR", dataDir.toString());
        e.put("GATEWAY_JWT_SECRET", SECRET);
        e.put("GATEWAY_BIND", "127.0.0.1");
        e.put("GATEWAY_PORT", "0");
        server = GatewayServer.start(GatewayConfig.load(null, e));
        baseUri = "http://127.0.0.1:" + server.port();
    }

    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (--depth > 0) {
            return;
        }
        stop();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }

    public String baseUri() {
        return baseUri;
    }

    public Path dataDir() {
        return dataDir;
    }

    public static SpecValidator validator() {
        return VALIDATOR;
    }

    /** A request to the gateway; every response is validated against the document that declares it. */
    public RequestSpecification given() {
        return RestAssured.given(spec()).filter(VALIDATOR.filter());
    }

    /**
     * A request whose response may fall outside every documented operation or status (unknown routes, 405, 415):
     * its body must then match the named component schema of the named document.
     */
    public RequestSpecification givenUndocumented(String document, String schema) {
        return RestAssured.given(spec()).filter(VALIDATOR.filter().orElse(document, schema));
    }

    private RequestSpecification spec() {
        return new RequestSpecBuilder()
                .setBaseUri(baseUri)
                .setConfig(RestAssuredConfig.config().encoderConfig(
                        EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .build();
    }

    /** A token signed with the harness secret. */
    public static String token(String tenant, String subject) {
        return token(tenant, subject, "user", null, false, Duration.ofHours(1));
    }

    public static String token(String tenant, String subject, String type, String slug, boolean admin, Duration ttl) {
        return new TokenMinter(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), ISSUER)
                .mint(new TokenMinter.Grant(tenant, subject, type, slug, List.of(), null, admin, ttl), Instant.now());
    }

    public static String adminToken(String tenant) {
        return token(tenant, "admin-" + tenant, "serviceaccount", null, true, Duration.ofHours(1));
    }

    /** A tenant name no other test uses. */
    public static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Creates an API key through the admin API; returns {key: {...}, secret}. */
    public Map<String, Object> createKey(String tenant, String dialect, String subject, UUID account,
            List<String> teams) {
        Map<String, Object> body = new HashMap<>();
        body.put("dialect", dialect);
        body.put("name", dialect + "-" + subject);
        body.put("subject_id", subject);
        body.put("account", account == null ? null : account.toString());
        body.put("teams", teams);
        return given()
                .header("Authorization", "Bearer " + adminToken(tenant))
                .contentType("application/json")
                .body(body)
                .post("/admin/v1/tenants/{tenant}/api-keys", tenant)
                .then().statusCode(201)
                .extract().jsonPath().getMap("");
    }

    /** A token with every claim the four dialects use. */
    public static String fullToken(String tenant, String subject, UUID account, List<String> teams) {
        return new TokenMinter(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), ISSUER)
                .mint(new TokenMinter.Grant(tenant, subject, "user", null, teams, account, false,
                        Duration.ofHours(1)), Instant.now());
    }

    /** Creates an agent through the admin API (itself validated) and returns its JSON as a map. */
    public Map<String, Object> createAgent(String tenant, String name, List<String> managers, boolean restricted) {
        return given()
                .header("Authorization", "Bearer " + adminToken(tenant))
                .contentType("application/json")
                .body(Map.of("name", name, "managers", managers, "restricted", restricted))
                .post("/admin/v1/tenants/{tenant}/agents", tenant)
                .then().statusCode(201)
                .extract().jsonPath().getMap("");
    }
}
