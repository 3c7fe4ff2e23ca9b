package io.sessiongateway.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges the documents of one dialect (one per operation group in {@code specs/}) into the one document a user's
 * tool reads: the operations the gateway mounts, every component they may need, and {@code servers} pointing at
 * this gateway. A pure function of its inputs.
 *
 * <p>Documents of a dialect copy their shared components unchanged; when two still differ under one name (a vendor
 * document kept verbatim beside one written here), the later one is renamed {@code <name>_<file>} and its
 * references follow, so that every operation keeps exactly the schema its own document gave it.
 */
final class DocumentMerger {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch");
    /** Scheme and authority of a server URL ({@code {scheme}://{host}}), which the gateway's replace. */
    private static final Pattern ORIGIN = Pattern.compile("^[^/{]*(\\{[^}]*})?[^/]*//[^/]*");

    private DocumentMerger() {}

    /** A document of {@code specs/} as read. */
    record Loaded(String file, ObjectNode tree) {}

    /**
     * @param source what is served and where
     * @param docs the source's files, parsed, in its order
     * @param warnings told of each mounted operation that no document declares (served, but not documented)
     * @return the merged document
     * @throws IllegalStateException when the documents declare different OpenAPI versions
     */
    static ObjectNode merge(DocumentSource source, List<Loaded> docs, Consumer<String> warnings) {
        if (docs.isEmpty()) {
            throw new IllegalStateException("no document in specs/ for " + source.name());
        }
        ObjectNode first = docs.get(0).tree();
        String openapi = first.path("openapi").asText();
        for (Loaded d : docs) {
            if (!openapi.equals(d.tree().path("openapi").asText())) {
                throw new IllegalStateException(d.file() + " declares openapi "
                        + d.tree().path("openapi").asText() + ", " + docs.get(0).file() + " " + openapi
                        + ": they cannot be served as one document");
            }
        }
        boolean sameSecurity =
                docs.stream().map(d -> d.tree().path("security")).distinct().count() == 1;

        ObjectNode out = NODES.objectNode();
        out.put("openapi", openapi);
        ObjectNode info = first.path("info").deepCopy();
        List<String> files = docs.stream().map(Loaded::file).toList();
        info.put(
                "description",
                (info.hasNonNull("description") && docs.size() == 1
                                ? info.get("description").asText() + "\n\n"
                                : "")
                        + "Served by Session Gateway: the operations it serves, from specs/"
                        + String.join(", specs/", files) + (docs.size() > 1 ? " (merged)" : "") + ".");
        out.set("info", info);
        out.set("servers", servers(source, first));
        if (sameSecurity && first.has("security")) {
            out.set("security", first.get("security").deepCopy());
        }
        ArrayNode tags = NODES.arrayNode();
        ObjectNode paths = NODES.objectNode();
        ObjectNode components = NODES.objectNode();
        Set<String> tagNames = new LinkedHashSet<>();
        Set<OperationKey> found = new LinkedHashSet<>();
        String serverPath = serverPath(first);

        for (Loaded d : docs) {
            ObjectNode doc = d.tree().deepCopy();
            renameConflicts(doc, components, d.file());
            for (JsonNode tag : doc.path("tags")) {
                if (tagNames.add(tag.path("name").asText())) {
                    tags.add(tag.deepCopy());
                }
            }
            Iterator<Map.Entry<String, JsonNode>> it =
                    doc.path("paths").properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = source.movedPaths().getOrDefault(e.getKey(), e.getKey());
                JsonNode item = e.getValue();
                Iterator<Map.Entry<String, JsonNode>> ops = item.properties().iterator();
                while (ops.hasNext()) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (!METHODS.contains(op.getKey())) {
                        continue;
                    }
                    OperationKey key = OperationKey.of(op.getKey(), serverPath + path);
                    if (!source.mounted().contains(key)) {
                        continue;
                    }
                    found.add(key);
                    ObjectNode operation = (ObjectNode) op.getValue().deepCopy();
                    pushDownParameters(item.path("parameters"), operation);
                    if (!sameSecurity && !operation.has("security")) {
                        operation.set(
                                "security",
                                doc.has("security") ? doc.get("security").deepCopy() : NODES.arrayNode());
                    }
                    JsonNode existing = paths.get(path);
                    ObjectNode target = existing == null ? paths.putObject(path) : (ObjectNode) existing;
                    target.set(op.getKey(), operation);
                }
            }
            Iterator<Map.Entry<String, JsonNode>> sections =
                    doc.path("components").properties().iterator();
            while (sections.hasNext()) {
                Map.Entry<String, JsonNode> section = sections.next();
                ObjectNode merged = components.has(section.getKey())
                        ? (ObjectNode) components.get(section.getKey())
                        : components.putObject(section.getKey());
                section.getValue().properties().forEach(c -> {
                    if (!merged.has(c.getKey())) {
                        merged.set(c.getKey(), c.getValue());
                    }
                });
            }
        }
        Set<OperationKey> missing = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        missing.addAll(source.mounted());
        missing.removeAll(found);
        if (!missing.isEmpty()) {
            warnings.accept("the gateway serves " + missing + " but no document in specs/ " + files + " declares it");
        }
        if (!tags.isEmpty()) {
            out.set("tags", tags);
        }
        out.set("paths", paths);
        if (!components.isEmpty()) {
            out.set("components", components);
        }
        return out;
    }

    /**
     * The path part of the document's first server URL ({@code /{tenantName}} for TrueFoundry), which its paths
     * are relative to.
     */
    static String serverPath(ObjectNode doc) {
        String url = doc.path("servers").path(0).path("url").asText("");
        String path = ORIGIN.matcher(url).replaceFirst("");
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** One server: this gateway (relative, so it is right whatever host the document was read from), prefix first. */
    private static ArrayNode servers(DocumentSource source, ObjectNode first) {
        String path = source.prefix() + serverPath(first);
        ObjectNode server = NODES.objectNode();
        server.put("url", path.isEmpty() ? "/" : path);
        server.put("description", "this Session Gateway");
        JsonNode variables = first.path("servers").path(0).path("variables");
        ObjectNode kept = NODES.objectNode();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            JsonNode v = variables.get(m.group(1));
            kept.set(m.group(1), v == null ? NODES.objectNode().put("default", m.group(1)) : v.deepCopy());
        }
        if (!kept.isEmpty()) {
            server.set("variables", kept);
        }
        return NODES.arrayNode().add(server);
    }

    /** Path-level parameters move into the operation (its own win), since another document may share the path. */
    private static void pushDownParameters(JsonNode pathParameters, ObjectNode operation) {
        if (!pathParameters.isArray() || pathParameters.isEmpty()) {
            return;
        }
        ArrayNode own = operation.has("parameters") ? (ArrayNode) operation.get("parameters") : NODES.arrayNode();
        Set<String> declared = new LinkedHashSet<>();
        own.forEach(
                p -> declared.add(p.path("in").asText() + ":" + p.path("name").asText() + p.path("$ref")));
        ArrayNode merged = NODES.arrayNode();
        for (JsonNode p : pathParameters) {
            if (!declared.contains(p.path("in").asText() + ":" + p.path("name").asText() + p.path("$ref"))) {
                merged.add(p.deepCopy());
            }
        }
        merged.addAll(own);
        operation.set("parameters", merged);
    }

    /**
     * Renames each component of {@code doc} whose name is taken in {@code merged} by a different definition, and
     * rewrites the document's references to it; repeated, since a renamed schema changes those that refer to it.
     */
    private static void renameConflicts(ObjectNode doc, ObjectNode merged, String file) {
        String suffix = "_"
                + file.substring(file.lastIndexOf('/') + 1, file.length() - ".yaml".length())
                        .replaceAll("[^A-Za-z0-9._-]", "_");
        boolean changed = true;
        while (changed) {
            changed = false;
            Iterator<Map.Entry<String, JsonNode>> sections =
                    doc.path("components").properties().iterator();
            List<String[]> renames = new ArrayList<>();
            while (sections.hasNext()) {
                Map.Entry<String, JsonNode> section = sections.next();
                JsonNode taken = merged.path(section.getKey());
                section.getValue().properties().forEach(c -> {
                    if (taken.has(c.getKey()) && !taken.get(c.getKey()).equals(c.getValue())) {
                        renames.add(new String[] {section.getKey(), c.getKey()});
                    }
                });
            }
            for (String[] r : renames) {
                ObjectNode section = (ObjectNode) doc.get("components").get(r[0]);
                String to = r[1] + suffix;
                section.set(to, section.remove(r[1]));
                rewriteRefs(doc, "#/components/" + r[0] + "/" + r[1], "#/components/" + r[0] + "/" + to);
                changed = true;
            }
        }
    }

    private static void rewriteRefs(JsonNode node, String from, String to) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().equals(from)) {
                object.put("$ref", to);
            }
            object.forEach(child -> rewriteRefs(child, from, to));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> rewriteRefs(child, from, to));
        }
    }
}
