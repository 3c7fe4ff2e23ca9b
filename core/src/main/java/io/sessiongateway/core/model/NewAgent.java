package io.sessiongateway.core.model;

import java.util.List;

/**
 * What it takes to create an agent.
 *
 * @param team the ObjectId or name of the team the agent belongs to; null for the tenant's default team
 */
public record NewAgent(String name, List<String> managers, boolean restricted, String team) {
    public NewAgent {
        managers = managers == null ? List.of() : List.copyOf(managers);
    }

    public NewAgent(String name, List<String> managers, boolean restricted) {
        this(name, managers, restricted, null);
    }
}
