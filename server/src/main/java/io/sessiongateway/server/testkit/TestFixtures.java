package io.sessiongateway.server.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sessiongateway.core.fixtures.FixtureException;
import io.sessiongateway.core.fixtures.FixtureLoader;
import io.sessiongateway.core.fixtures.FixtureParser;
import io.sessiongateway.core.fixtures.FixtureSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixtures file of {@code gateway.fixtures} (docs/fixtures.md): read (YAML, or JSON by its name), checked, and
 * loaded at start or by a reset. The file is read anew each time, so a reset picks up an edited file.
 */
public final class TestFixtures {
    private static final Logger LOG = LoggerFactory.getLogger(TestFixtures.class);
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FixtureParser parser;
    private final FixtureLoader loader;

    /** @param file the fixtures file, or null for none */
    public TestFixtures(Path file, FixtureParser parser, FixtureLoader loader) {
        this.file = file;
        this.parser = parser;
        this.loader = loader;
    }

    /** The file, or null. */
    public Path file() {
        return file;
    }

    /**
     * Loads the file into the store, if there is one.
     *
     * @throws IllegalArgumentException naming the file, the entry and the field, when it cannot be loaded
     */
    public FixtureSet load() {
        FixtureSet set = read();
        if (file != null) {
            try {
                loader.load(set);
            } catch (FixtureException e) {
                throw invalid(e);
            }
            LOG.info("fixtures {} loaded: {}", file, set.counts());
        }
        return set;
    }

    /**
     * Deletes every tenant's data and loads the file again, in one transaction; when the file cannot be loaded,
     * nothing changes.
     *
     * @throws IllegalArgumentException naming the file, the entry and the field
     */
    public FixtureSet reset() {
        FixtureSet set = read();
        try {
            loader.reset(set);
        } catch (FixtureException e) {
            throw invalid(e);
        }
        LOG.info("store reset; fixtures {}: {}", file, set.counts());
        return set;
    }

    /** The checked contents of the file; an empty set without one. */
    FixtureSet read() {
        if (file == null) {
            return FixtureSet.EMPTY;
        }
        JsonNode root;
        try {
            byte[] bytes = Files.readAllBytes(file);
            boolean json =
                    file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
            root = (json ? JSON : YAML).readTree(bytes);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("fixtures " + file + ": file not found", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "fixtures " + file + ": not readable as " + kind() + ": " + e.getOriginalMessage() + location(e),
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException("fixtures " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            return parser.parse(root);
        } catch (FixtureException e) {
            throw invalid(e);
        }
    }

    private String kind() {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "JSON" : "YAML";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private IllegalArgumentException invalid(FixtureException e) {
        return new IllegalArgumentException("fixtures " + file + ": " + e.getMessage(), e);
    }
}
