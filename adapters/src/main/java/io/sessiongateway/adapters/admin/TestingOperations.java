package io.sessiongateway.adapters.admin;

import io.sessiongateway.generated.admin.model.NewFaultRule;
import jakarta.ws.rs.core.Response;

/**
 * The admin document's testing endpoints (reset, fault rules, journal; docs/fixtures.md), implemented by the server,
 * which owns the fixtures, the fault rules and the journal. The admin adapter has verified an operator token before
 * any of these runs. Each method is the admin document's operation of the same name.
 */
public interface TestingOperations {
    Response resetStore();

    Response listFaultRules();

    Response addFaultRule(NewFaultRule rule);

    Response clearFaultRules();

    Response deleteFaultRule(String ruleId);

    Response listJournal(
            String dialect, String operation, String method, Integer status, String session, Integer limit);

    Response clearJournal();
}
