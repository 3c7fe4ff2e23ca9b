package io.sessiongateway.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.stream.Stream;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Which database failures the store reports as UNAVAILABLE (503 in every dialect) and which stay bugs (500): the
 * failures are built as pgjdbc, Hikari and jOOQ build them.
 */
class StoreUnavailableTest {

    /** A server error as pgjdbc parses it off the wire. */
    static PSQLException server(String severity, String state, String message) {
        return new PSQLException(
                new ServerErrorMessage("S" + severity + "\0V" + severity + "\0C" + state + "\0M" + message + "\0"));
    }

    /** How jOOQ wraps whatever the driver or pool threw. */
    static DataAccessException jooq(Throwable cause) {
        return new DataAccessException("SQL [select ...]; " + cause.getMessage(), cause);
    }

    static Stream<Arguments> failures() {
        PSQLException refused = new PSQLException(
                "Connection to 127.0.0.1:5432 refused.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                new ConnectException("Connection refused"));
        return Stream.of(
                Arguments.of(
                        "pool timed out while the server refuses connections",
                        jooq(new SQLTransientConnectionException(
                                "gateway-db - Connection is not available, request "
                                        + "timed out after 1000ms (total=0, active=0, idle=0)",
                                null,
                                refused)),
                        true),
                Arguments.of(
                        "pool timed out with every connection busy",
                        jooq(new SQLTransientConnectionException("gateway-db - Connection is not available")),
                        true),
                Arguments.of(
                        "statement running when the server was stopped (pg_ctl stop -m fast)",
                        jooq(server("FATAL", "57P01", "terminating connection due to administrator command")),
                        true),
                Arguments.of(
                        "another backend crashed",
                        jooq(server(
                                "FATAL",
                                "57P02",
                                "terminating connection because of crash of another " + "server process")),
                        true),
                Arguments.of(
                        "connecting while the server starts up",
                        jooq(server("FATAL", "57P03", "the database system is starting up")),
                        true),
                Arguments.of(
                        "connecting while the server shuts down",
                        jooq(server("FATAL", "57P03", "the database system is shutting down")),
                        true),
                Arguments.of(
                        "max_connections reached",
                        jooq(server("FATAL", "53300", "sorry, too many clients already")),
                        true),
                Arguments.of(
                        "socket closed under a statement",
                        jooq(new PSQLException(
                                "An I/O error occurred " + "while sending to the backend.",
                                PSQLState.CONNECTION_FAILURE,
                                new EOFException())),
                        true),
                Arguments.of(
                        "pgjdbc socketTimeout",
                        jooq(new PSQLException(
                                "An I/O error occurred while sending " + "to the backend.",
                                PSQLState.CONNECTION_FAILURE,
                                new SocketTimeoutException("Read timed " + "out"))),
                        true),
                Arguments.of(
                        "statement on a connection already closed",
                        jooq(new PSQLException(
                                "This connection " + "has been closed.", PSQLState.CONNECTION_DOES_NOT_EXIST)),
                        true),
                Arguments.of(
                        "commit failed mid-transaction",
                        jooq(new PSQLException(
                                "connection failure during " + "transaction",
                                PSQLState.CONNECTION_FAILURE_DURING_TRANSACTION)),
                        true),
                Arguments.of(
                        "connectivity error deep in the cause chain",
                        jooq(new SQLException(
                                "rollback failed",
                                null,
                                server("FATAL", "57P01", "terminating connection due to administrator command"))),
                        true),
                Arguments.of(
                        "unique violation",
                        jooq(server(
                                "ERROR",
                                "23505",
                                "duplicate key value violates " + "unique constraint \"uq_tenant_name\"")),
                        false),
                Arguments.of(
                        "undefined table (schema not migrated)",
                        jooq(server("ERROR", "42P01", "relation \"session\" does not exist")),
                        false),
                Arguments.of(
                        "value too long",
                        jooq(server("ERROR", "22001", "value too long for type character " + "varying(64)")),
                        false),
                Arguments.of(
                        "statement cancelled by statement_timeout",
                        jooq(server("ERROR", "57014", "canceling statement due to statement timeout")),
                        false),
                Arguments.of(
                        "SQLException without a state",
                        jooq(new SQLException("HikariDataSource has been " + "closed.")),
                        false),
                Arguments.of("not an SQL failure at all", jooq(new IllegalStateException("bug")), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void classifiesFailures(String name, Throwable failure, boolean unavailable) {
        assertEquals(unavailable, Database.isUnavailable(failure), name);
    }

    @Test
    void aServerThatRefusesConnectionsMakesEveryOperationUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database db = Database.open(new DatabaseConfig(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/none",
                "nobody",
                "nothing",
                2,
                Duration.ofMillis(250)))) {
            SessionStore store = new JooqSessionStore(db);
            GatewayException read = assertThrows(GatewayException.class, () -> store.findTenant("acme"));
            assertEquals(ErrorKind.UNAVAILABLE, read.kind());
            assertEquals("database_unavailable", read.code());
            GatewayException write = assertThrows(GatewayException.class, () -> store.ensureTenant("acme"));
            assertEquals(ErrorKind.UNAVAILABLE, write.kind());
        }
    }
}
