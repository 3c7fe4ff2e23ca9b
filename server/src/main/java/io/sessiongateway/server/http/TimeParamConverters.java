package io.sessiongateway.server.http;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;

/**
 * Converts {@code format: date-time} query and path parameters (generated as {@link OffsetDateTime}, for which Jersey
 * has no converter of its own) from RFC 3339 text. A value that does not parse fails the conversion, which Jersey
 * reports as a {@code ParamException}: the dialect's validation status, naming the parameter.
 */
final class TimeParamConverters implements ParamConverterProvider {
    private static final ParamConverter<OffsetDateTime> OFFSET_DATE_TIME = new ParamConverter<>() {
        @Override
        public OffsetDateTime fromString(String value) {
            if (value == null) {
                throw new IllegalArgumentException("no value");
            }
            return OffsetDateTime.parse(value);
        }

        @Override
        public String toString(OffsetDateTime value) {
            return value.toString();
        }
    };

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        return rawType == OffsetDateTime.class ? (ParamConverter<T>) OFFSET_DATE_TIME : null;
    }
}
