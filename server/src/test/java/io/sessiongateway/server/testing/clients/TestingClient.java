package io.sessiongateway.server.testing.clients;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin document's testing endpoints (docs/fixtures.md), one method per operation; they need an operator token
 * ({@code as}/{@code bearer}).
 */
public final class TestingClient extends DialectClient<TestingClient> {
    public static final String RESET = "/admin/v1/testing/reset";
    public static final String FAULTS = "/admin/v1/testing/faults";
    public static final String FAULT = FAULTS + "/{ruleId}";
    public static final String JOURNAL = "/admin/v1/testing/journal";

    public TestingClient(Supplier<RequestSpecification> route) {
        this(route, Map.of());
    }

    private TestingClient(Supplier<RequestSpecification> route, Map<String, String> headers) {
        super(route, headers);
    }

    @Override
    protected TestingClient with(Supplier<RequestSpecification> route, Map<String, String> headers) {
        return new TestingClient(route, headers);
    }

    /** {@code resetStore}. */
    public Response reset() {
        return request().post(RESET);
    }

    /** {@code listFaultRules}. */
    public Response faults() {
        return request().get(FAULTS);
    }

    /** {@code addFaultRule}. */
    public Response addFault(Object rule) {
        return json(rule).post(FAULTS);
    }

    /** {@code clearFaultRules}. */
    public Response clearFaults() {
        return request().delete(FAULTS);
    }

    /** {@code deleteFaultRule}. */
    public Response deleteFault(String ruleId) {
        return request().delete(FAULT, ruleId);
    }

    /** {@code listJournal} with these filters. */
    public Response journal(Map<String, ?> filters) {
        return request().queryParams(filters).get(JOURNAL);
    }

    /** {@code clearJournal}. */
    public Response clearJournal() {
        return request().delete(JOURNAL);
    }
}
