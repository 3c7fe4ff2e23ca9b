package io.sessiongateway.server.http;

import java.lang.reflect.Method;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.FixedLengthTransferEncoding;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpProbe;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.TransferEncoding;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.util.Header;

/**
 * Answers protocol-upgrade requests over HTTP/1.1, as RFC 9110 (section 7.8) lets a server do by ignoring the
 * {@code Upgrade} header. Java's own HttpClient (and so clients generated on it) and {@code curl --http2} send
 * {@code Upgrade: h2c} on the first request of every plain-HTTP connection; Grizzly, with no HTTP/2 support
 * installed, took everything after the headers for the new protocol's bytes, so the request's body never ended and
 * the gateway never answered.
 *
 * <p>A header-parse probe is Grizzly's one hook between parsing the headers and reading the body: it drops the
 * upgrade and gives the body back its HTTP/1.1 framing (which Grizzly skipped for an upgrade).
 *
 * <p>The same probe frames the body of a {@code TRACE} request. Grizzly treats TRACE as a method without content
 * and left a body's bytes on the connection, where they were parsed as the next request's start line: the next
 * request on a kept-alive connection got an empty 505 (found by Schemathesis, which sends TRACE with a JSON body
 * and then reuses the connection). Framed, the body is read and dropped like any unread body, and the TRACE is
 * answered 405 in the dialect's envelope. (RFC 9112, section 6.3: a request's Content-Length or chunked framing
 * delimits its body whatever the method.)
 */
public final class UpgradeRefusal extends HttpProbe.Adapter {
    /** Grizzly's default limit on a chunk header line. */
    private static final int MAX_CHUNK_HEADER = 8192;
    /**
     * {@code HttpHeader.setTransferEncoding} is protected and the codec's own setter skips upgrades: called by
     * reflection, checked once at class load so that a Grizzly without it fails the server's start, not a request.
     */
    private static final Method SET_TRANSFER_ENCODING;

    static {
        try {
            SET_TRANSFER_ENCODING = HttpHeader.class.getDeclaredMethod("setTransferEncoding", TransferEncoding.class);
            SET_TRANSFER_ENCODING.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Installs the probe on every listener of the server; call before it starts. */
    public static void install(HttpServer server) {
        server.getServerConfiguration().getMonitoringConfig().getHttpConfig().addProbes(new UpgradeRefusal());
    }

    @Override
    public void onHeaderParseEvent(Connection connection, HttpHeader header, int size) {
        if (!(header instanceof HttpRequestPacket request)) {
            return;
        }
        if (request.getMethod() == org.glassfish.grizzly.http.Method.TRACE
                && !request.isExpectContent()
                && (request.isChunked() || request.getContentLength() > 0)) {
            request.setExpectContent(true);
            frame(
                    request,
                    request.isChunked()
                            ? new ChunkedTransferEncoding(MAX_CHUNK_HEADER)
                            : new FixedLengthTransferEncoding());
            return;
        }
        if (!request.isUpgrade()) {
            return;
        }
        request.getUpgradeDC().recycle();
        request.getHeaders().removeHeader(Header.Upgrade);
        request.getHeaders().removeHeader("HTTP2-Settings");
        request.setIgnoreContentModifiers(false);
        if (request.isChunked()) {
            frame(request, new ChunkedTransferEncoding(MAX_CHUNK_HEADER));
        } else if (request.getContentLength() > 0) {
            frame(request, new FixedLengthTransferEncoding());
        } else {
            request.setExpectContent(false);
        }
    }

    private static void frame(HttpRequestPacket request, TransferEncoding encoding) {
        try {
            SET_TRANSFER_ENCODING.invoke(request, encoding);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot frame the request body", e);
        }
    }
}
