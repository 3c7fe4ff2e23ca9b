package io.sessiongateway.server;

import io.sessiongateway.adapters.admin.AdminDialect;
import io.sessiongateway.adapters.runtime.RuntimeDialect;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.core.conversation.ConversationRuntime;
import io.sessiongateway.core.service.AccessPolicy;
import io.sessiongateway.core.service.AgentService;
import io.sessiongateway.core.service.ApiKeyService;
import io.sessiongateway.core.service.ChatService;
import io.sessiongateway.core.service.RuntimeService;
import io.sessiongateway.core.service.SessionService;
import io.sessiongateway.core.store.Database;
import io.sessiongateway.core.store.DatabaseConfig;
import io.sessiongateway.core.store.JooqSessionStore;
import io.sessiongateway.core.store.SessionStore;
import io.sessiongateway.server.auth.AuthFilter;
import io.sessiongateway.server.auth.DevSecret;
import io.sessiongateway.server.auth.JwtAuthenticator;
import io.sessiongateway.server.config.DialectSettings;
import io.sessiongateway.server.config.GatewayConfig;
import io.sessiongateway.server.http.FastReads;
import io.sessiongateway.server.http.HttpApplication;
import io.sessiongateway.server.http.Mounted;
import io.sessiongateway.server.http.UpgradeRefusal;
import io.sessiongateway.server.ops.Operations;
import io.sessiongateway.server.ops.ReservedPaths;
import io.sessiongateway.server.testkit.Testing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the gateway once, from configuration to a listening Grizzly server, and takes it down again. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final Database database;
    private final ConversationRuntime conversations;
    private final EventStreams streams;
    private final Operations ops;
    private final HttpServer http;
    private final int port;
    private final Duration shutdownGrace;
    private final FastReads fastReads;

    private GatewayServer(
            Database database,
            ConversationRuntime conversations,
            EventStreams streams,
            Operations ops,
            HttpServer http,
            int port,
            Duration shutdownGrace) {
        this.database = database;
        this.conversations = conversations;
        this.streams = streams;
        this.ops = ops;
        this.http = http;
        this.port = port;
        this.shutdownGrace = shutdownGrace;
        this.fastReads = FastReads.of(http);
    }

    /**
     * Starts the gateway in four steps: the database (wait for PostgreSQL up to {@code gateway.db.startup-timeout},
     * open the pool, apply migrations), the core's services, the dialect registry (the enabled dialects under their
     * prefixes), and HTTP (authentication, the Jersey application, the listener).
     */
    public static GatewayServer start(GatewayConfig config) {
        long t0 = System.nanoTime();
        Database database = openDatabase(config);
        Operations ops = null;
        Services services = null;
        try {
            int migrations = database.migrate();
            ops = Operations.create(config.ops(), database.dataSource());
            services = Services.create(database, config);
            Registry registry = Registry.create(config, database, services, ops.reserved());
            registry.testing().loadFixtures();
            HttpServer http = listen(config, services, registry, ops);
            int port = http.getListeners().iterator().next().getPort();
            LOG.info(
                    "listening on {}:{}; {} worker threads; dialects {}; {} migration(s) applied; started in {} ms",
                    config.http().bind(),
                    port,
                    workerThreads(config),
                    registry.mounted().stream()
                            .map(m -> m.dialect().name() + (m.prefix().isEmpty() ? "" : "@" + m.prefix()))
                            .toList(),
                    migrations,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return new GatewayServer(
                    database,
                    services.conversations(),
                    services.streams(),
                    ops,
                    http,
                    port,
                    config.http().shutdownGrace());
        } catch (RuntimeException e) {
            if (services != null) {
                services.streams().close();
                services.conversations().close();
            }
            if (ops != null) {
                ops.close();
            }
            database.close();
            throw e;
        }
    }

    /** Step 1: the pool, once PostgreSQL accepts connections; migrations are the caller's next call. */
    private static Database openDatabase(GatewayConfig config) {
        DatabaseConfig dbConfig = databaseConfigOf(config);
        if (dbConfig.isPostgres()) {
            // A database started alongside (compose, Kubernetes) may accept connections a little after the gateway.
            DatabaseStartup.await(dbConfig, config.db().startupTimeout());
        }
        return Database.open(dbConfig);
    }

    /** Step 2: the core's services over the store. */
    private record Services(
            Clock clock,
            SessionStore store,
            SessionService sessions,
            AgentService agents,
            ConversationRuntime conversations,
            EventStreams streams,
            ChatService chats,
            RuntimeService runtime) {
        static Services create(Database database, GatewayConfig config) {
            JooqSessionStore store = new JooqSessionStore(database);
            Clock clock = Clock.systemUTC();
            // the event bus, the built-in responders' workers and the lease sweeper (conversations, issue #13)
            ConversationRuntime conversations = new ConversationRuntime(
                    database,
                    store,
                    config.conversations().script(),
                    config.conversations().workers(),
                    config.conversations().leaseSweepInterval(),
                    clock);
            SessionService sessions =
                    new SessionService(store, new AccessPolicy(config.auth().sessionCreatorTypes()), clock);
            return new Services(
                    clock,
                    store,
                    sessions,
                    new AgentService(store, clock, config.conversations().defaultResponder()),
                    conversations,
                    // every dialect's SSE streams, over the bus (adapters/spi/EventStreams)
                    new EventStreams(conversations.bus(), config.conversations().streamHeartbeat()),
                    new ChatService(store, store, sessions.lifecycle(), sessions.conversations(), clock),
                    new RuntimeService(store, conversations.bus(), clock));
        }
    }

    /**
     * Step 3: the dialect registry. The vendor dialects ({@link Dialects}) declare their API key forms, which the key
     * service takes; the admin API, built last, shows the vendors' statuses. The enabled ones are mounted under their
     * configured prefixes.
     */
    private record Registry(List<Mounted> mounted, ApiKeyService keys, Testing testing) {
        static Registry create(GatewayConfig config, Database database, Services services, ReservedPaths reserved) {
            List<Dialect> vendors = Dialects.vendors(
                    services.sessions(),
                    services.agents(),
                    new Dialects.Conversations(
                            services.sessions().conversations(), services.chats(), services.streams()),
                    config);
            Dialect runtime = new RuntimeDialect(services.runtime());
            // the runtime API's worker keys are a key form like the vendors' (admin API, CLI, fixtures)
            Map<String, String> keyPrefixes = Dialects.apiKeyPrefixes(Dialects.withRuntime(vendors, runtime));
            ApiKeyService keys = new ApiKeyService(services.store(), services.clock(), keyPrefixes);
            // Fixtures (loaded at every start) and the testing endpoints (docs/fixtures.md), served by the admin API.
            Testing testing = Testing.create(
                    config.testing(),
                    database,
                    services.sessions(),
                    services.clock(),
                    keyPrefixes,
                    reserved.tenantNames());
            List<Dialect> dialects = new ArrayList<>(vendors);
            dialects.add(new AdminDialect(
                    services.agents(),
                    keys,
                    services.sessions(),
                    Dialects.pageTokens(config),
                    reserved.tenantNames(),
                    vendors,
                    testing.operations()));
            dialects.add(runtime);
            List<Mounted> mounted = new ArrayList<>();
            for (Dialect dialect : dialects) {
                DialectSettings settings = config.dialects().get(dialect.name());
                if (settings != null && settings.enabled()) {
                    mounted.add(new Mounted(settings.prefix(), dialect));
                }
            }
            return new Registry(List.copyOf(mounted), keys, testing);
        }
    }

    /** Step 4: authentication, the Jersey application (operations endpoints first) and a started listener. */
    private static HttpServer listen(GatewayConfig config, Services services, Registry registry, Operations ops) {
        byte[] secret = DevSecret.resolve(config.auth().jwtSecret(), config.dataDir());
        if (config.auth().jwtSecret() == null
                && config.db().hasUrl()
                && !config.auth().jwt().hasJwks()) {
            // The one piece of state an instance keeps outside the database: a second instance with its own
            // data directory generates another secret and refuses this one's tokens.
            LOG.warn(
                    "GATEWAY_JWT_SECRET is not set: tokens are verified with the secret generated in {}; "
                            + "instances sharing this database must all have the same GATEWAY_JWT_SECRET (or a JWKS)",
                    config.dataDir().resolve("jwt-secret"));
        }
        AuthFilter auth = new AuthFilter(
                new JwtAuthenticator(
                        secret,
                        config.auth().issuer(),
                        config.auth().clockSkew(),
                        config.auth().jwt(),
                        services.clock()),
                registry.keys());
        // The operations endpoints go first, so that /health/** is never claimed by a vendor dialect.
        List<Mounted> served = new ArrayList<>();
        served.add(ops.mounted());
        served.addAll(registry.mounted());
        HttpApplication application =
                new HttpApplication(served, auth, config.http().maxBodyBytes());
        ResourceConfig rc = application.resourceConfig();
        ops.install(rc, served);
        registry.testing().install(rc, served);

        URI base = URI.create(
                "http://" + config.http().bind() + ":" + config.http().port() + "/");
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(base, rc, false);
        // The testing API's faults and journal are Jersey filters: with it on, every request goes through them.
        if (config.http().fastReads() && !config.testing().enabled()) {
            FastReads.install(
                    http,
                    rc,
                    application::mapperFor,
                    registry.mounted(),
                    ops.reserved()::refuses,
                    auth,
                    ops.recorder());
        }
        // Grizzly otherwise answers a GET or DELETE that carries a body with an empty 400 of its own, before
        // any dialect can: let the request through, to be answered (405, or the body ignored) in an envelope.
        http.getServerConfiguration().setAllowPayloadForUndefinedHttpMethods(true);
        UpgradeRefusal.install(http);
        int workers = workerThreads(config);
        for (NetworkListener listener : http.getListeners()) {
            listener.getTransport()
                    .setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                            .copy()
                            .setPoolName("gateway-worker")
                            .setCorePoolSize(workers)
                            .setMaxPoolSize(workers));
        }
        try {
            http.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + base, e);
        }
        return http;
    }

    private static int workerThreads(GatewayConfig config) {
        DatabaseConfig db = databaseConfigOf(config);
        return config.http()
                .workerThreads(Runtime.getRuntime().availableProcessors(), db.isPostgres() ? db.maxPoolSize() : 0);
    }

    /** The store settings a configuration names: the H2 file in the data dir unless a URL is given. */
    public static DatabaseConfig databaseConfigOf(GatewayConfig config) {
        String url = config.db().hasUrl() ? config.db().url() : DatabaseConfig.h2FileUrl(config.dataDir());
        return new DatabaseConfig(
                url,
                config.db().user(),
                config.db().password(),
                config.db().poolSize(),
                config.db().connectTimeout(),
                config.db().statementTimeout());
    }

    /**
     * Requests answered by the fast reads ({@code gateway.http.fast-reads}) since start; -1 when they are off. For
     * tests that must know which path served them.
     */
    public long fastReadsServed() {
        return fastReads == null ? -1 : fastReads.served();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return port;
    }

    /**
     * Stops accepting connections at once, lets in-flight requests finish (up to the configured grace,
     * {@code gateway.http.shutdown-grace}), closes what is still open after it, then closes the pool.
     */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        LOG.info(
                "stopping: new connections refused, in-flight requests have {} ms to finish", shutdownGrace.toMillis());
        // Open event streams first: each ends with its dialect's closing frame, so the requests in flight are the
        // others, and a stream does not hold the stop for the whole grace period.
        streams.close();
        try {
            http.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)
                    .get(shutdownGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn(
                    "graceful stop did not complete ({}); closing remaining connections",
                    e.getClass().getSimpleName());
            http.shutdownNow();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            conversations.close();
            ops.close();
            database.close();
            LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }
}
