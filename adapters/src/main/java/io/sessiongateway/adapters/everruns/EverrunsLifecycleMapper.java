package io.sessiongateway.adapters.everruns;

import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.generated.everruns.model.CancelStatus;
import io.sessiongateway.generated.everruns.model.CancelTurnResponse;
import io.sessiongateway.generated.everruns.model.ForkSessionRequest;
import io.sessiongateway.generated.everruns.model.PaginatedSessions;
import io.sessiongateway.generated.everruns.model.SessionStatsResponse;
import io.sessiongateway.generated.everruns.model.UpdateSessionRequest;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Pure translations of the Everruns lifecycle operations (list, PATCH, cancel, stats, fork) between the vendor's
 * shapes and the canonical model; validation failures are INVALID_ARGUMENT (query) or INVALID_BODY (body), both 400.
 */
public final class EverrunsLifecycleMapper {
    /** The vendor's default page size. */
    static final int DEFAULT_LIMIT = 20;
    /** The vendor's handler serves larger limits as this ({@code limit.min(100)}). */
    static final int MAX_LIMIT = 100;
    /** u32, as the vendor's query types. */
    static final long U32_MAX = 4_294_967_295L;

    private EverrunsLifecycleMapper() {}

    /**
     * The list parameters, validated: {@code agent_id} well-formed, {@code offset} 0..2^32-1 (served as at most
     * 2^31-1, past every page), {@code limit} 1..2^32-1 (served as at most 100).
     *
     * @param cursor the keyset position of a {@code cursor} parameter, already decoded; null without one
     */
    public record ListParams(UUID agentId, String search, long offset, int limit, PageTokens.Cursor cursor) {

        /** The fingerprint a cursor of these parameters carries: every filter and the page size, not the offset. */
        public String fingerprint() {
            return fingerprint(agentId, search, limit);
        }

        static String fingerprint(UUID agentId, String search, int limit) {
            return PageTokens.fingerprint("everruns.list", agentId, search, limit);
        }

        /** The canonical query: the caller's organisation, newest first, with the total. */
        public SessionQuery query(String tenantName) {
            SessionQuery.Builder b = SessionQuery.builder(AccessRule.TENANT_MEMBER)
                    .tenantName(tenantName)
                    .agentId(agentId)
                    .titleContains(search)
                    .order(SessionQuery.Order.CREATED_DESC)
                    .limit(limit)
                    .withTotal(true)
                    .withPins(true);
            if (cursor != null) {
                b.position(cursor.position(), cursor.direction());
            } else {
                b.offset((int) Math.min(Integer.MAX_VALUE, offset));
            }
            return b.build();
        }
    }

    /**
     * The list's query as the vendor's query extractor reads it: a parameter given twice, or an empty {@code offset=}
     * or {@code limit=} (which JAX-RS would read as the default), is 400.
     */
    static void checkQuery(Map<String, List<String>> query) {
        for (String name : List.of("agent_id", "search", "offset", "limit", "cursor")) {
            List<String> values = query.get(name);
            if (values != null && values.size() > 1) {
                throw GatewayException.invalidArgument(name + " is given more than once", name);
            }
        }
        for (String name : List.of("offset", "limit")) {
            List<String> values = query.get(name);
            if (values != null && values.stream().anyMatch(v -> v == null || v.isBlank())) {
                throw GatewayException.invalidArgument(name + " must be an integer", name);
            }
        }
    }

    /** Validates the list's query parameters, except the cursor (decoded against {@link ListParams#fingerprint()}). */
    static ListParams listParams(String agentId, String search, Long offset, Long limit) {
        UUID agent = null;
        if (agentId != null) {
            agent = Ids.parsePrefixed("agent", agentId)
                    .orElseThrow(() ->
                            GatewayException.invalidArgument("agent_id must match ^agent_[0-9a-f]{32}$", "agent_id"));
        }
        long off = offset == null ? 0 : offset;
        if (off < 0 || off > U32_MAX) {
            throw GatewayException.invalidArgument("offset must be an integer from 0 to " + U32_MAX, "offset");
        }
        long lim = limit == null ? DEFAULT_LIMIT : limit;
        if (lim < 1 || lim > U32_MAX) {
            throw GatewayException.invalidArgument("limit must be an integer from 1 to " + U32_MAX, "limit");
        }
        return new ListParams(
                agent, search == null || search.isEmpty() ? null : search, off, (int) Math.min(MAX_LIMIT, lim), null);
    }

    /**
     * The page in the vendor's envelope. {@code next_url} and {@code prev_url} carry a keyset cursor (absent on the
     * last and the first page); the offsets in them are what an offset client would ask for next, only echoed.
     *
     * @param url the URL of a page: (offset, token) to URL
     * @param render a canonical session as the dialect's Session
     */
    static PaginatedSessions page(
            SessionPage page,
            ListParams params,
            PageTokens tokens,
            BiFunction<Long, String, String> url,
            Function<io.sessiongateway.core.model.Session, io.sessiongateway.generated.everruns.model.Session> render) {
        long offset = params.offset();
        long count = page.items().size();
        PaginatedSessions out = new PaginatedSessions()
                .data(page.items().stream().map(render).toList())
                .total((int) Math.min(Integer.MAX_VALUE, page.total().orElse(0)))
                .offset((int) Math.min(Integer.MAX_VALUE, offset))
                .limit(params.limit());
        Optional<Position> next = page.next();
        Optional<Position> prev = page.previous();
        if (next.isPresent()) {
            out.nextUrl(url.apply(
                    Math.min(U32_MAX, offset + count),
                    tokens.encode(next.get(), Direction.NEXT, params.fingerprint())));
        }
        if (prev.isPresent()) {
            out.prevUrl(url.apply(
                    Math.max(0, offset - params.limit()),
                    tokens.encode(prev.get(), Direction.PREVIOUS, params.fingerprint())));
        }
        return out;
    }

    /** The PATCH body as a canonical patch: only fields present and not null change; 400 for invalid values. */
    static SessionPatch patch(UpdateSessionRequest body) {
        if (body == null) {
            throw GatewayException.invalidBody("request body is required", null);
        }
        SessionPatch.Builder b = SessionPatch.builder();
        if (body.getTitle() != null) {
            b.title(title(body.getTitle()));
        }
        if (body.getTags() != null) {
            b.tags(tags(body.getTags()));
        }
        if (body.getLocale() != null) {
            b.locale(locale(body.getLocale()));
        }
        return b.build();
    }

    /** The fork body (optional) as a canonical fork request; absent and null fields inherit. */
    static ForkRequest fork(ForkSessionRequest body) {
        if (body == null) {
            return ForkRequest.INHERIT;
        }
        UUID agent = body.getAgentId() == null
                ? null
                : Ids.parsePrefixed("agent", body.getAgentId())
                        .orElseThrow(() ->
                                GatewayException.invalidBody("agent_id must match ^agent_[0-9a-f]{32}$", "agent_id"));
        UUID model = body.getModelId() == null
                ? null
                : Ids.parsePrefixed("model", body.getModelId())
                        .orElseThrow(() ->
                                GatewayException.invalidBody("model_id must match ^model_[0-9a-f]{32}$", "model_id"));
        return new ForkRequest(
                body.getTitle() == null ? null : title(body.getTitle()),
                body.getTags() == null ? null : tags(body.getTags()),
                body.getLocale() == null ? null : locale(body.getLocale()),
                agent,
                model);
    }

    static String title(String title) {
        if (title.codePointCount(0, title.length()) > EverrunsMapper.TITLE_MAX) {
            throw GatewayException.invalidBody(
                    "title must be at most " + EverrunsMapper.TITLE_MAX + " characters", "title");
        }
        return title;
    }

    static List<String> tags(List<String> tags) {
        if (tags.size() > EverrunsMapper.TAGS_MAX) {
            throw GatewayException.invalidBody("at most " + EverrunsMapper.TAGS_MAX + " tags", "tags");
        }
        for (String tag : tags) {
            if (tag == null || tag.isEmpty() || tag.length() > EverrunsMapper.TAG_MAX) {
                throw GatewayException.invalidBody(
                        "each tag is a string of 1 to " + EverrunsMapper.TAG_MAX + " characters", "tags");
            }
        }
        return List.copyOf(tags);
    }

    /**
     * A well-formed BCP 47 tag in its canonical case ({@code uk-ua} becomes {@code uk-UA}), as the vendor's
     * {@code normalize_locale}; 400 "unsupported locale" otherwise. POSIX-style underscores are not BCP 47.
     */
    static String locale(String tag) {
        if (tag.isEmpty() || tag.length() > 35) {
            throw unsupportedLocale(tag);
        }
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag).build();
            String canonical = locale.toLanguageTag();
            if (locale.getLanguage().isEmpty() || canonical.equals("und")) {
                throw unsupportedLocale(tag);
            }
            return canonical;
        } catch (IllformedLocaleException e) {
            throw unsupportedLocale(tag);
        }
    }

    private static GatewayException unsupportedLocale(String tag) {
        return GatewayException.invalidBody("unsupported locale: expected a BCP 47 tag such as uk-UA", "locale");
    }

    /** {@code cancelled} when the cancel stopped a running turn, {@code no_op} otherwise (the vendor's messages). */
    static CancelTurnResponse cancel(CancelResult result) {
        return result.changed()
                ? new CancelTurnResponse().status(CancelStatus.CANCELLED).message("Turn cancelled successfully")
                : new CancelTurnResponse().status(CancelStatus.NO_OP).message("No turn currently running");
    }

    /** Canonical counts by Everruns' projection; the gateway has no session waiting for tool results. */
    static SessionStatsResponse stats(StatusCounts counts) {
        long started = 0;
        long active = 0;
        long idle = 0;
        for (SessionStatus s : SessionStatus.values()) {
            switch (EverrunsStatus.of(s)) {
                case "started" -> started += counts.of(s);
                case "active" -> active += counts.of(s);
                default -> idle += counts.of(s);
            }
        }
        return new SessionStatsResponse()
                .started(u32(started))
                .active(u32(active))
                .idle(u32(idle))
                .waitingForToolResults(0)
                .total(u32(started + active + idle));
    }

    private static int u32(long n) {
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
