package io.sessiongateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.generated.admin.model.ApiKey;
import io.sessiongateway.generated.admin.model.CreateApiKeyRequest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry is the one list of dialects; the admin document's copy of the key forms must agree with it. */
class DialectsTest {
    @Test
    void theAdminDocumentsKeyDialectsAreTheRegisteredDialectsWithKeyPrefixes() {
        List<String> registered = Dialects.apiKeyForms();
        assertEquals(registered, Arrays.stream(CreateApiKeyRequest.DialectEnum.values())
                .map(CreateApiKeyRequest.DialectEnum::toString).sorted().toList(), "CreateApiKeyRequest.dialect");
        assertEquals(registered, Arrays.stream(ApiKey.DialectEnum.values())
                .map(ApiKey.DialectEnum::toString).sorted().toList(), "ApiKey.dialect");
    }

    @Test
    void everyKeyPrefixIsDistinctSoAKeyNamesItsDialect() {
        var prefixes = Dialects.apiKeyPrefixes(Dialects.vendors(null, null, null)).values();
        for (String a : prefixes) {
            for (String b : prefixes) {
                assertEquals(a.equals(b), a.startsWith(b), a + " / " + b);
            }
        }
    }
}
