package io.sessiongateway.server.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One OpenAPI document as read from {@code specs/}: its tree exactly as written (OpenAPI 3.0's {@code nullable}
 * and 3.1's type arrays are not normalised into each other), its dialect and its local references.
 *
 * <p>The documents are self-contained: only local ({@code #/...}) references are followed.
 */
public final class SpecDocument {
    private final String name;
    private final String dialect;
    private final JsonNode root;
    private final boolean openApi30;

    SpecDocument(String name, JsonNode root) {
        this.name = name;
        this.dialect = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        this.root = root;
        this.openApi30 = root.path("openapi").asText().startsWith("3.0");
    }

    /** The path relative to the specs directory, with {@code /} separators, e.g. {@code everruns/get-session.yaml}. */
    public String name() {
        return name;
    }

    /** The first path segment of {@link #name()}: the folder under {@code specs/} (the whole name at the top). */
    public String dialect() {
        return dialect;
    }

    /** The document's tree. */
    public JsonNode root() {
        return root;
    }

    /** Whether the document is OpenAPI 3.0 (JSON Schema draft 4 with {@code nullable}) rather than 3.1. */
    public boolean openApi30() {
        return openApi30;
    }

    /**
     * The node at a pointer.
     *
     * @param pointer unescaped segments from the root
     * @return the node with its pointer, or null if there is none
     */
    public Located at(List<String> pointer) {
        JsonNode node = root;
        for (String segment : pointer) {
            node = node.isArray() && segment.matches("\\d+") ? node.get(Integer.parseInt(segment)) : node.get(segment);
            if (node == null) {
                return null;
            }
        }
        return new Located(node, pointer);
    }

    /**
     * Follows local {@code $ref}s of an OpenAPI object (response, media type, path item, schema); null stays null.
     *
     * @throws IllegalStateException on a reference cycle or a reference that does not resolve
     */
    public Located deref(Located located) {
        Located current = located;
        for (int hops = 0; current != null && current.node().path("$ref").isTextual(); hops++) {
            if (hops > 32) {
                throw new IllegalStateException(name + ": $ref cycle at " + current.pointer());
            }
            String ref = current.node().get("$ref").asText();
            Located target = resolve(ref);
            if (target == null) {
                throw new IllegalStateException(name + ": cannot resolve $ref " + ref);
            }
            current = target;
        }
        return current;
    }

    /**
     * Like {@link #deref(Located)} for a bare node; a node without a reference is returned as it is.
     *
     * @throws IllegalStateException on a reference cycle or a reference that does not resolve
     */
    public JsonNode deref(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current != null && current.path("$ref").isTextual(); hops++) {
            if (hops > 32) {
                throw new IllegalStateException(name + ": $ref cycle at " + node);
            }
            String ref = current.get("$ref").asText();
            Located target = resolve(ref);
            if (target == null) {
                throw new IllegalStateException(name + ": cannot resolve $ref " + ref);
            }
            current = target.node();
        }
        return current;
    }

    /**
     * Resolves a local reference.
     *
     * @param ref a reference such as {@code #/components/schemas/Session}
     * @return the target, or null if the reference is not local or does not exist
     */
    public Located resolve(String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        String pointer = ref.substring(1);
        if (pointer.isEmpty()) {
            return new Located(root, List.of());
        }
        if (!pointer.startsWith("/")) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            segments.add(decoded.replace("~1", "/").replace("~0", "~"));
        }
        return at(List.copyOf(segments));
    }

    /**
     * The component a schema node refers to.
     *
     * @param node a schema, or null
     * @return the last segment of its {@code $ref}, or null when it has none
     */
    public static String refName(JsonNode node) {
        if (node == null || !node.path("$ref").isTextual()) {
            return null;
        }
        String ref = node.get("$ref").asText();
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    /**
     * A schema under {@code components/schemas}.
     *
     * @param schemaName the component's name
     * @return the schema with its pointer, or null if the document has none of that name
     */
    public Located componentSchema(String schemaName) {
        return at(List.of("components", "schemas", schemaName));
    }

    @Override
    public String toString() {
        return name;
    }
}
