package io.sessiongateway.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sessiongateway.adapters.spi.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The gateway's JSON settings, built once. */
final class Json {
    /** Deepest nesting a request body may have. */
    static final int MAX_DEPTH = 64;

    /**
     * Date-times in every response of every dialect and the admin API through {@link Timestamps#format}: RFC 3339 in
     * UTC with exactly three fraction digits (Jackson's own writer drops trailing zeros and keeps microseconds).
     */
    private static final SimpleModule TIMESTAMPS = new SimpleModule("timestamps")
            .addSerializer(OffsetDateTime.class, new StdSerializer<>(OffsetDateTime.class) {
                @Override
                public void serialize(OffsetDateTime value, JsonGenerator gen, SerializerProvider provider)
                        throws IOException {
                    gen.writeString(Timestamps.format(value.toInstant()));
                }
            })
            .addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
                @Override
                public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                        throws IOException {
                    gen.writeString(Timestamps.format(value));
                }
            });

    private Json() {}

    /**
     * Strict reading: no type coercion (a number is not a string), duplicate keys and trailing tokens refused,
     * unknown properties ignored (vendors' schemas allow them), bounded nesting.
     */
    static ObjectMapper mapper(JsonInclude.Include inclusion) {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .serializationInclusion(inclusion)
                .build();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .build());
        for (LogicalType type : new LogicalType[] {
            LogicalType.Textual,
            LogicalType.Integer,
            LogicalType.Float,
            LogicalType.Boolean,
            LogicalType.Collection,
            LogicalType.POJO,
            LogicalType.Map
        }) {
            mapper.coercionConfigFor(type)
                    .setCoercion(
                            CoercionInputShape.Integer,
                            type == LogicalType.Integer || type == LogicalType.Float
                                    ? CoercionAction.TryConvert
                                    : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Float,
                            type == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Boolean,
                            type == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.String,
                            type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.EmptyString,
                            type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        mapper.coercionConfigDefaults().setAcceptBlankAsEmpty(false);
        // "" is neither a UUID nor a date-time; Jackson would otherwise read it as null (absent).
        for (LogicalType type : new LogicalType[] {LogicalType.OtherScalar, LogicalType.DateTime}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }
}
