package io.sessiongateway.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.generated.admin.model.CreateApiKeyRequest;
import io.sessiongateway.generated.recoup.model.CreateSessionRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request mapper's strictness where Jackson is lenient by default. */
class JsonTest {
    private final ObjectMapper mapper = Json.mapper(JsonInclude.Include.ALWAYS);

    @Test
    void emptyStringIsNotAUuid() {
        assertThrows(
                JsonMappingException.class,
                () -> mapper.readValue("{\"organizationId\":\"\"}", CreateSessionRequest.class));
    }

    @Test
    void emptyStringIsNotADateTime() {
        assertThrows(
                JsonMappingException.class, () -> mapper.readValue("{\"expires_at\":\"\"}", CreateApiKeyRequest.class));
    }

    @Test
    void aUuidStillReads() throws Exception {
        UUID id = UUID.randomUUID();
        assertEquals(
                id,
                mapper.readValue("{\"organizationId\":\"" + id + "\"}", CreateSessionRequest.class)
                        .getOrganizationId());
    }

    /** Issue #17: one format for every date-time a response carries, whatever its precision. */
    @Test
    void dateTimesAreWrittenWithExactlyThreeFractionDigits() throws Exception {
        OffsetDateTime trailingZero = OffsetDateTime.of(2026, 12, 5, 4, 31, 15, 350_000_000, ZoneOffset.UTC);
        assertEquals("\"2026-12-05T04:31:15.350Z\"", mapper.writeValueAsString(trailingZero));
        assertEquals("\"2026-12-05T04:31:15.000Z\"", mapper.writeValueAsString(trailingZero.withNano(0)));
        assertEquals("\"2026-12-05T04:31:15.123Z\"", mapper.writeValueAsString(trailingZero.withNano(123_456_789)));
        assertEquals(
                "\"2026-12-05T03:31:15.350Z\"",
                mapper.writeValueAsString(trailingZero.withOffsetSameLocal(ZoneOffset.ofHours(1))));
        assertEquals("\"2026-12-05T04:31:15.350Z\"", mapper.writeValueAsString(trailingZero.toInstant()));
    }

    static Stream<Arguments> expectedTypes() {
        return Stream.of(
                Arguments.of(String.class, "a string"),
                Arguments.of(Boolean.class, "a boolean"),
                Arguments.of(boolean.class, "a boolean"),
                Arguments.of(Integer.class, "an integer"),
                Arguments.of(long.class, "an integer"),
                Arguments.of(BigInteger.class, "an integer"),
                Arguments.of(Double.class, "a number"),
                Arguments.of(BigDecimal.class, "a number"),
                Arguments.of(UUID.class, "a UUID"),
                Arguments.of(OffsetDateTime.class, "an RFC 3339 date-time"),
                Arguments.of(Instant.class, "an RFC 3339 date-time"),
                Arguments.of(LocalDate.class, "an RFC 3339 date"),
                Arguments.of(URI.class, "a URI"),
                Arguments.of(CreateApiKeyRequest.DialectEnum.class, "one of everruns, recoup, runtime"),
                Arguments.of(List.class, "an array"),
                Arguments.of(String[].class, "an array"),
                Arguments.of(Map.class, "an object"),
                Arguments.of(CreateApiKeyRequest.class, "an object"));
    }

    /** Issue #17: every scalar type the body reader maps is named in its message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedTypes")
    void theBodyReaderNamesEachTypeItMaps(Class<?> type, String expected) {
        assertEquals(expected, JsonBodyReader.expected(type));
    }
}
