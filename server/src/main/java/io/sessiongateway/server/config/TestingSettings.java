package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * Fixtures and the testing endpoints (docs/fixtures.md).
 *
 * @param fixtures {@code gateway.fixtures}: the fixtures file loaded at every start (and by a reset), or null
 * @param enabled {@code gateway.testing.enabled}: whether the testing endpoints (reset, fault rules, journal) exist
 * @param journalSize {@code gateway.testing.journal-size}: the most requests the journal keeps
 */
public record TestingSettings(Path fixtures, boolean enabled, int journalSize) {

    /** Reads {@code gateway.fixtures} and {@code gateway.testing.*}. */
    static TestingSettings from(Config g) {
        String file = GatewayConfig.blankToNull(g.getString("fixtures"));
        int size = g.getInt("testing.journal-size");
        if (size < 1 || size > 1_000_000) {
            throw new IllegalArgumentException("testing.journal-size must be between 1 and 1000000: " + size);
        }
        return new TestingSettings(file == null ? null : Path.of(file), g.getBoolean("testing.enabled"), size);
    }

    /** The same settings with another fixtures file ({@code serve --fixtures}). */
    public TestingSettings withFixtures(Path file) {
        return new TestingSettings(file, enabled, journalSize);
    }
}
