package io.sessiongateway.core.store;

import io.sessiongateway.core.conversation.EventBus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's one listening connection on PostgreSQL: {@code LISTEN} on the store's channel and hands each
 * notification ({@code <session>:<seq>}, sent by the writing transaction and delivered at its commit) to the
 * {@link EventBus}, which fans it out in process. The connection is its own, outside the pool; when it drops, the
 * listener reconnects and signals every subscribed session, since notifications sent meanwhile are lost (the bus
 * reads the log, so a lost notification only delays).
 */
public final class PgEventListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgEventListener.class);

    private final DatabaseConfig config;
    private final String channel;
    private final EventBus bus;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;
    private volatile boolean listening;

    public PgEventListener(DatabaseConfig config, String channel, EventBus bus) {
        this.config = config;
        this.channel = channel;
        this.bus = bus;
        this.thread = new Thread(this::run, "pg-event-listener");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether the connection is up and listening (tests wait for it). */
    public boolean isListening() {
        return listening;
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try (Connection c = connect()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                }
                listening = true;
                backoff = 100;
                bus.signalAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        dispatch(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!running) {
                    return;
                }
                LOG.warn("event listener connection lost, reconnecting: {}", e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void dispatch(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return;
        }
        try {
            bus.signal(UUID.fromString(payload.substring(0, colon)), Long.parseLong(payload.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignored a malformed event notification");
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (config.user() != null) {
            p.setProperty("user", config.user());
        }
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        p.setProperty(
                "connectTimeout",
                String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(config.url(), p);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
