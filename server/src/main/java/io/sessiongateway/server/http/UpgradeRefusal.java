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
        if (!(header instanceof HttpRequestPacket request) || !request.isUpgrade()) {
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
