package io.sessiongateway.adapters.recoup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.generated.recoup.model.ListSessionsResponse;
import io.sessiongateway.generated.recoup.model.OffsetPagination;
import io.sessiongateway.generated.recoup.model.PatchSessionRequest;
import io.sessiongateway.generated.recoup.model.Session;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Pure translations of Recoup's lifecycle requests and answers: PATCH (the public API), and list and delete in the
 * shape of the vendor's web app ({@code specs/recoup/NOTES.md}).
 */
final class RecoupLifecycleMapper {
    /** Every Recoup operation reads and writes the sessions of the caller's account, as its get does. */
    static final AccessRule RULE = AccessRule.ACCOUNT_OWNER;

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    /** Digits of the largest int64, the document's format for {@code limit} and {@code offset}. */
    private static final int MAX_DIGITS = 18;

    private RecoupLifecycleMapper() {}

    /** The list's status filter: {@code all} (no filter), {@code active} (all but archived), {@code archived}. */
    enum Filter {
        ALL(Set.of()),
        ACTIVE(EnumSet.complementOf(EnumSet.of(SessionStatus.ARCHIVED))),
        ARCHIVED(EnumSet.of(SessionStatus.ARCHIVED));

        final Set<SessionStatus> statuses;

        Filter(Set<SessionStatus> statuses) {
            this.statuses = statuses;
        }
    }

    /**
     * A list request, validated.
     *
     * @param filter which sessions
     * @param limit page size, 1..100
     * @param offset sessions skipped (an offset past {@code int} is past every page: it is brought down to it)
     */
    record ListParams(Filter filter, int limit, int offset) {
        /** The canonical query: the caller's account in its tenant, newest first. */
        SessionQuery query(String tenantName) {
            return SessionQuery.builder(RULE)
                    .tenantName(tenantName)
                    .statuses(filter.statuses)
                    .order(SessionQuery.Order.CREATED_DESC)
                    .offset(offset)
                    .limit(limit)
                    .build();
        }

        /** The web app sends {@code archivedCount} with {@code active} and {@code archived}, not with {@code all}. */
        boolean wantsArchivedCount() {
            return filter != Filter.ALL;
        }
    }

    /**
     * The list's query parameters as the client sent them (each at most once): {@code status} one of the three
     * (400 {@code Invalid status filter} otherwise), {@code limit} and {@code offset} non-negative integers, the
     * limit brought into 1..100 (default 50), as the web app does.
     */
    static ListParams listParams(Map<String, List<String>> query) {
        String status = single(query, "status");
        Filter filter;
        if (status == null) {
            filter = Filter.ALL;
        } else {
            filter = switch (status) {
                case "all" -> Filter.ALL;
                case "active" -> Filter.ACTIVE;
                case "archived" -> Filter.ARCHIVED;
                default -> throw GatewayException.invalidArgument("Invalid status filter", "status");
            };
        }
        Long limit = nonNegative(query, "limit");
        Long offset = nonNegative(query, "offset");
        int size = limit == null ? DEFAULT_LIMIT : (int) Math.min(Math.max(limit, 1), MAX_LIMIT);
        return new ListParams(filter, size, offset == null ? 0 : (int) Math.min(offset, Integer.MAX_VALUE));
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw GatewayException.invalidArgument(name + " must be given at most once", name);
        }
        return values.get(0);
    }

    private static Long nonNegative(Map<String, List<String>> query, String name) {
        String value = single(query, name);
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9]{1," + MAX_DIGITS + "}")) {
            throw GatewayException.invalidArgument("Invalid " + name + ": a non-negative integer is required", name);
        }
        return Long.parseLong(value);
    }

    /**
     * One page as the web app answers it: the sessions, {@code archivedCount} when asked for, and the offset
     * pagination ({@code hasMore} from the page itself, {@code nextOffset} = offset + the sessions on it).
     */
    static ListSessionsResponse toList(SessionPage page, ListParams params, OptionalLong archivedCount) {
        List<Session> sessions =
                page.items().stream().map(RecoupMapper::toSession).toList();
        ListSessionsResponse answer = new SessionList()
                .sessions(sessions)
                .pagination(new OffsetPagination()
                        .limit(params.limit())
                        .offset(params.offset())
                        .hasMore(page.next().isPresent())
                        .nextOffset((int) Math.min(Integer.MAX_VALUE, (long) params.offset() + sessions.size())));
        if (archivedCount.isPresent()) {
            answer.archivedCount((int) Math.min(Integer.MAX_VALUE, archivedCount.getAsLong()));
        }
        return answer;
    }

    /** The list answer with {@code archivedCount} left out, not null, when absent (the nested sessions keep theirs). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class SessionList extends ListSessionsResponse {}

    /**
     * A PATCH body (every field optional, none nullable; {@code tree} is the body as sent, null when none) as the
     * canonical patch: {@code title} as given (at most {@value RecoupMapper#TITLE_MAX} characters), {@code status}
     * as docs/lifecycle.md section 3 says ({@code running} reopens, {@code archived} archives), the line counts
     * (integers of at least 0).
     */
    static SessionPatch patch(PatchSessionRequest body, JsonNode tree) {
        if (tree != null) {
            for (String field : List.of("title", "status", "linesAdded", "linesRemoved")) {
                if (tree.has(field) && tree.get(field).isNull()) {
                    throw GatewayException.invalidBody(field + " must not be null", field);
                }
            }
        }
        SessionPatch.Builder patch = SessionPatch.builder();
        if (body == null) {
            return patch.build();
        }
        String title = body.getTitle();
        if (title != null) {
            if (title.codePointCount(0, title.length()) > RecoupMapper.TITLE_MAX) {
                throw GatewayException.invalidBody(
                        "title must be at most " + RecoupMapper.TITLE_MAX + " characters", "title");
            }
            patch.title(title);
        }
        if (body.getStatus() != null) {
            patch.status(
                    switch (body.getStatus()) {
                        case RUNNING -> SessionPatch.StatusWrite.REOPEN;
                        case COMPLETED -> SessionPatch.StatusWrite.COMPLETE;
                        case FAILED -> SessionPatch.StatusWrite.FAIL;
                        case ARCHIVED -> SessionPatch.StatusWrite.ARCHIVE;
                    });
        }
        if (body.getLinesAdded() != null) {
            patch.linesAdded(lines(body.getLinesAdded(), "linesAdded"));
        }
        if (body.getLinesRemoved() != null) {
            patch.linesRemoved(lines(body.getLinesRemoved(), "linesRemoved"));
        }
        return patch.build();
    }

    private static int lines(int value, String field) {
        if (value < 0) {
            throw GatewayException.invalidBody(field + " must be an integer of at least 0", field);
        }
        return value;
    }
}
