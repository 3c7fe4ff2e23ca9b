package io.sessiongateway.core.service;

import io.sessiongateway.core.model.Agent;
import java.util.function.Predicate;

/**
 * How a dialect titles a session whose create request names no title. The core applies the rule just before the
 * session is stored, after every check; each dialect keeps its own rule in its package.
 */
@FunctionalInterface
public interface TitleRule {
    /** No default: the session stays untitled. */
    TitleRule NONE = (agent, taken) -> null;

    /**
     * The title for a new session, or null to leave it untitled.
     *
     * @param agent the agent the session is created for
     * @param takenInAccount whether one of the creator's account's sessions in the tenant already has this title
     */
    String titleFor(Agent agent, Predicate<String> takenInAccount);
}
