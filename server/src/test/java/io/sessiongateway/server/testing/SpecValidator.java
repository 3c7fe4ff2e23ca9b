package io.sessiongateway.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import com.networknt.schema.oas.OpenApi31;
import io.sessiongateway.server.testing.spec.Located;
import io.sessiongateway.server.testing.spec.SpecCatalog;
import io.sessiongateway.server.testing.spec.SpecDocument;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks HTTP responses against the OpenAPI documents that declare them.
 *
 * <p>The documents and their operations come from a {@link SpecCatalog} (the same reader the
 * conformance generator uses): each operation is mounted under the path part of its (operation,
 * path item or document level) {@code servers[0].url}, so TrueFoundry's paths live under
 * {@code /{tenantName}}. A response is checked for: a declared operation, a declared status, a
 * declared media type, a body that validates against the media type's schema (JSON Schema 2020-12
 * with the OpenAPI 3.1 dialect for 3.1 documents, the OpenAPI 3.0 dialect for 3.0 documents, format
 * assertions on) and, beyond what JSON Schema itself checks, no properties that a closed object
 * schema does not declare (strict generated clients reject those).
 *
 * <p>Instances are immutable after {@link #load(Path)} and safe to share between threads.
 */
public final class SpecValidator {

    private static final String BASE_IRI = "https://specs.session-gateway.invalid/";
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final JsonSchemaFactory FACTORY_31 =
            factory(SpecVersion.VersionFlag.V202012, OpenApi31.getInstance());
    private static final JsonSchemaFactory FACTORY_30 = factory(SpecVersion.VersionFlag.V4, OpenApi30.getInstance());
    private static final SchemaValidatorsConfig CONFIG_31 = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .preloadJsonSchema(false)
            .build();
    private static final SchemaValidatorsConfig CONFIG_30 = SchemaValidatorsConfig.builder(CONFIG_31)
            .nullableKeywordEnabled(true)
            .build();

    private final SpecCatalog catalog;
    private final Map<SpecDocument, Compiled> compiled;

    private SpecValidator(SpecCatalog catalog) {
        this.catalog = catalog;
        Map<SpecDocument, Compiled> byDocument = new IdentityHashMap<>();
        for (SpecDocument document : catalog.documents().values()) {
            byDocument.put(document, new Compiled(document));
        }
        for (SpecOperation operation : catalog.operations()) {
            byDocument.get(operation.document()).compileResponses(operation);
        }
        // operations declared ahead of their adapters are never matched, but their schemas must compile too
        for (SpecOperation operation : catalog.pending()) {
            byDocument.get(operation.document()).compileResponses(operation);
        }
        this.compiled = Collections.unmodifiableMap(byDocument);
    }

    /** Outcome of {@link #evaluate}: what could be checked. */
    enum Outcome {
        NO_OPERATION,
        UNDECLARED_STATUS,
        CHECKED
    }

    /** Violations plus how far the check got; used by {@link SpecValidationFilter}. */
    record Evaluation(Outcome outcome, List<String> violations) {}

    /**
     * Loads every OpenAPI document under {@code specsDir} (see {@link SpecCatalog#load}) and compiles every
     * response schema.
     *
     * @param specsDir directory holding the OpenAPI documents
     * @return a validator for all operations of all documents
     * @throws java.io.UncheckedIOException if the directory or a document cannot be read
     * @throws IllegalArgumentException if the directory holds no OpenAPI document
     * @throws IllegalStateException if a response schema cannot be compiled (e.g. a broken $ref)
     */
    public static SpecValidator load(Path specsDir) {
        return of(SpecCatalog.load(specsDir));
    }

    /**
     * A validator over the documents of a catalog; compiles every response schema.
     *
     * @param catalog the documents
     * @return a validator for all operations of all documents
     * @throws IllegalStateException if a response schema cannot be compiled (e.g. a broken $ref)
     */
    public static SpecValidator of(SpecCatalog catalog) {
        return new SpecValidator(catalog);
    }

    /** The documents this validator checks against. */
    public SpecCatalog catalog() {
        return catalog;
    }

    /**
     * Creates a rest-assured filter that validates every response with this validator.
     *
     * @return a new filter with its own response counter
     */
    public SpecValidationFilter filter() {
        return new SpecValidationFilter(this);
    }

    /**
     * The relative paths (with {@code /} separators) of the loaded documents.
     *
     * @return document names in load order
     */
    public Set<String> documents() {
        return catalog.documents().keySet();
    }

    /**
     * Finds the operation that declares a request. Among the templates that match the path
     * for this method, the one with the most literal characters wins.
     *
     * @param method HTTP method, any case
     * @param requestPath raw request path, without query string
     * @return the matched operation, or empty if no document declares the request
     */
    public Optional<SpecOperation> findOperation(String method, String requestPath) {
        return catalog.match(method, requestPath);
    }

    /**
     * Validates one response against the document that declares its request.
     *
     * @param method HTTP method of the request
     * @param requestPath raw request path (no query string), including any mount prefix such as
     *     the TrueFoundry tenant
     * @param status HTTP status code of the response
     * @param contentType value of the response's Content-Type header, or {@code null}
     * @param body response body as text, or {@code null} / empty for none
     * @return human-readable violations; empty when the response conforms
     */
    public List<String> validate(String method, String requestPath, int status, String contentType, String body) {
        return evaluate(method, requestPath, status, contentType, body).violations();
    }

    /**
     * Validates a JSON body against {@code #/components/schemas/<schemaName>} of one document,
     * for responses that no operation declares (unknown routes, 405, 415 ...). The content type
     * must be {@code application/json}; undeclared properties are reported as in
     * {@link #validate}.
     *
     * @param documentRelativePath document path relative to the specs directory, e.g.
     *     {@code truefoundry/get-session.yaml}
     * @param schemaName name of a schema under {@code components/schemas}
     * @param contentType value of the response's Content-Type header, or {@code null}
     * @param body response body as text
     * @return human-readable violations; empty when the body conforms
     * @throws IllegalArgumentException if the document or the schema does not exist
     */
    public List<String> validateAgainstComponent(
            String documentRelativePath, String schemaName, String contentType, String body) {
        Located schema = componentSchema(documentRelativePath, schemaName);
        SpecDocument document = catalog.document(documentRelativePath);
        List<String> violations = new ArrayList<>();
        String mediaType = mediaType(contentType);
        if (!"application/json".equals(mediaType)) {
            violations.add("content type " + quote(contentType) + " is not application/json (validated against "
                    + documentRelativePath + "#/components/schemas/" + schemaName + ")");
        }
        checkJsonBody(document, schema, body, violations);
        return violations;
    }

    /** Throws unless the document declares the component schema. */
    Located componentSchema(String documentRelativePath, String schemaName) {
        Located schema = catalog.document(documentRelativePath).componentSchema(schemaName);
        if (schema == null) {
            throw new IllegalArgumentException(documentRelativePath + " has no #/components/schemas/" + schemaName);
        }
        if (schema == null) {
            throw new IllegalArgumentException(documentRelativePath + " has no #/components/schemas/" + schemaName);
        }
        return schema;
    }

    /** Like {@link #validate} but also tells whether an operation and a declared status were found. */
    Evaluation evaluate(String method, String requestPath, int status, String contentType, String body) {
        SpecOperation operation = catalog.match(method, requestPath).orElse(null);
        if (operation == null) {
            List<String> others = catalog.matchingPath(requestPath).stream()
                    .map(SpecValidator::describe)
                    .collect(Collectors.toList());
            return new Evaluation(
                    Outcome.NO_OPERATION,
                    List.of("no operation for " + method.toUpperCase(Locale.ROOT) + " " + requestPath
                            + (others.isEmpty() ? "" : "; the path matches " + others)));
        }
        SpecOperation.Response response = operation.response(status).orElse(null);
        if (response == null) {
            List<String> declared = operation.responses().stream()
                    .map(SpecOperation.Response::key)
                    .toList();
            return new Evaluation(
                    Outcome.UNDECLARED_STATUS,
                    List.of("undeclared status " + status + " for " + describe(operation) + "; declared: " + declared));
        }
        List<String> violations = new ArrayList<>();
        checkResponse(operation.document(), response, contentType, body, violations);
        return new Evaluation(Outcome.CHECKED, violations);
    }

    private static String describe(SpecOperation operation) {
        return operation + " (" + operation.documentName() + ")";
    }

    private void checkResponse(
            SpecDocument document,
            SpecOperation.Response response,
            String contentType,
            String body,
            List<String> violations) {
        if (!response.hasContent()) {
            if (body != null && !body.isEmpty()) {
                violations.add("the response declares no content but the body is " + abbreviate(body));
            }
            return;
        }
        List<String> declared = response.content().stream()
                .map(SpecOperation.Content::mediaType)
                .toList();
        String mediaType = mediaType(contentType);
        SpecOperation.Content content = mediaType == null
                ? null
                : response.content().stream()
                        .filter(d -> mediaTypeMatches(d.mediaType(), mediaType))
                        .min(Comparator.comparingInt(d -> d.mediaType().contains("*") ? 1 : 0))
                        .orElse(null);
        if (content == null) {
            violations.add("content type " + quote(contentType) + " is not declared; declared: " + declared);
            return;
        }
        Located schema = content.schema();
        if (schema == null) {
            return;
        }
        if (isJson(mediaType)) {
            checkJsonBody(document, schema, body, violations);
        } else if (mediaType.equals("text/event-stream")) {
            checkStream(document, schema, body, violations);
        } else {
            schemaViolations(document, schema, TextNode.valueOf(body == null ? "" : body), violations);
        }
    }

    private void checkJsonBody(SpecDocument document, Located schema, String body, List<String> violations) {
        JsonNode instance;
        try {
            instance = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            violations.add("the body is not valid JSON (" + e.getOriginalMessage() + "): " + abbreviate(body));
            return;
        }
        if (instance == null || instance.isMissingNode()) {
            violations.add("the body is empty but the response declares JSON content");
            return;
        }
        schemaViolations(document, schema, instance, violations);
        new PropertyCheck(document, violations).check(instance, List.of(schema.node()), "");
    }

    /**
     * A stream's schema describes one parsed frame (specs/README.md, "Streams"): every frame must conform, and
     * undeclared properties are reported as for JSON bodies, prefixed with the frame's index.
     */
    private void checkStream(SpecDocument document, Located schema, String body, List<String> violations) {
        List<JsonNode> frames = SseFrames.parse(body);
        for (int i = 0; i < frames.size(); i++) {
            List<String> frameViolations = new ArrayList<>();
            schemaViolations(document, schema, frames.get(i), frameViolations);
            new PropertyCheck(document, frameViolations).check(frames.get(i), List.of(schema.node()), "");
            for (String violation : frameViolations) {
                violations.add("frame " + i + " " + abbreviate(frames.get(i).toString()) + ": " + violation);
            }
        }
    }

    private void schemaViolations(SpecDocument document, Located schema, JsonNode instance, List<String> violations) {
        for (ValidationMessage message :
                compiled.get(document).schema(schema.pointer()).validate(instance)) {
            violations.add("schema: " + message.getMessage());
        }
    }

    private static boolean mediaTypeMatches(String declared, String actual) {
        String d = declared.toLowerCase(Locale.ROOT).trim();
        int semicolon = d.indexOf(';');
        if (semicolon >= 0) {
            d = d.substring(0, semicolon).trim();
        }
        if (d.equals(actual) || d.equals("*/*")) {
            return true;
        }
        return d.endsWith("/*") && actual.startsWith(d.substring(0, d.length() - 1));
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** The media type of a Content-Type header value, lower case without parameters; null if absent. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
                .trim()
                .toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "'" + s + "'";
    }

    private static String abbreviate(String body) {
        return body.length() <= MAX_BODY_IN_MESSAGE ? body : body.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    private static JsonSchemaFactory factory(SpecVersion.VersionFlag version, JsonMetaSchema dialect) {
        // Same dialect, but keywords it does not know (OpenAPI's example, xml, ...) are silent annotations
        // instead of one logged warning each.
        JsonMetaSchema quiet = JsonMetaSchema.builder(dialect)
                .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                .build();
        return JsonSchemaFactory.getInstance(
                version, builder -> builder.metaSchema(quiet).defaultMetaSchemaIri(quiet.getIri()));
    }

    /** The compiled schemas of one document: the whole document is one schema resource. */
    private static final class Compiled {
        private final SpecDocument document;
        private final JsonSchema rootSchema;
        private final Map<List<String>, JsonSchema> schemas = new HashMap<>();

        Compiled(SpecDocument document) {
            this.document = document;
            // The whole document is the schema resource, so '#/components/...' references resolve
            // inside it; response schemas are sub-schemas at their JSON pointer.
            SchemaLocation location = SchemaLocation.of(BASE_IRI + document.name());
            this.rootSchema = document.openApi30()
                    ? FACTORY_30.getSchema(location, document.root(), CONFIG_30)
                    : FACTORY_31.getSchema(location, document.root(), CONFIG_31);
        }

        /**
         * The compiled schema at a pointer, created once. Creation is serialised because it
         * registers resources in the document's shared validation context; validating with a
         * compiled (preloaded) schema is thread-safe.
         */
        synchronized JsonSchema schema(List<String> pointer) {
            JsonSchema schema = schemas.get(pointer);
            if (schema == null) {
                JsonNodePath path = new JsonNodePath(PathType.JSON_POINTER);
                for (String segment : pointer) {
                    path = path.append(segment);
                }
                schema = rootSchema.getSubSchema(path);
                schema.initializeValidators();
                schemas.put(pointer, schema);
            }
            return schema;
        }

        /** Compiles every response schema of an operation, so broken references fail at load time. */
        void compileResponses(SpecOperation operation) {
            for (SpecOperation.Response response : operation.responses()) {
                for (SpecOperation.Content content : response.content()) {
                    Located schema = content.schema();
                    if (schema != null) {
                        try {
                            schema(schema.pointer());
                        } catch (RuntimeException e) {
                            throw new IllegalStateException(
                                    document.name() + ": cannot compile the schema at "
                                            + String.join("/", schema.pointer()) + ": " + e.getMessage(),
                                    e);
                        }
                    }
                }
            }
        }
    }

    /**
     * The "no undeclared properties" check: walks the instance together with its schemas and
     * reports keys of objects whose schemas declare {@code properties} but no
     * {@code additionalProperties} (or {@code additionalProperties: false}).
     */
    private static final class PropertyCheck {
        private final SpecDocument document;
        private final List<String> violations;

        PropertyCheck(SpecDocument document, List<String> violations) {
            this.document = document;
            this.violations = violations;
        }

        void check(JsonNode instance, List<JsonNode> schemas, String pointer) {
            List<JsonNode> flat = new ArrayList<>();
            boolean[] unknown = {false};
            Set<JsonNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (JsonNode schema : schemas) {
                flatten(schema, flat, seen, unknown);
            }
            if (instance.isObject()) {
                checkObject(instance, flat, unknown[0], pointer);
            } else if (instance.isArray()) {
                for (int i = 0; i < instance.size(); i++) {
                    List<JsonNode> children = new ArrayList<>();
                    for (JsonNode schema : flat) {
                        JsonNode prefixItems = schema.get("prefixItems");
                        JsonNode items = schema.get("items");
                        int prefix = prefixItems != null && prefixItems.isArray() ? prefixItems.size() : 0;
                        if (i < prefix) {
                            children.add(prefixItems.get(i));
                        } else if (items != null && items.isObject()) {
                            children.add(items);
                        } else if (items != null && items.isArray() && i < items.size()) {
                            children.add(items.get(i));
                        }
                    }
                    if (!children.isEmpty()) {
                        check(instance.get(i), children, pointer + "/" + i);
                    }
                }
            }
        }

        private void checkObject(JsonNode instance, List<JsonNode> flat, boolean unknown, String pointer) {
            boolean closed = false;
            boolean open = unknown;
            for (JsonNode schema : flat) {
                closed |= schema.path("properties").isObject();
                open |= opens(schema.get("additionalProperties")) || opens(schema.get("unevaluatedProperties"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = instance.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                String childPointer = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                List<JsonNode> children = new ArrayList<>();
                boolean declared = false;
                for (JsonNode schema : flat) {
                    JsonNode property = schema.path("properties").get(key);
                    boolean here = property != null;
                    if (here) {
                        children.add(property);
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> patterns =
                                    schema.path("patternProperties").fields();
                            patterns.hasNext(); ) {
                        Map.Entry<String, JsonNode> pattern = patterns.next();
                        if (Pattern.compile(pattern.getKey()).matcher(key).find()) {
                            children.add(pattern.getValue());
                            here = true;
                        }
                    }
                    JsonNode additional = schema.get("additionalProperties");
                    if (!here && additional != null && additional.isObject()) {
                        children.add(additional);
                    }
                    declared |= here;
                }
                if (closed && !open && !declared) {
                    violations.add("undeclared property " + childPointer);
                }
                if (!children.isEmpty()) {
                    check(field.getValue(), children, childPointer);
                }
            }
        }

        private static boolean opens(JsonNode additional) {
            return additional != null && !(additional.isBoolean() && !additional.booleanValue());
        }

        /** Collects a schema with everything it references or composes (allOf, oneOf, anyOf). */
        private void flatten(JsonNode schema, List<JsonNode> out, Set<JsonNode> seen, boolean[] unknown) {
            if (schema == null || !schema.isObject() || !seen.add(schema)) {
                return;
            }
            JsonNode ref = schema.get("$ref");
            if (ref != null && ref.isTextual()) {
                Located target = document.resolve(ref.asText());
                if (target == null) {
                    unknown[0] = true; // a non-local reference: its properties are not known here
                } else {
                    flatten(target.node(), out, seen, unknown);
                }
                if (document.openApi30()) {
                    return; // OpenAPI 3.0: siblings of $ref are ignored
                }
            }
            out.add(schema);
            for (String keyword : List.of("allOf", "oneOf", "anyOf")) {
                for (JsonNode branch : schema.path(keyword)) {
                    flatten(branch, out, seen, unknown);
                }
            }
        }
    }
}
