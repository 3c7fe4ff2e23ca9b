package io.sessiongateway.core.model;

import java.util.List;

/**
 * What it takes to create an agent.
 *
 * @param team the ObjectId or name of the team the agent belongs to; null for the tenant's default team
 * @param responder what answers its turns ({@code echo}, {@code script}, {@code none}, ...); null for the default
 */
public record NewAgent(String name, List<String> managers, boolean restricted, String team, String responder) {
    public NewAgent {
        managers = managers == null ? List.of() : List.copyOf(managers);
    }

    public NewAgent(String name, List<String> managers, boolean restricted, String team) {
        this(name, managers, restricted, team, null);
    }

    /** The same agent answered by {@code responder} when it names none. */
    public NewAgent withDefaultResponder(String responder) {
        return this.responder != null ? this : new NewAgent(name, managers, restricted, team, responder);
    }

    public NewAgent(String name, List<String> managers, boolean restricted) {
        this(name, managers, restricted, null, null);
    }
}
