package io.sessiongateway.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.generated.admin.model.CreateApiKeyRequest;
import io.sessiongateway.generated.recoup.model.CreateSessionRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The request mapper's strictness where Jackson is lenient by default. */
class JsonTest {
    private final ObjectMapper mapper = Json.mapper(JsonInclude.Include.ALWAYS);

    @Test
    void emptyStringIsNotAUuid() {
        assertThrows(JsonMappingException.class,
                () -> mapper.readValue("{\"organizationId\":\"\"}", CreateSessionRequest.class));
    }

    @Test
    void emptyStringIsNotADateTime() {
        assertThrows(JsonMappingException.class,
                () -> mapper.readValue("{\"expires_at\":\"\"}", CreateApiKeyRequest.class));
    }

    @Test
    void aUuidStillReads() throws Exception {
        UUID id = UUID.randomUUID();
        assertEquals(id, mapper.readValue("{\"organizationId\":\"" + id + "\"}", CreateSessionRequest.class)
                .getOrganizationId());
    }
}
