package io.sessiongateway.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 development secret: {@code GATEWAY_JWT_SECRET} if set, else a random 256-bit secret generated once
 * into {@code <data-dir>/jwt-secret} (mode 600), where {@code serve} and {@code token} both find it.
 */
public final class DevSecret {
    static final String FILE = "jwt-secret";
    private static final int MIN_BYTES = 32;

    private DevSecret() {}

    public static byte[] resolve(String configured, Path dataDir) {
        if (configured != null) {
            byte[] bytes = configured.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_BYTES) {
                throw new IllegalArgumentException("GATEWAY_JWT_SECRET must be at least " + MIN_BYTES + " bytes");
            }
            return bytes;
        }
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] random = new byte[MIN_BYTES];
                new SecureRandom().nextBytes(random);
                String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
                    trySetOwnerOnly(tmp);
                    Files.writeString(tmp, encoded + "\n", StandardOpenOption.TRUNCATE_EXISTING);
                    // Atomic publish: two processes starting at once end up with one secret.
                    try {
                        Files.createLink(file, tmp);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                } catch (FileAlreadyExistsException raced) {
                    // another process won; read theirs
                }
            }
            byte[] bytes = Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_BYTES) {
                throw new IllegalStateException(file + " holds a secret shorter than " + MIN_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret in " + dataDir, e);
        }
    }

    private static void trySetOwnerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system; the data dir's own permissions apply
        }
    }
}
