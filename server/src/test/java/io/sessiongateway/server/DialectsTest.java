package io.sessiongateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.adapters.admin.AdminDialect;
import io.sessiongateway.adapters.runtime.RuntimeDialect;
import io.sessiongateway.adapters.spi.CredentialsFirst;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.generated.admin.model.ApiKey;
import io.sessiongateway.generated.admin.model.CreateApiKeyRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The registry is the one list of dialects; the admin document's copy of the key forms must agree with it. */
class DialectsTest {
    @Test
    void theAdminDocumentsKeyDialectsAreTheRegisteredDialectsWithKeyPrefixes() {
        List<String> registered = Dialects.apiKeyForms();
        assertEquals(
                registered,
                Arrays.stream(CreateApiKeyRequest.DialectEnum.values())
                        .map(CreateApiKeyRequest.DialectEnum::toString)
                        .sorted()
                        .toList(),
                "CreateApiKeyRequest.dialect");
        assertEquals(
                registered,
                Arrays.stream(ApiKey.DialectEnum.values())
                        .map(ApiKey.DialectEnum::toString)
                        .sorted()
                        .toList(),
                "ApiKey.dialect");
    }

    @Test
    void everyKeyPrefixIsDistinctSoAKeyNamesItsDialect() {
        var prefixes = Dialects.apiKeyPrefixes(
                        Dialects.withRuntime(Dialects.vendors(null, null, null), new RuntimeDialect(null)))
                .values();
        for (String a : prefixes) {
            for (String b : prefixes) {
                assertEquals(a.equals(b), a.startsWith(b), a + " / " + b);
            }
        }
    }

    /**
     * Issue #17: every dialect and the admin API verify credentials before a body is read ({@link CredentialsFirst},
     * one method per adapter covering all its operations; Recoup's excepts its create, whose vendor validates the body
     * first, see CredentialsFirstIT). A new dialect or adapter takes a side here.
     */
    @Test
    void everyDialectVerifiesCredentialsBeforeTheBody() {
        List<Dialect> all = new ArrayList<>(Dialects.vendors(null, null, null));
        all.add(new AdminDialect(null, null, null, null, Set.of(), List.of(), null));
        all.add(new RuntimeDialect(null));
        Map<String, Boolean> credentialsFirst = new TreeMap<>();
        for (Dialect d : all) {
            credentialsFirst.put(
                    d.name(), d.bindings().stream().allMatch(b -> b.implementation() instanceof CredentialsFirst));
        }
        assertEquals(
                Map.of(
                        "admin", true,
                        "agentcloud", true,
                        "everruns", true,
                        "recoup", true,
                        "runtime", true,
                        "truefoundry", true),
                credentialsFirst);
    }
}
