package io.sessiongateway.server.testing;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.Provisioning;
import io.sessiongateway.server.testing.spec.SpecCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Boots the real gateway (Grizzly on a free port, a fresh database: an H2 file in a temporary directory, or a
 * fresh PostgreSQL schema when the run's {@link TestDatabase} kind is PostgreSQL) once per test class, and hands
 * out rest-assured requests and typed clients ({@link #clients()}) whose every response is checked against the
 * spec documents.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static final GatewayHarness GATEWAY}) the running gateway is
 * kept in the outermost class's {@link ExtensionContext.Store}: nested classes find it there instead of starting
 * another, and JUnit closes it when that class is done. Outside Jupiter (jqwik containers, a gateway per test)
 * call {@link #open()} and {@link #close()}, or use try-with-resources.
 */
public final class GatewayHarness implements BeforeAllCallback, AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GatewayHarness.class);
    public static final String SECRET = "integration-test-secret-0123456789abcdef";
    public static final String ISSUER = "session-gateway";
    private static final SpecValidator VALIDATOR = SpecValidator.of(SpecCatalog.shared());

    private final Map<String, String> env = new HashMap<>();
    private Path dataDir;
    private TestDatabase database;
    private GatewayServer server;
    private String baseUri;

    public GatewayHarness() {
        this(Map.of());
    }

    /**
     * With extra environment settings (GATEWAY_* keys) for the server's configuration. When they name a database
     * ({@code GATEWAY_DB_URL}), the harness uses it as given instead of a fresh one of its own.
     */
    public GatewayHarness(Map<String, String> extraEnv) {
        env.putAll(extraEnv);
    }

    /**
     * Starts the gateway unless an enclosing class's context already holds it; the store of the context that
     * started it closes it.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        this,
                        key -> {
                            try {
                                open();
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot start the gateway", e);
                            }
                            return this;
                        },
                        GatewayHarness.class);
    }

    /** Creates the data directory and the database, and starts the server; {@link #close()} undoes it. */
    public void open() throws IOException {
        dataDir = Files.createTempDirectory("gateway-it");
        database = env.containsKey("GATEWAY_DB_URL") ? null : TestDatabase.create();
        start();
    }

    /** Starts the server over the harness's data directory and database (again, after {@link #stop()}). */
    public void start() {
        Map<String, String> e = new HashMap<>(env);
        if (database != null) {
            e.putAll(database.env());
        }
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

    /**
     * Restarts the server with other settings (replacing those given at construction) over the same data
     * directory and database: what an operator does by editing the configuration.
     */
    public void reconfigure(Map<String, String> extraEnv) {
        stop();
        env.clear();
        env.putAll(extraEnv);
        start();
    }

    /** The settings that select this harness's database (empty for H2, which lives in the data directory). */
    public Map<String, String> databaseEnv() {
        return database == null ? Map.of() : database.env();
    }

    /** Stops the server, drops its database and deletes its data directory; a second call does nothing. */
    @Override
    public void close() throws IOException {
        stop();
        if (database != null) {
            database.close();
            database = null;
        }
        if (dataDir == null || !Files.exists(dataDir)) {
            return; // closed already
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
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

    /** The running server (for tests that ask it what it did, e.g. how many fast reads it served). */
    public GatewayServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A JDBC connection to the running gateway's database (the same H2 file, or its PostgreSQL schema). */
    public Connection connectDatabase() throws SQLException {
        Map<String, String> db = databaseEnv();
        String url = env.getOrDefault(
                "GATEWAY_DB_URL", db.getOrDefault("GATEWAY_DB_URL", DatabaseConfig.h2FileUrl(dataDir)));
        return DriverManager.getConnection(
                url,
                env.getOrDefault("GATEWAY_DB_USER", db.get("GATEWAY_DB_USER")),
                env.getOrDefault("GATEWAY_DB_PASSWORD", db.get("GATEWAY_DB_PASSWORD")));
    }

    /**
     * Every session row in the store, every tenant, as {@code id public_id status updated_at title}, ordered: equal
     * snapshots before and after a request mean it neither created nor changed a session.
     */
    public List<String> sessionSnapshot() {
        try (Connection c = connectDatabase();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, public_id, status, updated_at, title FROM session ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getString(5));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the gateway's sessions", e);
        }
    }

    /** The typed clients of this gateway, every dialect at its default mount. */
    public Clients clients() {
        return new Clients(dialect -> given());
    }

    /** The typed clients of this gateway with dialects mounted under prefixes (absent or empty: at the root). */
    public Clients clients(Map<String, String> prefixes) {
        return new Clients(
                dialect -> prefixes.getOrDefault(dialect, "").isEmpty() ? given() : under(prefixes.get(dialect)));
    }

    /** The typed clients of a gateway elsewhere (another instance, a child process) at {@code baseUri}. */
    public static Clients clientsAt(String baseUri) {
        return new Clients(dialect -> client(baseUri));
    }

    /** Tenants, teams, agents and keys, created through this gateway's admin API. */
    public Provisioning provisioning() {
        return clients().provisioning();
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

    /**
     * A request to a dialect the gateway mounts under {@code prefix}: paths are written as the vendor's document
     * writes them (the prefix is the client's base path), and responses are validated against that document.
     */
    public RequestSpecification under(String prefix) {
        return RestAssured.given(spec())
                .basePath(prefix)
                .filter(VALIDATOR.filter().under(prefix));
    }

    /** Like {@link #givenUndocumented} for a dialect mounted under {@code prefix}. */
    public RequestSpecification undocumentedUnder(String prefix, String document, String schema) {
        return RestAssured.given(spec())
                .basePath(prefix)
                .filter(VALIDATOR.filter().under(prefix).orElse(document, schema));
    }

    /**
     * A request whose response must match the named component schema whatever the path: for paths the gateway
     * is configured not to serve, whose answers are the gateway's own 404 even where a document declares the path.
     */
    public RequestSpecification givenOnly(String document, String schema) {
        return RestAssured.given(spec()).filter(VALIDATOR.filter().only(document, schema));
    }

    /** A spec-validated request to a gateway elsewhere (another instance, a child process) at {@code baseUri}. */
    public static RequestSpecification client(String baseUri) {
        return RestAssured.given(spec(baseUri)).filter(VALIDATOR.filter());
    }

    private RequestSpecification spec() {
        return spec(baseUri);
    }

    private static RequestSpecification spec(String baseUri) {
        return new RequestSpecBuilder()
                .setBaseUri(baseUri)
                .setConfig(RestAssuredConfig.config()
                        .encoderConfig(EncoderConfig.encoderConfig()
                                .appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .build();
    }

    /** A token signed with the harness secret. */
    public static String token(String tenant, String subject) {
        return token(tenant, subject, "user", null, false, Duration.ofHours(1));
    }

    public static String token(String tenant, String subject, String type, String slug, boolean admin, Duration ttl) {
        return new TokenMinter(SECRET.getBytes(StandardCharsets.UTF_8), ISSUER)
                .mint(new TokenMinter.Grant(tenant, subject, type, slug, List.of(), null, admin, ttl), Instant.now());
    }

    public static String adminToken(String tenant) {
        return token(tenant, "admin-" + tenant, "serviceaccount", null, true, Duration.ofHours(1));
    }

    /** A tenant name no other test uses. */
    public static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A token with every claim the four dialects use. */
    public static String fullToken(String tenant, String subject, UUID account, List<String> teams) {
        return new TokenMinter(SECRET.getBytes(StandardCharsets.UTF_8), ISSUER)
                .mint(
                        new TokenMinter.Grant(
                                tenant, subject, "user", null, teams, account, false, Duration.ofHours(1)),
                        Instant.now());
    }
}
