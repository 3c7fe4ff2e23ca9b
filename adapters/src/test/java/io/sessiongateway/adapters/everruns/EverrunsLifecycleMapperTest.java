package io.sessiongateway.adapters.everruns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.CancelResult;
import io.sessiongateway.core.model.ForkRequest;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.StatusCounts;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.generated.everruns.model.CancelStatus;
import io.sessiongateway.generated.everruns.model.ForkSessionRequest;
import io.sessiongateway.generated.everruns.model.UpdateSessionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EverrunsLifecycleMapperTest {
    static final String AGENT = "agent_01933b5a0000700080000000000000aa";
    static final UUID AGENT_ID = UUID.fromString("01933b5a-0000-7000-8000-0000000000aa");
    static final PageTokens TOKENS = new PageTokens("a test secret of enough bytes".getBytes(StandardCharsets.UTF_8));

    static GatewayException refused(Runnable r) {
        return assertThrows(GatewayException.class, r::run);
    }

    @Test
    void listDefaultsAreTheVendors() {
        var p = EverrunsLifecycleMapper.listParams(null, null, null, null);
        assertEquals(new EverrunsLifecycleMapper.ListParams(null, null, 0, 20, null), p);
        SessionQuery q = p.query("acme");
        assertEquals(AccessRule.TENANT_MEMBER, q.rule());
        assertEquals("acme", q.tenantName());
        assertEquals(SessionQuery.Order.CREATED_DESC, q.order());
        assertEquals(20, q.limit());
        assertEquals(0, q.offset());
        assertTrue(q.withTotal());
        assertNull(q.position());
    }

    @Test
    void listFiltersAndClamps() {
        var p = EverrunsLifecycleMapper.listParams(AGENT, "Parser", 40L, 500L);
        assertEquals(new EverrunsLifecycleMapper.ListParams(AGENT_ID, "Parser", 40, 100, null), p);
        SessionQuery q = p.query("acme");
        assertEquals(AGENT_ID, q.agentId());
        assertEquals("Parser", q.titleContains());
        assertEquals(40, q.offset());
        assertEquals(100, q.limit());
        assertNull(EverrunsLifecycleMapper.listParams(null, "", 0L, 1L).search(), "an empty search is none");
        assertEquals(
                Integer.MAX_VALUE,
                EverrunsLifecycleMapper.listParams(null, null, 4294967295L, 1L)
                        .query("a")
                        .offset(),
                "offsets past int are past every page");
    }

    @ParameterizedTest
    @CsvSource({
        "agent_x,0,20,agent_id",
        "AGENT,0,20,agent_id",
        ",-1,20,offset",
        ",4294967296,20,offset",
        ",0,0,limit",
        ",0,-5,limit",
        ",0,4294967296,limit"
    })
    void invalidListParametersAre400(String agent, long offset, long limit, String param) {
        GatewayException e = refused(() -> EverrunsLifecycleMapper.listParams(agent, null, offset, limit));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals(param, e.param());
    }

    @Test
    void emptyIntegersAndRepeatedParametersAre400() {
        EverrunsLifecycleMapper.checkQuery(
                Map.of("offset", List.of("3"), "search", List.of(""), "x", List.of("1", "2")));
        assertEquals(
                "offset",
                refused(() -> EverrunsLifecycleMapper.checkQuery(Map.of("offset", List.of(""))))
                        .param());
        assertEquals(
                "limit",
                refused(() -> EverrunsLifecycleMapper.checkQuery(Map.of("limit", List.of(" "))))
                        .param());
        assertEquals(
                "search",
                refused(() -> EverrunsLifecycleMapper.checkQuery(Map.of("search", List.of("a", "a"))))
                        .param());
    }

    @Test
    void aCursorReplacesTheOffsetAndIsBoundToTheFilters() {
        var p = EverrunsLifecycleMapper.listParams(AGENT, null, 7L, 10L);
        Position at = new Position(Instant.parse("2026-01-01T00:00:00Z"), UUID.randomUUID(), null);
        String token = TOKENS.encode(at, Direction.PREVIOUS, p.fingerprint());
        var cursor = TOKENS.decode(token, p.fingerprint(), "cursor");
        var withCursor = new EverrunsLifecycleMapper.ListParams(p.agentId(), p.search(), p.offset(), p.limit(), cursor);
        SessionQuery q = withCursor.query("acme");
        assertEquals(at, q.position());
        assertEquals(Direction.PREVIOUS, q.direction());
        assertEquals(0, q.offset(), "the offset is only echoed");
        var otherLimit = EverrunsLifecycleMapper.listParams(AGENT, null, 7L, 11L);
        var otherSearch = EverrunsLifecycleMapper.listParams(AGENT, "x", 7L, 10L);
        var noAgent = EverrunsLifecycleMapper.listParams(null, null, 7L, 10L);
        for (var other : List.of(otherLimit, otherSearch, noAgent)) {
            assertEquals(
                    "invalid_page_token",
                    refused(() -> TOKENS.decode(token, other.fingerprint(), "cursor"))
                            .code());
        }
        assertEquals(
                p.fingerprint(),
                EverrunsLifecycleMapper.listParams(AGENT, null, 0L, 10L).fingerprint(),
                "the offset is not part of it");
    }

    @Test
    void pageUrlsCarryCursorsAndTheOffsetsAnOffsetClientWouldAskFor() {
        var p = EverrunsLifecycleMapper.listParams(null, null, 4L, 2L);
        Position next = new Position(Instant.parse("2026-01-01T00:00:01Z"), UUID.randomUUID(), null);
        Position prev = new Position(Instant.parse("2026-01-01T00:00:09Z"), UUID.randomUUID(), null);
        SessionPage page = new SessionPage(List.of(), Optional.of(next), Optional.of(prev), OptionalLong.of(9));
        List<String> urls = new ArrayList<>();
        var out = EverrunsLifecycleMapper.page(
                page,
                p,
                TOKENS,
                (offset, token) -> {
                    urls.add(token);
                    return "u?offset=" + offset;
                },
                s -> null);
        assertEquals(List.of(), out.getData());
        assertEquals(9, out.getTotal());
        assertEquals(4, out.getOffset());
        assertEquals(2, out.getLimit());
        assertEquals("u?offset=4", out.getNextUrl(), "offset + items on the page (none here)");
        assertEquals("u?offset=2", out.getPrevUrl());
        assertEquals(new PageTokens.Cursor(next, Direction.NEXT), TOKENS.decode(urls.get(0), p.fingerprint(), "c"));
        assertEquals(new PageTokens.Cursor(prev, Direction.PREVIOUS), TOKENS.decode(urls.get(1), p.fingerprint(), "c"));
        var first = EverrunsLifecycleMapper.page(
                new SessionPage(List.of(), Optional.empty(), Optional.empty(), OptionalLong.of(0)),
                p,
                TOKENS,
                (o, t) -> "x",
                s -> null);
        assertNull(first.getNextUrl());
        assertNull(first.getPrevUrl());
    }

    @Test
    void patchNamesOnlyTheFieldsGiven() {
        assertTrue(EverrunsLifecycleMapper.patch(new UpdateSessionRequest()).isEmpty(), "nulls are not given");
        var patch = EverrunsLifecycleMapper.patch(
                new UpdateSessionRequest().title("T").locale("uk-ua"));
        assertEquals(new SessionChange.Value<>("T"), patch.title());
        assertEquals(new SessionChange.Value<>("uk-UA"), patch.locale());
        assertNull(patch.tags());
        assertNull(patch.status());
        assertEquals(
                new SessionChange.Value<>(List.of()),
                EverrunsLifecycleMapper.patch(new UpdateSessionRequest().tags(List.of()))
                        .tags());
    }

    @Test
    void patchRefusals() {
        assertEquals(
                ErrorKind.INVALID_BODY,
                refused(() -> EverrunsLifecycleMapper.patch(null)).kind());
        assertEquals(
                "title",
                refused(() -> EverrunsLifecycleMapper.patch(new UpdateSessionRequest().title("x".repeat(1025))))
                        .param());
        assertEquals(
                "tags",
                refused(() -> EverrunsLifecycleMapper.patch(new UpdateSessionRequest().tags(List.of(""))))
                        .param());
        assertEquals(
                "locale",
                refused(() -> EverrunsLifecycleMapper.patch(new UpdateSessionRequest().locale("en_US")))
                        .param());
    }

    @ParameterizedTest
    @CsvSource({
        "uk-UA,uk-UA",
        "uk-ua,uk-UA",
        "EN,en",
        "zh-hant-tw,zh-Hant-TW",
        "de-CH-1996,de-CH-1996",
        "sr-Latn,sr-Latn"
    })
    void localesAreCanonicalBcp47(String given, String stored) {
        assertEquals(stored, EverrunsLifecycleMapper.locale(given));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "en_US", "not a locale", "e", "x-private", "und", "123", "klingon!", "en--US"})
    void otherLocalesAreUnsupported(String given) {
        GatewayException e = refused(() -> EverrunsLifecycleMapper.locale(given));
        assertEquals(ErrorKind.INVALID_BODY, e.kind());
        assertEquals("unsupported locale: expected a BCP 47 tag such as uk-UA", e.getMessage());
    }

    @Test
    void forkInheritsWhatIsNotGiven() {
        assertEquals(ForkRequest.INHERIT, EverrunsLifecycleMapper.fork(null));
        assertEquals(ForkRequest.INHERIT, EverrunsLifecycleMapper.fork(new ForkSessionRequest()));
        ForkRequest r = EverrunsLifecycleMapper.fork(new ForkSessionRequest()
                .title("B")
                .tags(List.of("x"))
                .agentId(AGENT)
                .modelId("model_01933b5a000070008000000000000001")
                .locale("fr-ca"));
        assertEquals(
                new ForkRequest(
                        "B", List.of("x"), "fr-CA", AGENT_ID, UUID.fromString("01933b5a-0000-7000-8000-000000000001")),
                r);
        assertEquals(
                "agent_id",
                refused(() -> EverrunsLifecycleMapper.fork(new ForkSessionRequest().agentId("agent_1")))
                        .param());
        assertEquals(
                "model_id",
                refused(() -> EverrunsLifecycleMapper.fork(new ForkSessionRequest().modelId("m")))
                        .param());
        assertEquals(
                "locale",
                refused(() -> EverrunsLifecycleMapper.fork(new ForkSessionRequest().locale("?")))
                        .param());
    }

    @Test
    void cancelAnswersAsTheVendor() {
        var cancelled = EverrunsLifecycleMapper.cancel(new CancelResult(null, true));
        assertEquals(CancelStatus.CANCELLED, cancelled.getStatus());
        assertEquals("Turn cancelled successfully", cancelled.getMessage());
        var noOp = EverrunsLifecycleMapper.cancel(new CancelResult(null, false));
        assertEquals(CancelStatus.NO_OP, noOp.getStatus());
        assertEquals("No turn currently running", noOp.getMessage());
    }

    @Test
    void statsCountByEverrunsProjection() {
        var stats = EverrunsLifecycleMapper.stats(new StatusCounts(Map.of(
                SessionStatus.CREATED,
                2L,
                SessionStatus.RUNNING,
                3L,
                SessionStatus.WAITING,
                1L,
                SessionStatus.COMPLETED,
                1L,
                SessionStatus.FAILED,
                1L,
                SessionStatus.CANCELLED,
                1L,
                SessionStatus.ARCHIVED,
                1L)));
        assertEquals(2, stats.getStarted());
        assertEquals(3, stats.getActive());
        assertEquals(5, stats.getIdle());
        assertEquals(0, stats.getWaitingForToolResults());
        assertEquals(10, stats.getTotal());
    }
}
