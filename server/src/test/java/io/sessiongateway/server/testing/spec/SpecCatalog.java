package io.sessiongateway.server.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one reader of {@code specs/}: every OpenAPI document under a directory, by dialect, with every operation
 * (path template under its server prefix, method, parameters, request body, declared responses with their schemas
 * and headers, security schemes), and the operation a live request is for. The response validator
 * ({@code SpecValidator}) and the conformance generator both read the documents through it, so a document dropped
 * into {@code specs/<dialect>/} is validated against and generated from without a code change.
 *
 * <p>Read with Jackson YAML as plain trees: the documents are self-contained (local {@code $ref}s only), and plain
 * trees keep OpenAPI 3.0 ({@code nullable}) and 3.1 (type arrays) exactly as written, where a model parser would
 * normalise one into the other. Immutable after loading and safe to share between threads.
 */
public final class SpecCatalog {
    /** The specs directory as the server module's tests see it. */
    public static final Path SPECS = Path.of("..", "specs");

    static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{([^}/]*)}");
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern SCHEME = Pattern.compile("^[^/?#]*://");
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * The operation extension that keeps a declared operation out of the served set while no adapter serves it:
     * {@code x-gateway-served: false}. Absent (or true) means served. See specs/README.md, "Served operations".
     */
    public static final String SERVED = "x-gateway-served";

    private final Map<String, SpecDocument> documents;
    private final List<SpecOperation> operations;
    private final List<SpecOperation> pending;

    private SpecCatalog(
            Map<String, SpecDocument> documents, List<SpecOperation> operations, List<SpecOperation> pending) {
        this.documents = Collections.unmodifiableMap(documents);
        this.operations = List.copyOf(operations);
        this.pending = List.copyOf(pending);
    }

    /** The documents of {@link #SPECS}, read once per JVM. */
    public static SpecCatalog shared() {
        return Shared.CATALOG;
    }

    private static final class Shared {
        static final SpecCatalog CATALOG = load(SPECS);
    }

    /**
     * Reads every {@code *.yaml} file with an {@code openapi} key under a directory (recursively, following links,
     * in path order); other YAML files are skipped.
     *
     * @param specsDir the directory
     * @return the catalog
     * @throws UncheckedIOException if the directory or a document cannot be read
     * @throws IllegalArgumentException if the directory holds no OpenAPI document
     * @throws IllegalStateException if a path item, parameter, request body or response {@code $ref} is broken
     */
    public static SpecCatalog load(Path specsDir) {
        Path root = specsDir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted(Comparator.comparing(p -> relative(root, p)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list OpenAPI documents under " + root, e);
        }
        Map<String, SpecDocument> documents = new LinkedHashMap<>();
        List<SpecOperation> operations = new ArrayList<>();
        List<SpecOperation> pending = new ArrayList<>();
        for (Path file : files) {
            JsonNode tree;
            try {
                tree = YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (tree == null || !tree.isObject() || !tree.has("openapi")) {
                continue;
            }
            SpecDocument document = new SpecDocument(relative(root, file), tree);
            documents.put(document.name(), document);
            for (SpecOperation operation : operationsOf(document)) {
                (served(document, operation) ? operations : pending).add(operation);
            }
        }
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("no OpenAPI document under " + root);
        }
        return new SpecCatalog(documents, operations, pending);
    }

    private static boolean served(SpecDocument document, SpecOperation operation) {
        Located op = document.at(operation.pointer());
        return op == null || op.node().path(SERVED).asBoolean(true);
    }

    /** The documents by name (path relative to the specs directory), in load order. */
    public Map<String, SpecDocument> documents() {
        return documents;
    }

    /**
     * One document.
     *
     * @throws IllegalArgumentException if there is no document of that name
     */
    public SpecDocument document(String name) {
        SpecDocument document = documents.get(name);
        if (document == null) {
            throw new IllegalArgumentException("no OpenAPI document " + name + "; loaded: " + documents.keySet());
        }
        return document;
    }

    /**
     * Every served operation of every document, in load order: what the validator matches requests against and
     * what conformance, bad-input and fuzz tests generate from. Operations marked {@code x-gateway-served: false}
     * are not among them (see {@link #pending()}).
     */
    public List<SpecOperation> operations() {
        return operations;
    }

    /**
     * The operations declared ahead of their adapters ({@code x-gateway-served: false}), in load order: their
     * documents are read and checked like the others, but no test sends their requests or expects them served.
     */
    public List<SpecOperation> pending() {
        return pending;
    }

    /** The operations of one dialect (the documents under {@code specs/<dialect>/}). */
    public List<SpecOperation> of(String dialect) {
        return operations.stream().filter(o -> o.dialect().equals(dialect)).toList();
    }

    /** The dialects that have at least one operation, in load order. */
    public Set<String> dialects() {
        Set<String> dialects = new LinkedHashSet<>();
        operations.forEach(o -> dialects.add(o.dialect()));
        return dialects;
    }

    /**
     * The operation that declares a request. Among the templates that match the path for this method, the one with
     * the most literal characters wins (so {@code /a/b} beats {@code /a/{x}}).
     *
     * @param method HTTP method, any case
     * @param requestPath raw request path without query string, including any server prefix
     * @return the operation, or empty if no document declares the request
     */
    public Optional<SpecOperation> match(String method, String requestPath) {
        SpecOperation best = null;
        for (SpecOperation operation : operations) {
            if (operation.method().equalsIgnoreCase(method)
                    && operation.matches(requestPath)
                    && (best == null || operation.literalChars() > best.literalChars())) {
                best = operation;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The operations of any method whose template matches the path. */
    public List<SpecOperation> matchingPath(String requestPath) {
        return operations.stream().filter(o -> o.matches(requestPath)).toList();
    }

    static Pattern templatePattern(String template) {
        return PATTERNS.computeIfAbsent(template, t -> {
            StringBuilder regex = new StringBuilder();
            Matcher variable = TEMPLATE_VARIABLE.matcher(t);
            int last = 0;
            while (variable.find()) {
                regex.append(Pattern.quote(t.substring(last, variable.start()))).append("[^/]+");
                last = variable.end();
            }
            regex.append(Pattern.quote(t.substring(last)));
            return Pattern.compile(regex.toString());
        });
    }

    private static List<SpecOperation> operationsOf(SpecDocument document) {
        List<SpecOperation> result = new ArrayList<>();
        JsonNode root = document.root();
        Located paths = document.at(List.of("paths"));
        if (paths == null) {
            return result;
        }
        for (Iterator<String> it = paths.node().fieldNames(); it.hasNext(); ) {
            String path = it.next();
            Located item = document.deref(paths.child(path));
            JsonNode itemServers = item.node().has("servers") ? item.node().get("servers") : root.path("servers");
            for (Iterator<String> methods = item.node().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (!METHODS.contains(method)) {
                    continue;
                }
                Located operation = item.child(method);
                JsonNode op = operation.node();
                JsonNode servers = op.has("servers") ? op.get("servers") : itemServers;
                String mount = mount(servers);
                result.add(new SpecOperation(
                        document,
                        op.path("operationId").asText(method + " " + path),
                        method.toUpperCase(Locale.ROOT),
                        mount + path,
                        operation.pointer(),
                        parameters(document, mount, servers, item.node(), op),
                        body(document, op),
                        responses(document, operation),
                        securitySchemes(root, op)));
            }
        }
        return result;
    }

    private static List<SpecOperation.Parameter> parameters(
            SpecDocument document, String mount, JsonNode servers, JsonNode item, JsonNode op) {
        Map<String, SpecOperation.Parameter> params = new LinkedHashMap<>();
        Matcher variable = TEMPLATE_VARIABLE.matcher(mount);
        while (variable.find()) {
            JsonNode var = servers.path(0).path("variables").path(variable.group(1));
            ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "string");
            if (var.has("enum")) {
                schema.set("enum", var.get("enum"));
            }
            params.put(variable.group(1), new SpecOperation.Parameter(variable.group(1), "server", true, schema));
        }
        List<JsonNode> declared = new ArrayList<>();
        item.path("parameters").forEach(declared::add);
        op.path("parameters").forEach(declared::add);
        for (JsonNode p : declared) {
            JsonNode param = document.deref(p);
            String in = param.path("in").asText();
            String name = param.path("name").asText();
            params.put(
                    in + ":" + name,
                    new SpecOperation.Parameter(
                            name,
                            in,
                            in.equals("path") || param.path("required").asBoolean(false),
                            param.path("schema")));
        }
        return List.copyOf(params.values());
    }

    private static SpecOperation.Body body(SpecDocument document, JsonNode op) {
        if (!op.has("requestBody")) {
            return null;
        }
        JsonNode rb = document.deref(op.get("requestBody"));
        List<String> types = new ArrayList<>();
        rb.path("content").fieldNames().forEachRemaining(types::add);
        JsonNode schema = rb.path("content").path("application/json").path("schema");
        return new SpecOperation.Body(
                rb.path("required").asBoolean(false), List.copyOf(types), schema, SpecDocument.refName(schema));
    }

    private static List<SpecOperation.Response> responses(SpecDocument document, Located operation) {
        List<SpecOperation.Response> result = new ArrayList<>();
        Located responses = document.deref(operation.child("responses"));
        if (responses == null) {
            return result;
        }
        for (Iterator<String> keys = responses.node().fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            Located response = document.deref(responses.child(key));
            List<SpecOperation.Content> content = new ArrayList<>();
            Located contents = response.child("content");
            if (contents != null) {
                for (Iterator<String> types = contents.node().fieldNames(); types.hasNext(); ) {
                    String type = types.next();
                    content.add(new SpecOperation.Content(
                            type, document.deref(contents.child(type)).child("schema")));
                }
            }
            List<SpecOperation.Header> headers = new ArrayList<>();
            Located declared = response.child("headers");
            if (declared != null) {
                for (Iterator<String> names = declared.node().fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    headers.add(new SpecOperation.Header(name, document.deref(declared.child(name))));
                }
            }
            result.add(new SpecOperation.Response(key, List.copyOf(content), List.copyOf(headers)));
        }
        return result;
    }

    private static List<String> securitySchemes(JsonNode root, JsonNode op) {
        JsonNode security = op.has("security") ? op.get("security") : root.path("security");
        List<String> schemes = new ArrayList<>();
        for (JsonNode requirement : security) {
            requirement.fieldNames().forEachRemaining(schemes::add);
        }
        return List.copyOf(schemes);
    }

    /** The path part of servers[0].url without query, fragment or trailing slash; empty if there is none. */
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
        path = path.replaceAll("[?#].*$", "");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
