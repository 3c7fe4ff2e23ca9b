package io.sessiongateway.junit5;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.sessiongateway.server.GatewayServer;
import io.sessiongateway.server.auth.TokenMinter;
import io.sessiongateway.server.config.DialectSettings;
import io.sessiongateway.server.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs the Session Gateway inside the test's JVM: on a free port of the loopback interface, over a store of its own
 * (in-memory H2 by default, an H2 file in a temporary directory, or a JDBC URL), with a random JWT secret it mints
 * tokens with.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SessionGatewayExtension gateway = SessionGatewayExtension.builder()
 *         .fixtures("gateway-fixtures.yaml")   // a classpath resource or a file
 *         .resetBetweenTests(true)
 *         .build();
 *
 * @Test
 * void createsASession() {
 *     String everruns = gateway.baseUrl("everruns");              // http://127.0.0.1:PORT
 *     String bearer = "Bearer " + gateway.token("acme", "alice"); // signed with the gateway's secret
 *     ...
 * }
 * }</pre>
 *
 * <p>The gateway starts before the first test of the class that registers the extension (nested classes share it)
 * and stops after its last one, taking its store and temporary files with it. Outside JUnit, {@link #start()} and
 * {@link #close()} do the same.
 *
 * <p>The configuration is the gateway's own ({@code reference.conf}) with only the keys the builder sets changed;
 * the process environment ({@code GATEWAY_*}) is not read, so a test behaves the same on every machine.
 */
public final class SessionGatewayExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver, AutoCloseable {
    /** Every dialect the gateway serves, the admin API last. */
    public static final List<String> DIALECTS = List.of("truefoundry", "everruns", "agentcloud", "recoup", "admin");

    private final Map<String, Object> properties;
    private final Store store;
    private final Path h2Directory;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final String fixtures;
    private final boolean resetBetweenTests;

    private Path workDir;
    private String h2MemoryUrl;
    private GatewayConfig config;
    private GatewayServer server;
    private TokenMinter minter;
    private AdminApi admin;
    private String startedBy;

    /** Where the gateway keeps its data. */
    enum Store {
        MEMORY,
        H2_DIRECTORY,
        JDBC
    }

    private SessionGatewayExtension(Builder b) {
        this.properties = new LinkedHashMap<>(b.properties);
        this.store = b.store;
        this.h2Directory = b.h2Directory;
        this.jdbcUrl = b.jdbcUrl;
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.fixtures = b.fixtures;
        this.resetBetweenTests = b.resetBetweenTests;
    }

    /** A builder with the defaults: in-memory H2, every dialect at its default mount, no fixtures. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server == null) {
            start();
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedBy)) {
            close();
        }
    }

    /**
     * Resets when asked to. Registered on an instance field (no {@code beforeAll} then), starts a gateway for this
     * test alone, stopped when the test is done.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            start();
            context.getStore(ExtensionContext.Namespace.create(SessionGatewayExtension.class, this))
                    .put("gateway", (ExtensionContext.Store.CloseableResource) this::close);
            return;
        }
        if (resetBetweenTests) {
            reset();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == SessionGatewayExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        if (server == null) {
            throw new ParameterResolutionException("the Session Gateway is not running");
        }
        return this;
    }

    /**
     * Starts the gateway: a temporary directory (data, configuration, fixtures copied from the classpath), the
     * store, then the server on a free port. Throws when it is running already.
     */
    public synchronized SessionGatewayExtension start() {
        if (server != null) {
            throw new IllegalStateException("the Session Gateway is running already on port " + server.port());
        }
        try {
            workDir = Files.createTempDirectory("session-gateway-junit");
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("gateway.bind", "127.0.0.1");
            settings.put("gateway.port", 0);
            settings.put("gateway.data-dir", workDir.resolve("data").toString());
            settings.put("gateway.auth.jwt-secret", randomSecret());
            switch (store) {
                case MEMORY -> {
                    h2MemoryUrl = "jdbc:h2:mem:gateway-" + UUID.randomUUID()
                            + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
                    settings.put("gateway.db.url", h2MemoryUrl);
                }
                case H2_DIRECTORY ->
                    settings.put(
                            "gateway.data-dir",
                            (h2Directory != null ? h2Directory : workDir.resolve("data")).toString());
                case JDBC -> {
                    settings.put("gateway.db.url", jdbcUrl);
                    settings.put("gateway.db.user", Objects.requireNonNullElse(jdbcUser, ""));
                    settings.put("gateway.db.password", Objects.requireNonNullElse(jdbcPassword, ""));
                }
            }
            if (fixtures != null) {
                settings.put("gateway.fixtures", fixturesFile().toString());
                settings.put("gateway.testing.enabled", true);
            }
            if (resetBetweenTests) {
                settings.put("gateway.testing.enabled", true);
            }
            settings.putAll(properties);
            Path file = workDir.resolve("gateway.conf");
            Files.writeString(
                    file,
                    ConfigFactory.parseMap(settings).root().render(ConfigRenderOptions.concise()),
                    StandardCharsets.UTF_8);
            config = GatewayConfig.load(file, Map.of());
            server = GatewayServer.start(config);
            minter = TokenMinter.forConfig(config);
            admin = new AdminApi(this);
            return this;
        } catch (IOException e) {
            cleanUp();
            throw new UncheckedIOException("cannot prepare the Session Gateway's directory", e);
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    /** Stops the gateway and deletes its store (unless a JDBC URL or an H2 directory was given) and temporary files. */
    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            startedBy = null;
            cleanUp();
        }
    }

    private void cleanUp() {
        if (h2MemoryUrl != null) {
            // DB_CLOSE_DELAY=-1 keeps the database while the pool renews connections; drop it now.
            try (Connection c = DriverManager.getConnection(h2MemoryUrl);
                    Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // already gone
            }
            h2MemoryUrl = null;
        }
        if (workDir != null) {
            deleteTree(workDir);
            workDir = null;
        }
    }

    /** Whether the gateway is running. */
    public boolean isRunning() {
        return server != null;
    }

    // ---- where it is ----------------------------------------------------------------------------------------

    /** The port the gateway listens on. */
    public int port() {
        return running().port();
    }

    /** The gateway's root, {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * The base URL a client of a dialect is given: the root plus the dialect's configured prefix
     * ({@code gateway.dialects.<name>.prefix}). Throws when the dialect is not served.
     *
     * @param dialect {@code truefoundry}, {@code everruns}, {@code agentcloud}, {@code recoup} or {@code admin}
     */
    public String baseUrl(String dialect) {
        running();
        DialectSettings settings = config.dialects().get(dialect);
        if (settings == null) {
            throw new IllegalArgumentException("no such dialect: " + dialect + "; the gateway has " + DIALECTS);
        }
        if (!settings.enabled()) {
            throw new IllegalStateException("the " + dialect + " dialect is not enabled");
        }
        return baseUrl() + settings.prefix();
    }

    public String trueFoundryUrl() {
        return baseUrl("truefoundry");
    }

    public String everrunsUrl() {
        return baseUrl("everruns");
    }

    public String agentcloudUrl() {
        return baseUrl("agentcloud");
    }

    public String recoupUrl() {
        return baseUrl("recoup");
    }

    /** The admin API's base URL (its paths start with {@code /admin/v1}). */
    public String adminUrl() {
        return baseUrl("admin");
    }

    /** The configuration the gateway runs with. */
    public GatewayConfig config() {
        running();
        return config;
    }

    // ---- credentials ----------------------------------------------------------------------------------------

    /** A token builder: claims for a tenant and subject, then {@link TokenBuilder#mint()}. */
    public TokenBuilder token() {
        running();
        return new TokenBuilder();
    }

    /** A one-hour user token of a tenant's member: enough for TrueFoundry and Everruns. */
    public String token(String tenant, String subject) {
        return token().tenant(tenant).subject(subject).mint();
    }

    /** A one-hour token of a tenant's administrator (the admin role), for the admin API. */
    public String adminToken(String tenant) {
        return token().tenant(tenant)
                .subject("admin-" + tenant)
                .subjectType("serviceaccount")
                .admin()
                .mint();
    }

    /** A one-hour operator token (the admin role for every tenant): the testing endpoints need one. */
    public String operatorToken() {
        return adminToken("*");
    }

    // ---- provisioning, through the admin API ---------------------------------------------------------------

    /** Creates an agent in the tenant's default team (the tenant is created on first use). */
    public Agent createAgent(String tenant, String name) {
        return createAgent(tenant, Map.of("name", name));
    }

    /**
     * Creates an agent from a whole {@code CreateAgentRequest} body ({@code name}, {@code managers},
     * {@code restricted}, {@code team}).
     */
    public Agent createAgent(String tenant, Map<String, ?> body) {
        return Agent.of(admin().post("/admin/v1/tenants/" + tenant + "/agents", adminToken(tenant), body, 201));
    }

    /** Creates a team; its id is an Agentcloud {@code resourceSlug} and the value of a token's {@code teams}. */
    public String createTeam(String tenant, String name) {
        return admin().post("/admin/v1/tenants/" + tenant + "/teams", adminToken(tenant), Map.of("name", name), 201)
                .get("id")
                .asText();
    }

    /**
     * Creates an API key for a subject: {@code everruns} keys ({@code evr_…}) go in {@code Authorization: Bearer},
     * {@code recoup} keys ({@code rcp_…}) in {@code x-api-key}.
     *
     * @param account the Recoup account the key acts for, or null
     */
    public ApiKey createApiKey(String tenant, String dialect, String subject, UUID account, List<String> teams) {
        Map<String, Object> body = new HashMap<>();
        body.put("dialect", dialect);
        body.put("name", dialect + "-" + subject);
        body.put("subject_id", subject);
        body.put("account", account == null ? null : account.toString());
        body.put("teams", teams == null ? List.of() : teams);
        return createApiKey(tenant, body);
    }

    /** Creates an API key from a whole {@code CreateApiKeyRequest} body. */
    public ApiKey createApiKey(String tenant, Map<String, ?> body) {
        return ApiKey.of(admin().post("/admin/v1/tenants/" + tenant + "/api-keys", adminToken(tenant), body, 201));
    }

    /** An Everruns API key ({@code evr_…}) of a tenant's member. */
    public ApiKey everrunsKey(String tenant, String subject) {
        return createApiKey(tenant, "everruns", subject, null, List.of());
    }

    /** A Recoup API key ({@code rcp_…}) acting for an account. */
    public ApiKey recoupKey(String tenant, String subject, UUID account) {
        return createApiKey(tenant, "recoup", subject, account, List.of());
    }

    /** The admin API as raw JSON calls, for what the helpers above do not cover. */
    public AdminApi admin() {
        running();
        return admin;
    }

    // ---- testing endpoints (gateway.testing.enabled) -------------------------------------------------------

    /**
     * {@code POST /admin/v1/testing/reset}: every tenant's data wiped, the fixtures loaded again, fault rules and
     * journal cleared. Needs {@code gateway.testing.enabled} (set by {@link Builder#fixtures} and
     * {@link Builder#resetBetweenTests}).
     */
    public void reset() {
        admin().send("POST", "/admin/v1/testing/reset", operatorToken(), null, 200, 204);
    }

    /** Fault rules: {@code /admin/v1/testing/faults}. */
    public Faults faults() {
        return new Faults(admin(), operatorToken());
    }

    /** The journal of recent requests: {@code /admin/v1/testing/journal}. */
    public Journal journal() {
        return new Journal(admin(), operatorToken());
    }

    // ---- internals ------------------------------------------------------------------------------------------

    private GatewayServer running() {
        if (server == null) {
            throw new IllegalStateException(
                    "the Session Gateway is not running: register the extension with @RegisterExtension on a static"
                            + " field, or call start()");
        }
        return server;
    }

    /** The fixtures as a file: the path as given when it names one, else the classpath resource copied out. */
    private Path fixturesFile() throws IOException {
        Path path = Path.of(fixtures);
        if (Files.isRegularFile(path)) {
            return path.toAbsolutePath();
        }
        String resource = fixtures.startsWith("/") ? fixtures.substring(1) : fixtures;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : SessionGatewayExtension.class.getClassLoader())
                .getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "fixtures not found, neither as a file nor as a classpath resource: " + fixtures);
            }
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            Path copy = workDir.resolve(name);
            Files.copy(in, copy);
            return copy;
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Mints a token with the running gateway's secret, issuer, claim names and audience. */
    String mint(TokenMinter.Grant grant) {
        return minter.mint(grant, Instant.now());
    }

    /** How a test describes the gateway it needs. */
    public static final class Builder {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private Store store = Store.MEMORY;
        private Path h2Directory;
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private String fixtures;
        private boolean resetBetweenTests;

        private Builder() {}

        /** The store is an in-memory H2 database, gone when the gateway stops (the default). */
        public Builder inMemory() {
            store = Store.MEMORY;
            return this;
        }

        /** The store is an H2 file in the gateway's temporary directory, deleted when it stops. */
        public Builder h2File() {
            store = Store.H2_DIRECTORY;
            h2Directory = null;
            return this;
        }

        /** The store is an H2 file in this directory, kept when the gateway stops (a {@code @TempDir}, say). */
        public Builder h2File(Path directory) {
            store = Store.H2_DIRECTORY;
            h2Directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The store is this database ({@code jdbc:postgresql://…}, or an H2 URL); migrations are applied at start.
         * It is neither emptied nor dropped.
         */
        public Builder jdbc(String url, String user, String password) {
            store = Store.JDBC;
            jdbcUrl = Objects.requireNonNull(url, "url");
            jdbcUser = user;
            jdbcPassword = password;
            return this;
        }

        /**
         * Sets any configuration key of {@code reference.conf} ({@code gateway.http.max-body-bytes},
         * {@code gateway.auth.jwt-secret}, …); a list value sets a list key. Wins over what the builder's other
         * methods set.
         */
        public Builder property(String key, Object value) {
            if (!key.startsWith("gateway.")) {
                throw new IllegalArgumentException("configuration keys start with gateway.: " + key);
            }
            properties.put(key, value);
            return this;
        }

        /** Serves a dialect or not ({@code gateway.dialects.<name>.enabled}). */
        public Builder dialect(String name, boolean enabled) {
            return property("gateway.dialects." + name + ".enabled", enabled);
        }

        /** Mounts a dialect under a path prefix like {@code /everruns} ({@code gateway.dialects.<name>.prefix}). */
        public Builder prefix(String name, String prefix) {
            return property("gateway.dialects." + name + ".prefix", prefix);
        }

        /**
         * Loads a fixtures file at start and on every {@link #reset()}: a path to a file, else a classpath resource.
         * Turns on the testing endpoints.
         */
        public Builder fixtures(String pathOrResource) {
            fixtures = Objects.requireNonNull(pathOrResource, "pathOrResource");
            return this;
        }

        public Builder fixtures(Path file) {
            return fixtures(file.toAbsolutePath().toString());
        }

        /** Calls {@link #reset()} before each test. Turns on the testing endpoints. */
        public Builder resetBetweenTests(boolean reset) {
            resetBetweenTests = reset;
            return this;
        }

        public SessionGatewayExtension build() {
            return new SessionGatewayExtension(this);
        }
    }

    /** Claims of a token, minted with the running gateway's secret. */
    public final class TokenBuilder {
        private String tenant;
        private String subject;
        private String subjectType = "user";
        private String subjectSlug;
        private List<String> teams = List.of();
        private UUID account;
        private boolean admin;
        private Duration ttl = Duration.ofHours(1);

        private TokenBuilder() {}

        public TokenBuilder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public TokenBuilder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** {@code user} (the default), {@code serviceaccount}, {@code virtualaccount}, … */
        public TokenBuilder subjectType(String type) {
            this.subjectType = type;
            return this;
        }

        /** The TrueFoundry subject slug ({@code subject_slug} of a session's creator). */
        public TokenBuilder subjectSlug(String slug) {
            this.subjectSlug = slug;
            return this;
        }

        /** Team ids (Agentcloud's {@code resourceSlug}s) the subject belongs to. */
        public TokenBuilder teams(String... teams) {
            this.teams = List.of(teams);
            return this;
        }

        public TokenBuilder teams(List<String> teams) {
            this.teams = List.copyOf(teams);
            return this;
        }

        /** The Recoup account the subject acts for. */
        public TokenBuilder account(UUID account) {
            this.account = account;
            return this;
        }

        /** The admin role for the tenant ({@code *}: every tenant). */
        public TokenBuilder admin() {
            this.admin = true;
            return this;
        }

        public TokenBuilder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** The signed JWT (without {@code Bearer }). */
        public String mint() {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(subject, "subject");
            return SessionGatewayExtension.this.mint(
                    new TokenMinter.Grant(tenant, subject, subjectType, subjectSlug, teams, account, admin, ttl));
        }

        /** {@code Bearer <jwt>}, for an {@code Authorization} header. */
        public String bearer() {
            return "Bearer " + mint();
        }
    }

    /**
     * An agent as the admin API created it.
     *
     * @param ids its id in each dialect ({@code truefoundry}: its name, {@code everruns}: {@code agent_…},
     *     {@code agentcloud}: an ObjectId)
     * @param team the team (ObjectId) it belongs to
     * @param json the whole answer
     */
    public record Agent(String id, String tenant, String name, String team, Map<String, String> ids, JsonNode json) {
        static Agent of(JsonNode n) {
            Map<String, String> ids = new LinkedHashMap<>();
            n.get("ids")
                    .properties()
                    .forEach(e -> ids.put(e.getKey(), e.getValue().asText()));
            return new Agent(
                    n.get("id").asText(),
                    n.get("tenant").asText(),
                    n.get("name").asText(),
                    n.get("team").asText(),
                    Map.copyOf(ids),
                    n);
        }

        public String everrunsId() {
            return ids.get("everruns");
        }

        public String agentcloudId() {
            return ids.get("agentcloud");
        }
    }

    /**
     * An API key as the admin API created it.
     *
     * @param secret the key itself ({@code evr_…} or {@code rcp_…}), shown this once
     * @param json the whole answer
     */
    public record ApiKey(String id, String secret, JsonNode json) {
        static ApiKey of(JsonNode n) {
            return new ApiKey(n.get("key").get("id").asText(), n.get("secret").asText(), n);
        }
    }
}
