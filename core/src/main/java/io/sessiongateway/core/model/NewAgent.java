package io.sessiongateway.core.model;

import java.util.List;

/** What it takes to create an agent. */
public record NewAgent(String name, List<String> managers, boolean restricted) {
    public NewAgent {
        managers = managers == null ? List.of() : List.copyOf(managers);
    }
}
