package io.sessiongateway.server.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS read from a file and read again, without a restart, when the file changes (modification time, size or
 * identity, so an atomic rename counts), when a token names a key it does not hold (at most once per refresh
 * interval), and when the last read is older than the cache TTL. Only public keys are kept. A file that cannot be
 * read or parsed leaves the previous keys in place and is logged without its content.
 */
final class JwksFileSource implements JWKSetSource<SecurityContext> {
    private static final Logger LOG = LoggerFactory.getLogger(JwksFileSource.class);
    private static final long MAX_BYTES = 1 << 20;

    private final Path file;
    private final long maxAgeMillis;
    private final long refreshIntervalMillis;

    private volatile Loaded current;
    private long lastForcedMillis = Long.MIN_VALUE / 2;
    private Stamp lastFailed;
    private boolean failing;

    private record Stamp(FileTime modified, long size, Object key) {}

    private record Loaded(JWKSet keys, Stamp stamp, long readAtMillis) {}

    /** Reads the file once; IllegalArgumentException when it is missing, unreadable or holds no public key. */
    JwksFileSource(Path file, Duration maxAge, Duration refreshInterval, long nowMillis) {
        this.file = file;
        this.maxAgeMillis = maxAge.toMillis();
        this.refreshIntervalMillis = refreshInterval.toMillis();
        try {
            Stamp stamp = stamp();
            current = new Loaded(read(), stamp, nowMillis);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("auth.jwks-file " + file + " cannot be used: " + reason(e));
        }
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        Loaded loaded = current;
        Stamp stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            stamp = null; // gone or unreadable: keep the keys we have
        }
        boolean changed = stamp != null && !stamp.equals(loaded.stamp()) && !(failing && stamp.equals(lastFailed));
        boolean stale = currentTime - loaded.readAtMillis() >= maxAgeMillis;
        boolean unknownKey = refreshEvaluator.requiresRefresh(loaded.keys());
        if (changed || stale || unknownKey) {
            return reload(loaded, stamp, currentTime, unknownKey && !changed && !stale);
        }
        return loaded.keys();
    }

    private synchronized JWKSet reload(Loaded seen, Stamp stamp, long now, boolean onlyForUnknownKey) {
        if (!Objects.equals(current, seen)) {
            return current.keys(); // another thread read it meanwhile
        }
        if (onlyForUnknownKey) {
            if (now - lastForcedMillis < refreshIntervalMillis) {
                return seen.keys();
            }
            lastForcedMillis = now;
        }
        try {
            Stamp before = stamp();
            JWKSet keys = read();
            current = new Loaded(keys, before, now);
            failing = false;
            lastFailed = null;
            if (!before.equals(seen.stamp())) {
                LOG.info("JWKS file {} reloaded: {} key(s)", file, keys.size());
            }
            return keys;
        } catch (IOException | ParseException e) {
            if (!failing || !Objects.equals(stamp, lastFailed)) {
                LOG.warn("JWKS file {} not reloaded, keeping the previous keys: {}", file, reason(e));
            }
            failing = true;
            lastFailed = stamp;
            current = new Loaded(seen.keys(), seen.stamp(), now);
            return seen.keys();
        }
    }

    private Stamp stamp() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    }

    private JWKSet read() throws IOException, ParseException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ParseException("larger than " + MAX_BYTES + " bytes", 0);
        }
        JWKSet keys =
                JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8)).toPublicJWKSet();
        if (keys.isEmpty()) {
            throw new ParseException("no public key", 0);
        }
        return keys;
    }

    /** Why a read failed, without quoting the file (it may hold private keys). */
    private static String reason(Exception e) {
        if (e instanceof ParseException) {
            return "not a JWKS (at most 1 MiB) with at least one public key";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        // nothing held open
    }
}
