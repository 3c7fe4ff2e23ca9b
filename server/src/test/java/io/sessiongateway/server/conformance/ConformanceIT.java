package io.sessiongateway.server.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.spec.SpecCatalog;
import io.sessiongateway.server.testing.spec.SpecOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract tests a vendor's client would generate, generated here from the documents in {@code specs/}: for
 * every operation and every response code it declares, requests that should produce it (per the dialect's
 * {@link ScenarioTable}), sent to the live gateway and checked for status, media type and body. Prints one
 * coverage line per dialect at the end and fails on any violation or uncovered, unexplained response.
 */
class ConformanceIT {
    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness(Fixtures.harnessEnv());

    static final SpecCatalog CATALOG = SpecCatalog.shared();
    static final Coverage COVERAGE = new Coverage();
    static boolean generated;

    @TestFactory
    List<DynamicContainer> everyDeclaredResponse() {
        List<DynamicContainer> dialects = new ArrayList<>();
        for (ScenarioTable table : Dialects.all()) {
            Fixture fixture = table.fixture(GATEWAY);
            List<DynamicContainer> operations = new ArrayList<>();
            for (SpecOperation op : Dialects.served(CATALOG, table.dialect())) {
                COVERAGE.declare(op);
                List<Exchange> exchanges = Generator.conformance(table, fixture, op, COVERAGE);
                operations.add(dynamicContainer(
                        op + " (" + op.documentName() + ")",
                        exchanges.stream()
                                .map(x -> dynamicTest(
                                        x.name(), () -> Generator.run(GATEWAY, table, fixture, x, COVERAGE)))));
            }
            dialects.add(dynamicContainer(table.dialect(), operations));
        }
        generated = true;
        return dialects;
    }

    @Test
    void everyDocumentedDialectHasAScenarioTable() {
        Set<String> tables = Dialects.all().stream().map(ScenarioTable::dialect).collect(Collectors.toSet());
        assertEquals(
                Set.of(),
                CATALOG.dialects().stream().filter(d -> !tables.contains(d)).collect(Collectors.toSet()),
                "documents under specs/ whose dialect has no scenario table");
    }

    @AfterAll
    static void report() {
        if (!generated) {
            return;
        }
        List<String> lines = COVERAGE.report();
        System.out.println();
        lines.forEach(System.out::println);
        List<String> problems = COVERAGE.problems();
        assertEquals(List.of(), problems, "conformance problems:\n" + String.join("\n", lines));
    }
}
