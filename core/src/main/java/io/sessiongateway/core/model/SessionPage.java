package io.sessiongateway.core.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One page of a list, in the query's order. Each session's {@code pinned} is the caller's.
 *
 * @param items the sessions of the page, at most the query's limit
 * @param next the position to ask for the following page from ({@code Direction.NEXT}); empty when none follows
 * @param previous the position to ask for the preceding page from ({@code Direction.PREVIOUS}); empty on the first
 *     page
 * @param total the number of sessions matching the query's scope, rule and filters, when asked for
 */
public record SessionPage(
        List<Session> items,
        Optional<SessionQuery.Position> next,
        Optional<SessionQuery.Position> previous,
        OptionalLong total) {
    public SessionPage {
        items = List.copyOf(items);
    }
}
