package io.sessiongateway.adapters.truefoundry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sessiongateway.adapters.spi.Timestamps;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.generated.truefoundry.model.SavedSession;
import io.sessiongateway.generated.truefoundry.model.TokenPagination;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure translations of TrueFoundry's three lists ({@code specs/truefoundry/list-sessions.yaml},
 * {@code list-owned-sessions.yaml}, {@code search-sessions.yaml}): their query parameters to canonical terms (422 for
 * a malformed one, 400 for a window that ends before it starts or a token not issued for the query), their page
 * tokens, and a page to {@code {data, pagination}}.
 *
 * <p>A page token is the core's signed cursor ({@link PageTokens}) followed by the time window of the first page.
 * The window is pinned: without {@code end_timestamp} the first page's "now" is kept for every later page, so the
 * window does not slide while a client pages (which would skip the sessions that fall out of it). The window travels
 * in clear but is part of the signed fingerprint, so an edited window is a refused token.
 */
public final class TrueFoundryListMapper {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    /** The vendor's default window: 30 minutes before {@code end_timestamp}. */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(30);
    /** The core's code for a token that is forged, edited or issued for other parameters. */
    static final String INVALID_PAGE_TOKEN = "invalid_page_token";
    /** A window whose start is after its end. */
    static final String INVALID_WINDOW = "invalid_time_window";

    static final String PAGE_TOKEN = "page_token";
    /** {@code created_by_subject_type}'s values in the search document. */
    static final Set<String> SUBJECT_TYPES =
            Set.of("user", "team", "serviceaccount", "virtualaccount", "agent-identity", "role");

    static final String SAVED = "session";
    static final String DRAFT = "session/draft";

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private TrueFoundryListMapper() {}

    /** The time window of a list: {@code created_at} in {@code [from, to]}; {@code from} null for none. */
    public record Window(Instant from, Instant to) {}

    /** A decoded page token: where the page starts, and the window of the first page. */
    public record Token(Position position, Direction direction, Window window) {}

    /**
     * TokenPagination without absent tokens: the document declares them as strings, absent on the first or last
     * page, never null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Pagination extends TokenPagination {}

    // ---- parameters

    /**
     * Every declared parameter the query carries is there once and not empty (each has a minimum length, an enum,
     * a range or a format that refuses the empty string): 422 otherwise, naming it. Undeclared ones are ignored.
     */
    static void checkRaw(Map<String, List<String>> query, List<String> declared) {
        for (String name : declared) {
            List<String> values = query.get(name);
            if (values == null || values.isEmpty()) {
                continue;
            }
            if (values.size() > 1) {
                throw GatewayException.invalidArgument(name + " must be given at most once", name);
            }
            if (values.get(0).isEmpty()) {
                throw GatewayException.invalidArgument(name + " must not be empty", name);
            }
        }
    }

    /** {@code agent_name}: 1 to 255 characters; required on the agent list. */
    static String agentName(String value, boolean required) {
        if (value == null) {
            if (required) {
                throw GatewayException.invalidArgument("agent_name is required", "agent_name");
            }
            return null;
        }
        return text(value, "agent_name", TrueFoundryMapper.AGENT_NAME_MAX);
    }

    /** A filter value of 1 to {@code max} characters (code points), or null when absent. */
    static String text(String value, String param, int max) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            throw GatewayException.invalidArgument(param + " must not be empty", param);
        }
        if (value.codePointCount(0, value.length()) > max) {
            throw GatewayException.invalidArgument(param + " must be at most " + max + " characters", param);
        }
        return value;
    }

    /** {@code limit}: 1 to 100, default 10. */
    static int limit(Integer value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        if (value < 1 || value > MAX_LIMIT) {
            throw GatewayException.invalidArgument("limit must be an integer from 1 to " + MAX_LIMIT, "limit");
        }
        return value;
    }

    /** {@code order}: by creation time, {@code desc} (default) or {@code asc}. */
    static Order order(String value) {
        if (value == null || value.equals("desc")) {
            return Order.CREATED_DESC;
        }
        if (value.equals("asc")) {
            return Order.CREATED_ASC;
        }
        throw GatewayException.invalidArgument("order must be asc or desc", "order");
    }

    /** One of the values an enum parameter allows, or null when absent. */
    static String oneOf(String value, String param, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw GatewayException.invalidArgument(param + " must be one of " + new TreeSet<>(allowed), param);
        }
        return value;
    }

    /** The owner filter of a search: the subject id, with its type when given (a type alone filters nothing). */
    static SubjectRef owner(String subjectId, String subjectType) {
        return subjectId == null ? null : new SubjectRef(subjectType, subjectId, null);
    }

    /**
     * The window: {@code end} or now; {@code start}, or 30 minutes before the end when {@code defaultStart}, or no
     * lower bound. 400 when it starts after it ends.
     */
    static Window window(OffsetDateTime start, OffsetDateTime end, Instant now, boolean defaultStart) {
        Instant to = end == null ? now : end.toInstant();
        Instant from = start != null ? start.toInstant() : defaultStart ? to.minus(DEFAULT_WINDOW) : null;
        if (from != null && from.isAfter(to)) {
            throw new GatewayException(
                    ErrorKind.INVALID_ARGUMENT,
                    INVALID_WINDOW,
                    "start_timestamp is later than end_timestamp",
                    "start_timestamp");
        }
        return new Window(from, to);
    }

    // ---- tokens

    /** The token of a page position, for the query whose other parameters are {@code parameters}. */
    static String token(
            PageTokens tokens, Position position, Direction direction, Window window, List<Object> parameters) {
        String w = ENCODER.encodeToString(
                (instant(window.from()) + "|" + instant(window.to())).getBytes(StandardCharsets.UTF_8));
        return tokens.encode(position, direction, fingerprint(window, parameters)) + "." + w;
    }

    /** The token of a request; 400 ({@code invalid_page_token}) unless this server issued it for these parameters. */
    static Token readToken(PageTokens tokens, String token, List<Object> parameters) {
        int dot = token.lastIndexOf('.');
        if (dot < 0) {
            throw invalidToken();
        }
        Window window;
        try {
            String[] w = new String(DECODER.decode(token.substring(dot + 1)), StandardCharsets.UTF_8).split("\\|", -1);
            if (w.length != 2) {
                throw invalidToken();
            }
            window = new Window(w[0].equals("-") ? null : Instant.parse(w[0]), Instant.parse(w[1]));
        } catch (RuntimeException e) {
            throw invalidToken();
        }
        PageTokens.Cursor cursor = tokens.decode(token.substring(0, dot), fingerprint(window, parameters), PAGE_TOKEN);
        return new Token(cursor.position(), cursor.direction(), window);
    }

    private static String fingerprint(Window window, List<Object> parameters) {
        List<Object> all = new ArrayList<>(parameters);
        all.add(instant(window.from()));
        all.add(instant(window.to()));
        return PageTokens.fingerprint(all.toArray());
    }

    private static String instant(Instant i) {
        return i == null ? "-" : i.toString();
    }

    private static GatewayException invalidToken() {
        return new GatewayException(
                ErrorKind.INVALID_ARGUMENT,
                INVALID_PAGE_TOKEN,
                "the page token is invalid or was issued for other parameters",
                PAGE_TOKEN);
    }

    // ---- one session, filtered in memory (search by session_id)

    /** Whether a session passes the search's filters and window. */
    static boolean matches(Session s, String agentName, SubjectRef owner, Window window) {
        Instant created = s.times().createdAt();
        return (agentName == null || agentName.equals(s.agent().name()))
                && (owner == null
                        || (owner.id().equals(s.owner().id())
                                && (owner.type() == null
                                        || owner.type().equals(s.owner().type()))))
                && (window.from() == null || !created.isBefore(window.from()))
                && !created.isAfter(window.to());
    }

    /** Whether a session lies on the page side of a token's position (strictly after it, or before for previous). */
    static boolean beyond(Session s, Token token, Order order) {
        Comparator<Position> byKey = Comparator.comparing(Position::createdAt).thenComparing(Position::id);
        int c = byKey.compare(Position.of(s), token.position());
        boolean ascending = (order == Order.CREATED_ASC) == (token.direction() == Direction.NEXT);
        return ascending ? c > 0 : c < 0;
    }

    // ---- rendering

    /** The canonical session as a list item: the seed's Session plus {@code type: session}. */
    static SavedSession toSavedSession(Session s) {
        return new SavedSession()
                .type(SavedSession.TypeEnum.SESSION)
                .id(s.publicId())
                .agentName(s.agent().name())
                .title(s.title())
                .createdBySubject(TrueFoundryMapper.subject(s.owner()))
                .createdAt(Timestamps.format(s.times().createdAt()))
                .updatedAt(Timestamps.format(s.times().updatedAt()));
    }

    /** The items of a page. */
    static List<SavedSession> items(SessionPage page) {
        return page.items().stream().map(TrueFoundryListMapper::toSavedSession).toList();
    }

    /** {@code pagination}: the limit, and a token for each side that has a page. */
    static TokenPagination pagination(
            PageTokens tokens, SessionPage page, int limit, Window window, List<Object> parameters) {
        TokenPagination p = new Pagination().limit(limit);
        page.next().ifPresent(pos -> p.nextPageToken(token(tokens, pos, Direction.NEXT, window, parameters)));
        page.previous()
                .ifPresent(pos -> p.previousPageToken(token(tokens, pos, Direction.PREVIOUS, window, parameters)));
        return p;
    }
}
