package io.sessiongateway.core.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {
    @Test
    void newIdsAreVersion7AndRoundTripThroughThePrefixedForm() {
        UUID id = Ids.newId();
        assertEquals(7, id.version());
        String s = Ids.sessionPublicId(id);
        assertTrue(s.matches("^session_[0-9a-f]{32}$"), s);
        assertEquals(Optional.of(id), Ids.parsePrefixed("session", s));
    }

    @ParameterizedTest
    @CsvSource({
        "session, 01933b5a-0000-7000-8000-000000000001, session_01933b5a000070008000000000000001",
        "agent, 00000000-0000-0000-0000-000000000000, agent_00000000000000000000000000000000",
        "org, ffffffff-ffff-ffff-ffff-ffffffffffff, org_ffffffffffffffffffffffffffffffff",
    })
    void prefixedEncodingIsLowercaseHex(String prefix, UUID id, String expected) {
        assertEquals(expected, Ids.prefixed(prefix, id));
        assertEquals(Optional.of(id), Ids.parsePrefixed(prefix, expected));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "session_",
                "session_01933b5a00007000800000000000001",
                "session_01933b5a0000700080000000000000011",
                "session_01933B5A000070008000000000000001",
                "agent_01933b5a000070008000000000000001",
                "session-01933b5a000070008000000000000001",
                "session_01933b5a00007000800000000000000g"
            })
    void malformedPrefixedIdsAreRejected(String value) {
        assertEquals(Optional.empty(), Ids.parsePrefixed("session", value));
    }

    @Test
    void objectIdsAre24LowercaseHex() {
        assertTrue(Ids.isObjectId(Ids.newObjectId()));
        assertTrue(Ids.isObjectId("65f0c0ffee0123456789abcd"));
        assertEquals(false, Ids.isObjectId("65F0C0FFEE0123456789ABCD"));
        assertEquals(false, Ids.isObjectId("65f0c0ffee0123456789abc"));
    }
}
