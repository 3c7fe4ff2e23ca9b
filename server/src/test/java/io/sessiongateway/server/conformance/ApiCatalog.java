package io.sessiongateway.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every operation of every OpenAPI document under {@code specs/}: method, path (under the path part of the
 * document's first server URL, so TrueFoundry's live under {@code /{tenantName}}), parameters (path-item and
 * operation level, plus server variables used in that path), request body, declared response codes and media
 * types, and security schemes.
 *
 * <p>Read with Jackson YAML, the same tree {@code SpecValidator} validates responses against: the documents are
 * self-contained (local {@code $ref}s only), and reading them as plain trees keeps OpenAPI 3.0 ({@code nullable})
 * and 3.1 (type arrays) exactly as written, where a model parser would normalise one into the other.
 */
public final class ApiCatalog {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final Pattern SCHEME = Pattern.compile("^[^/?#]*://");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");

    /** A parameter; {@code in} is path, query, header, cookie, or {@code server} for a server variable. */
    public record Parameter(String name, String in, boolean required, JsonNode schema) {
    }

    /** The request body: its media types and the schema of the JSON one; {@code schemaName} when a $ref. */
    public record Body(boolean required, List<String> mediaTypes, JsonNode schema, String schemaName) {
    }

    /** One operation of one document. */
    public record Operation(String dialect, String document, String id, String method, String template,
            List<Parameter> parameters, Body body, Map<Integer, List<String>> responses,
            List<String> securitySchemes, Doc doc) {

        public boolean declares(int status) {
            return responses.containsKey(status);
        }

        /** Whether the operation changes state (everything but GET). */
        public boolean writes() {
            return !method.equals("GET");
        }

        public List<Parameter> parameters(String in) {
            return parameters.stream().filter(p -> p.in().equals(in)).toList();
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /** One document: resolves its local references. */
    public static final class Doc {
        private final String name;
        private final JsonNode root;
        private final boolean openApi30;

        Doc(String name, JsonNode root) {
            this.name = name;
            this.root = root;
            this.openApi30 = root.path("openapi").asText().startsWith("3.0");
        }

        public String name() {
            return name;
        }

        public boolean openApi30() {
            return openApi30;
        }

        /** Follows local {@code $ref}s; a node without one is returned as it is. */
        public JsonNode deref(JsonNode node) {
            JsonNode current = node;
            for (int hops = 0; current != null && current.path("$ref").isTextual(); hops++) {
                if (hops > 32) {
                    throw new IllegalStateException(name + ": $ref cycle at " + node);
                }
                current = resolve(current.get("$ref").asText());
            }
            return current;
        }

        /** The component name a schema node refers to, or null. */
        public static String refName(JsonNode node) {
            if (node == null || !node.path("$ref").isTextual()) {
                return null;
            }
            String ref = node.get("$ref").asText();
            return ref.substring(ref.lastIndexOf('/') + 1);
        }

        private JsonNode resolve(String ref) {
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException(name + ": only local references are supported, not " + ref);
            }
            JsonNode node = root;
            for (String raw : ref.substring(2).split("/")) {
                node = node.get(raw.replace("~1", "/").replace("~0", "~"));
                if (node == null) {
                    throw new IllegalStateException(name + ": cannot resolve " + ref);
                }
            }
            return node;
        }
    }

    private final List<Operation> operations;

    private ApiCatalog(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The operations of one dialect (the documents under {@code specs/<dialect>/}). */
    public List<Operation> of(String dialect) {
        return operations.stream().filter(o -> o.dialect().equals(dialect)).toList();
    }

    public Set<String> dialects() {
        Set<String> dialects = new LinkedHashSet<>();
        operations.forEach(o -> dialects.add(o.dialect()));
        return dialects;
    }

    /** Reads every {@code *.yaml} with an {@code openapi} key under the directory. */
    public static ApiCatalog load(Path specsDir) {
        Path root = specsDir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        YAMLMapper yaml = new YAMLMapper();
        List<Operation> operations = new ArrayList<>();
        for (Path file : files) {
            JsonNode tree;
            try {
                tree = yaml.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (tree == null || !tree.has("openapi")) {
                continue;
            }
            String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            operations.addAll(operationsOf(new Doc(name, tree)));
        }
        return new ApiCatalog(operations);
    }

    private static List<Operation> operationsOf(Doc doc) {
        JsonNode root = doc.root;
        String dialect = doc.name.contains("/") ? doc.name.substring(0, doc.name.indexOf('/')) : doc.name;
        List<Operation> out = new ArrayList<>();
        JsonNode paths = root.path("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            JsonNode item = doc.deref(paths.get(path));
            JsonNode itemServers = item.has("servers") ? item.get("servers") : root.path("servers");
            for (Iterator<String> ms = item.fieldNames(); ms.hasNext(); ) {
                String method = ms.next();
                if (!METHODS.contains(method)) {
                    continue;
                }
                JsonNode op = item.get(method);
                JsonNode servers = op.has("servers") ? op.get("servers") : itemServers;
                String template = mount(servers) + path;
                Map<String, Parameter> params = new LinkedHashMap<>();
                Matcher variable = VARIABLE.matcher(mount(servers));
                while (variable.find()) {
                    JsonNode var = servers.path(0).path("variables").path(variable.group(1));
                    ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "string");
                    if (var.has("enum")) {
                        schema.set("enum", var.get("enum"));
                    }
                    params.put(variable.group(1), new Parameter(variable.group(1), "server", true, schema));
                }
                for (JsonNode p : concat(item.path("parameters"), op.path("parameters"))) {
                    JsonNode param = doc.deref(p);
                    String in = param.path("in").asText();
                    params.put(in + ":" + param.path("name").asText(), new Parameter(param.path("name").asText(), in,
                            in.equals("path") || param.path("required").asBoolean(false), param.path("schema")));
                }
                Body body = null;
                if (op.has("requestBody")) {
                    JsonNode rb = doc.deref(op.get("requestBody"));
                    List<String> types = new ArrayList<>();
                    rb.path("content").fieldNames().forEachRemaining(types::add);
                    JsonNode schema = rb.path("content").path("application/json").path("schema");
                    body = new Body(rb.path("required").asBoolean(false), types, schema, Doc.refName(schema));
                }
                Map<Integer, List<String>> responses = new TreeMap<>();
                for (Iterator<String> codes = op.path("responses").fieldNames(); codes.hasNext(); ) {
                    String code = codes.next();
                    if (!code.matches("\\d{3}")) {
                        throw new IllegalStateException(doc.name + " " + method + " " + path
                                + ": response key " + code + " is not a status code; the generator needs one");
                    }
                    JsonNode response = doc.deref(op.path("responses").get(code));
                    List<String> types = new ArrayList<>();
                    response.path("content").fieldNames().forEachRemaining(types::add);
                    responses.put(Integer.parseInt(code), List.copyOf(types));
                }
                JsonNode security = op.has("security") ? op.get("security") : root.path("security");
                List<String> schemes = new ArrayList<>();
                for (JsonNode requirement : security) {
                    requirement.fieldNames().forEachRemaining(schemes::add);
                }
                String id = op.path("operationId").asText(method + " " + path);
                out.add(new Operation(dialect, doc.name, id, method.toUpperCase(Locale.ROOT), template,
                        List.copyOf(params.values()), body, Collections.unmodifiableMap(responses),
                        List.copyOf(schemes), doc));
            }
        }
        return out;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> all = new ArrayList<>();
        a.forEach(all::add);
        b.forEach(all::add);
        return all;
    }

    /** The path part of servers[0].url without a trailing slash; empty when there is none. */
    private static String mount(JsonNode servers) {
        String url = servers.path(0).path("url").asText("");
        Matcher scheme = SCHEME.matcher(url);
        String path;
        if (scheme.find()) {
            String rest = url.substring(scheme.end());
            int slash = rest.indexOf('/');
            path = slash < 0 ? "" : rest.substring(slash);
        } else {
            path = url.startsWith("/") ? url : "";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }
}
