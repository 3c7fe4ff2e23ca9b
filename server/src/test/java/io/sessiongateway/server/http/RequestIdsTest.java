package io.sessiongateway.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which incoming request ids are kept, and what replaces the others. */
class RequestIdsTest {
    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "0190a5b4-7c1e-7000-8000-000000000001",
                "01JD5Z8Q2W3E4R5T6Y7U8I9O0P",
                "Root=1-5759e988-bd862e3fe1be46a994272793",
                "abc.DEF_123:~+/=-"
            })
    void wellFormedIdsAreKept(String id) {
        assertEquals(id, RequestIds.acceptOrGenerate(id));
    }

    @Test
    void theLongestKeptIdHas128Characters() {
        String max = "x".repeat(RequestIds.MAX_LENGTH);
        assertEquals(max, RequestIds.acceptOrGenerate(max));
        assertTrue(UUID.matcher(RequestIds.acceptOrGenerate(max + "x")).matches());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {"", " ", "has space", "line\nbreak", "<script>", "quote\"", "ü", "semi;colon", "tab\t", "a,b"})
    void othersAreReplacedByAUuid(String id) {
        assertTrue(UUID.matcher(RequestIds.acceptOrGenerate(id)).matches());
    }

    @Test
    void generatedIdsDiffer() {
        assertNotEquals(RequestIds.generate(), RequestIds.generate());
    }

    @Test
    void generatedIdsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertTrue(UUID.matcher(id).matches(), id);
            java.util.UUID parsed = java.util.UUID.fromString(id);
            assertEquals(4, parsed.version());
            assertEquals(2, parsed.variant());
            assertTrue(seen.add(id), id);
        }
    }
}
