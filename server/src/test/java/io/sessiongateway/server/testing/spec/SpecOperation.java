package io.sessiongateway.server.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One operation of one document, as both the response validator and the conformance generator see it.
 *
 * @param document the document that declares it
 * @param id the {@code operationId}, or {@code "method path"} when there is none
 * @param method upper-case HTTP method
 * @param template the path under the path part of the applicable {@code servers[0].url} (operation, path item or
 *     document level), so TrueFoundry's paths read {@code /{tenantName}/v1/...}
 * @param pointer where the operation object is in the document
 * @param parameters path-item and operation parameters (an operation's overrides the path item's of the same name
 *     and location), plus one {@code server} parameter per server variable the template uses
 * @param body the request body, or null when the operation declares none
 * @param responses the declared responses, in document order
 * @param securitySchemes the names of the security schemes that apply (operation level, else document level)
 */
public record SpecOperation(
        SpecDocument document,
        String id,
        String method,
        String template,
        List<String> pointer,
        List<Parameter> parameters,
        Body body,
        List<Response> responses,
        List<String> securitySchemes) {

    /** A parameter; {@code in} is path, query, header, cookie, or {@code server} for a server variable. */
    public record Parameter(String name, String in, boolean required, JsonNode schema) {}

    /** The request body: its media types and the schema of the JSON one; {@code schemaName} when a $ref. */
    public record Body(boolean required, List<String> mediaTypes, JsonNode schema, String schemaName) {}

    /**
     * One declared response.
     *
     * @param key the key as written: {@code 200}, {@code 4XX} or {@code default}
     * @param content the declared media types with their schemas, in document order
     * @param headers the declared headers (name and the dereferenced header object)
     */
    public record Response(String key, List<Content> content, List<Header> headers) {
        /** Whether the response declares a body. */
        public boolean hasContent() {
            return !content.isEmpty();
        }
    }

    /** A media type of a response, with its schema (null when the media type declares none). */
    public record Content(String mediaType, Located schema) {}

    /** A response header, with its dereferenced header object. */
    public record Header(String name, Located definition) {}

    /** The dialect: the folder of the document under {@code specs/}. */
    public String dialect() {
        return document.dialect();
    }

    /** The name of the document, relative to the specs directory. */
    public String documentName() {
        return document.name();
    }

    /**
     * The numeric status codes declared.
     *
     * @throws IllegalStateException if a response key is a range or {@code default}: the conformance generator
     *     needs a status it can provoke
     */
    public SortedSet<Integer> statuses() {
        SortedSet<Integer> statuses = new TreeSet<>();
        for (Response response : responses) {
            if (!response.key().matches("\\d{3}")) {
                throw new IllegalStateException(document.name() + " " + this + ": response key " + response.key()
                        + " is not a status code; the generator needs one");
            }
            statuses.add(Integer.parseInt(response.key()));
        }
        return statuses;
    }

    /** Whether a response is declared for exactly this status code. */
    public boolean declares(int status) {
        String key = Integer.toString(status);
        return responses.stream().anyMatch(r -> r.key().equals(key));
    }

    /**
     * The response that covers a status: the exact code first, then its range ({@code 4XX}), then {@code default}.
     *
     * @param status an HTTP status code
     * @return the declared response, or empty when none covers the status
     */
    public Optional<Response> response(int status) {
        String exact = Integer.toString(status);
        String range = status / 100 + "XX";
        return responses.stream()
                .filter(r -> r.key().equals(exact))
                .findFirst()
                .or(() -> responses.stream()
                        .filter(r -> r.key().equalsIgnoreCase(range))
                        .findFirst())
                .or(() -> responses.stream()
                        .filter(r -> r.key().equals("default"))
                        .findFirst());
    }

    /** Whether the operation changes state (everything but GET). */
    public boolean writes() {
        return !method.equals("GET");
    }

    /** The parameters in one location ({@code path}, {@code query}, {@code header}, {@code server}). */
    public List<Parameter> parameters(String in) {
        return parameters.stream().filter(p -> p.in().equals(in)).toList();
    }

    /** Whether a raw request path (no query string) fits the template; each variable matches one segment. */
    public boolean matches(String requestPath) {
        return pattern().matcher(requestPath).matches();
    }

    /** How specific the template is: its length without the variables. The longest literal part wins a match. */
    int literalChars() {
        return SpecCatalog.TEMPLATE_VARIABLE.matcher(template).replaceAll("").length();
    }

    private Pattern pattern() {
        return SpecCatalog.templatePattern(template);
    }

    @Override
    public String toString() {
        return method + " " + template;
    }
}
