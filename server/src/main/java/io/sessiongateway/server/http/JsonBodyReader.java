package io.sessiongateway.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.sessiongateway.adapters.spi.RequestBodies;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every JSON request body once, itself: at most the configured number of bytes (413 beyond), strict UTF-8,
 * strict JSON, then binds the generated model from the tree. Failures become INVALID_BODY with a message naming
 * the field, never Jackson's internals. The tree is left on the request for adapters that need undeclared
 * properties.
 */
final class JsonBodyReader implements ReaderInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(JsonBodyReader.class);
    private final ObjectMapper mapper;
    private final long maxBytes;

    JsonBodyReader(ObjectMapper mapper, long maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException, WebApplicationException {
        if (context.getMediaType() == null
                || !"json".equals(context.getMediaType().getSubtype())
                || context.getType() == String.class
                || context.getType() == InputStream.class) {
            return context.proceed();
        }
        byte[] bytes = readLimited(context.getInputStream());
        if (bytes.length == 0) {
            return null;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw GatewayException.invalidBody("request body is not valid UTF-8", null);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw GatewayException.invalidBody(
                    "request body is nested too deeply (limit " + Json.MAX_DEPTH + ")", null);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidBody("request body is not valid JSON" + location(e), null);
        }
        if (tree == null || tree.isMissingNode()) {
            return null;
        }
        if (!tree.isObject()) {
            throw GatewayException.invalidBody("request body must be a JSON object", null);
        }
        context.setProperty(RequestBodies.TREE_PROPERTY, tree);
        try {
            return mapper.treeToValue(tree, mapper.constructType(context.getGenericType()));
        } catch (JsonMappingException e) {
            String field = field(e);
            throw GatewayException.invalidBody(describe(e, field), field);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidBody("request body could not be read", null);
        }
    }

    private byte[] readLimited(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException | IllegalStateException e) {
            // The connection closed before the whole body came: the client went away, or the gateway cut the
            // request off at the end of its shutdown grace (Grizzly's CancelledKeyException). Nobody reads the
            // answer, and it is no bug of ours: no 500, no stack trace in the log.
            LOG.info(
                    "request body not received: connection closed ({})",
                    e.getClass().getSimpleName());
            throw GatewayException.invalidBody("request body could not be read: the connection was closed", null);
        }
        if (bytes.length > maxBytes) {
            throw new GatewayException(
                    ErrorKind.PAYLOAD_TOO_LARGE, "payload_too_large", "request body exceeds " + maxBytes + " bytes");
        }
        return bytes;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? null : path;
    }

    private static String describe(JsonMappingException e, String field) {
        String name = field == null ? "request body" : field;
        if (e instanceof MismatchedInputException m
                && m.getMessage() != null
                && m.getMessage().startsWith("Missing required creator property")) {
            String missing = m.getMessage().replaceAll("^Missing required creator property '([^']*)'.*(?s).*", "$1");
            return missing + " is required";
        }
        // InvalidFormatException (a string that is no UUID, date-time or enum value) is a MismatchedInputException
        // too; a generated enum's creator refusing a value is a ValueInstantiationException.
        Class<?> expected = e instanceof MismatchedInputException m
                ? m.getTargetType()
                : e instanceof ValueInstantiationException v && v.getType() != null
                        ? v.getType().getRawClass()
                        : null;
        return expected == null ? name + " is invalid" : name + " must be " + expected(expected);
    }

    /** The expected JSON type of a value bound to {@code type}, as the message names it. */
    static String expected(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class
                || type == Byte.class
                || type == byte.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == OffsetDateTime.class
                || type == Instant.class
                || type == ZonedDateTime.class
                || type == LocalDateTime.class) {
            return "an RFC 3339 date-time";
        }
        if (type == LocalDate.class) {
            return "an RFC 3339 date";
        }
        if (type == URI.class || type == URL.class) {
            return "a URI";
        }
        if (type.isEnum()) {
            // Generated enums render their document value with toString (the @JsonValue).
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }
}
