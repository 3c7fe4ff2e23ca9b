package io.sessiongateway.server.testing;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rest-assured {@link Filter} that checks every response against the OpenAPI documents with a
 * {@link SpecValidator} and throws {@link AssertionError} on any violation.
 *
 * <p>Create one with {@link SpecValidator#filter()} and register it per request
 * ({@code given().filter(f)}) or globally ({@code RestAssured.filters(f)}). Use
 * {@link #orElse(String, String)} for tests that expect responses no operation declares (unknown
 * routes, 405, 415 ...).
 */
public final class SpecValidationFilter implements Filter {

    private static final AtomicLong TOTAL = new AtomicLong();
    private static final int MAX_BODY_IN_MESSAGE = 2000;

    private final SpecValidator validator;
    private final AtomicLong counter;
    private final String fallbackDocument;
    private final String fallbackSchema;
    private final String mountPrefix;
    private final boolean componentOnly;

    SpecValidationFilter(SpecValidator validator) {
        this(validator, new AtomicLong(), null, null, "", false);
    }

    private SpecValidationFilter(
            SpecValidator validator,
            AtomicLong counter,
            String fallbackDocument,
            String fallbackSchema,
            String mountPrefix,
            boolean componentOnly) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.counter = counter;
        this.fallbackDocument = fallbackDocument;
        this.fallbackSchema = fallbackSchema;
        this.mountPrefix = mountPrefix;
        this.componentOnly = componentOnly;
    }

    /**
     * Returns a filter for a dialect the gateway mounts under an operator's prefix (e.g. {@code /tf}): the prefix
     * is removed from each request path before the operation is looked up, as a client whose base URL ends in the
     * prefix sees it. The returned filter shares this filter's counter and fallback.
     *
     * @param prefix empty, or {@code /segment[/segment...]} without a trailing slash
     * @return a new filter with the prefix
     */
    public SpecValidationFilter under(String prefix) {
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
            throw new IllegalArgumentException("prefix must be empty or like /path: " + prefix);
        }
        return new SpecValidationFilter(validator, counter, fallbackDocument, fallbackSchema, prefix, componentOnly);
    }

    /**
     * Returns a filter that validates every body against {@code #/components/schemas/<schemaName>} of the given
     * document, whatever operation the path would match: for paths a document declares but the gateway is
     * configured not to serve (a disabled dialect's, or a prefixed dialect's paths without the prefix), whose
     * answers are the gateway's own 404s. The returned filter shares this filter's counter.
     *
     * @param documentRelativePath document path relative to the specs directory
     * @param schemaName name of a schema under {@code components/schemas}
     * @return a new filter
     * @throws IllegalArgumentException if the document or the schema does not exist
     */
    public SpecValidationFilter only(String documentRelativePath, String schemaName) {
        validator.componentSchema(documentRelativePath, schemaName);
        return new SpecValidationFilter(validator, counter, documentRelativePath, schemaName, mountPrefix, true);
    }

    /**
     * Returns a filter that, when the request matches no operation or the matched operation does not
     * declare the status, validates the body against {@code #/components/schemas/<schemaName>} of
     * the given document instead of failing. Schema violations (and a content type other than
     * {@code application/json}) still fail. The returned filter shares this filter's counter.
     *
     * @param documentRelativePath document path relative to the specs directory, e.g.
     *     {@code truefoundry/get-session.yaml}
     * @param schemaName name of a schema under {@code components/schemas}
     * @return a new filter with the fallback
     * @throws IllegalArgumentException if the document or the schema does not exist
     */
    public SpecValidationFilter orElse(String documentRelativePath, String schemaName) {
        validator.componentSchema(documentRelativePath, schemaName);
        return new SpecValidationFilter(
                validator, counter, documentRelativePath, schemaName, mountPrefix, componentOnly);
    }

    /**
     * Number of responses this filter (and the filters derived from it with {@link #orElse}) has
     * validated, whether they passed or not.
     *
     * @return the count
     */
    public long validatedCount() {
        return counter.get();
    }

    /**
     * Number of responses validated by all filters in this JVM.
     *
     * @return the count
     */
    public static long totalValidatedCount() {
        return TOTAL.get();
    }

    /**
     * Sends the request, then validates the response.
     *
     * @param requestSpec the request
     * @param responseSpec the response expectations
     * @param ctx the filter chain
     * @return the response, unchanged
     * @throws AssertionError listing every violation, the request and the response body
     */
    @Override
    public Response filter(
            FilterableRequestSpecification requestSpec,
            FilterableResponseSpecification responseSpec,
            FilterContext ctx) {
        Response response = ctx.next(requestSpec, responseSpec);
        String method = requestSpec.getMethod();
        String path = withoutPrefix(pathOf(requestSpec.getURI()));
        int status = response.getStatusCode();
        String contentType = response.getHeader("Content-Type");
        String body = response.asString();

        SpecValidator.Evaluation evaluation = validator.evaluate(method, path, status, contentType, body);
        List<String> violations = evaluation.violations();
        String note = "";
        if (fallbackDocument != null && (componentOnly || evaluation.outcome() != SpecValidator.Outcome.CHECKED)) {
            violations = validator.validateAgainstComponent(fallbackDocument, fallbackSchema, contentType, body);
            note = "validated against " + fallbackDocument + "#/components/schemas/" + fallbackSchema
                    + (componentOnly ? " only" : " because: " + String.join("; ", evaluation.violations())) + "\n";
        }
        counter.incrementAndGet();
        TOTAL.incrementAndGet();
        if (!violations.isEmpty()) {
            StringBuilder message = new StringBuilder("Response violates the OpenAPI documents:\n");
            for (String violation : violations) {
                message.append("  - ").append(violation).append('\n');
            }
            message.append(note)
                    .append(method)
                    .append(' ')
                    .append(path)
                    .append(" -> ")
                    .append(status)
                    .append(contentType == null ? "" : " (" + contentType + ")")
                    .append('\n')
                    .append("body: ")
                    .append(
                            body.length() <= MAX_BODY_IN_MESSAGE
                                    ? body
                                    : body.substring(0, MAX_BODY_IN_MESSAGE) + "...");
            throw new AssertionError(message.toString());
        }
        return response;
    }

    /** The path as the vendor's document writes it: without the mount prefix, when the request is under it. */
    private String withoutPrefix(String path) {
        if (mountPrefix.isEmpty() || !path.startsWith(mountPrefix + "/")) {
            return path;
        }
        return path.substring(mountPrefix.length());
    }

    /** The raw path of a request URI, without scheme, authority, query or fragment. */
    static String pathOf(String uri) {
        try {
            String path = URI.create(uri).getRawPath();
            if (path != null) {
                return path.isEmpty() ? "/" : path;
            }
        } catch (IllegalArgumentException e) {
            // not a parseable URI: strip by hand below
        }
        String rest = uri;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            rest = rest.substring(scheme + 3);
            int slash = rest.indexOf('/');
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        int end = rest.length();
        for (char c : new char[] {'?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return rest.substring(0, end);
    }
}
