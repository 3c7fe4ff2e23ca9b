package io.sessiongateway.server.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API documents the gateway serves at {@code /openapi/{name}.yaml}, built once at start from {@code specs/} on
 * the classpath (the build copies it into the jar) and kept in memory: documents change only with the build or the
 * configuration, both fixed for the life of the process.
 */
public final class ApiDocuments {
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build())
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ApiDocuments.class);

    /** One served document: its YAML and an entity tag of it. */
    public record Served(String name, String title, String yaml, String etag) {
        /** Where it is served. */
        public String url() {
            return "/openapi/" + name + ".yaml";
        }
    }

    private final Map<String, Served> byName;
    private final byte[] index;

    private ApiDocuments(Map<String, Served> byName) {
        this.byName = byName;
        ObjectNode root = JSON.createObjectNode();
        ArrayNode documents = root.putArray("documents");
        byName.values()
                .forEach(s -> documents
                        .addObject()
                        .put("name", s.name())
                        .put("title", s.title())
                        .put("url", s.url()));
        try {
            this.index = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads and merges each source's documents.
     *
     * @throws IllegalStateException when a source's documents cannot be merged (a served operation that none
     *     declares is only logged, so that an operation mounted before its document does not stop the gateway)
     */
    public static ApiDocuments build(List<DocumentSource> sources) {
        Map<String, Served> byName = new LinkedHashMap<>();
        for (DocumentSource source : sources) {
            List<DocumentMerger.Loaded> docs = source.files().stream()
                    .map(f -> new DocumentMerger.Loaded(f, read(f)))
                    .toList();
            ObjectNode merged = DocumentMerger.merge(source, docs, LOG::warn);
            String yaml;
            try {
                yaml = YAML.writeValueAsString(merged);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            byName.put(
                    source.name(),
                    new Served(
                            source.name(), merged.path("info").path("title").asText(source.name()), yaml, etag(yaml)));
        }
        return new ApiDocuments(byName);
    }

    private static ObjectNode read(String file) {
        try {
            return (ObjectNode) YAML.readTree(SpecFiles.read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("specs/" + file, e);
        }
    }

    private static String etag(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The document of that name, if served. */
    public Optional<Served> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every served document, in serving order (the dialects as mounted, then admin and health). */
    public List<Served> all() {
        return List.copyOf(byName.values());
    }

    /** {@code GET /openapi}: {@code {"documents":[{"name","title","url"}]}}. */
    public byte[] indexJson() {
        return index.clone();
    }

    /** The documents as Swagger UI's {@code urls} option: a JSON array of {@code {"url","name"}}. */
    String swaggerUrls() {
        ArrayNode urls = JSON.createArrayNode();
        byName.values().forEach(s -> urls.addObject().put("url", s.url()).put("name", s.name()));
        return urls.toString();
    }
}
