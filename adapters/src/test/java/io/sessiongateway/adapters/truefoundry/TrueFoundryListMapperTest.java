package io.sessiongateway.adapters.truefoundry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.truefoundry.TrueFoundryListMapper.Token;
import io.sessiongateway.adapters.truefoundry.TrueFoundryListMapper.Window;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.service.PageTokens;
import io.sessiongateway.generated.truefoundry.model.TokenPagination;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrueFoundryListMapperTest {
    static final PageTokens TOKENS = new PageTokens("a test key of some length".getBytes(StandardCharsets.UTF_8));
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00.123Z");
    static final List<Object> PARAMS = List.of("list", "helper", "acme", 10, Order.CREATED_DESC, "-", "-");

    static Session session(String title, Instant created, String agent, SubjectRef owner) {
        return Session.builder()
                .id(UUID.randomUUID())
                .publicId("session_" + "a".repeat(32))
                .agent(new Session.AgentRef(UUID.randomUUID(), agent, null, List.of()))
                .owner(owner)
                .title(title)
                .times(new Session.Timestamps(created, created.plusMillis(5), null, null, null))
                .build();
    }

    static GatewayException refused(Runnable r) {
        return assertThrows(GatewayException.class, r::run);
    }

    @Test
    void defaultWindowIsTheLastHalfHourBeforeTheEnd() {
        assertEquals(
                new Window(NOW.minus(Duration.ofMinutes(30)), NOW),
                TrueFoundryListMapper.window(null, null, NOW, true));
        OffsetDateTime end = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
        assertEquals(
                new Window(end.toInstant().minus(Duration.ofMinutes(30)), end.toInstant()),
                TrueFoundryListMapper.window(null, end, NOW, true));
        assertEquals(new Window(null, NOW), TrueFoundryListMapper.window(null, null, NOW, false), "search");
        OffsetDateTime start = end.minusDays(3);
        assertEquals(
                new Window(start.toInstant(), end.toInstant()), TrueFoundryListMapper.window(start, end, NOW, true));
        assertEquals(new Window(end.toInstant(), end.toInstant()), TrueFoundryListMapper.window(end, end, NOW, true));
    }

    @Test
    void aWindowThatEndsBeforeItStartsIsRefusedAs400() {
        OffsetDateTime end = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
        GatewayException e = refused(() -> TrueFoundryListMapper.window(end.plusNanos(1000), end, NOW, true));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals("invalid_time_window", e.code());
        assertEquals("start_timestamp", e.param());
        assertEquals(400, TrueFoundryDialect.status(e, "/acme/v1/agents/sessions"));
    }

    @Test
    void parametersAreCheckedAs422() {
        assertEquals(10, TrueFoundryListMapper.limit(null));
        assertEquals(100, TrueFoundryListMapper.limit(100));
        assertEquals(Order.CREATED_DESC, TrueFoundryListMapper.order(null));
        assertEquals(Order.CREATED_ASC, TrueFoundryListMapper.order("asc"));
        assertEquals("a".repeat(255), TrueFoundryListMapper.agentName("a".repeat(255), true));
        assertNull(TrueFoundryListMapper.agentName(null, false));
        List<Runnable> bad = List.of(
                () -> TrueFoundryListMapper.limit(0),
                () -> TrueFoundryListMapper.limit(101),
                () -> TrueFoundryListMapper.order("DESC"),
                () -> TrueFoundryListMapper.agentName(null, true),
                () -> TrueFoundryListMapper.agentName("", false),
                () -> TrueFoundryListMapper.agentName("a".repeat(256), true),
                () -> TrueFoundryListMapper.oneOf(
                        "robot", "created_by_subject_type", TrueFoundryListMapper.SUBJECT_TYPES),
                () -> TrueFoundryListMapper.checkRaw(Map.of("limit", List.of("1", "1")), List.of("limit")),
                () -> TrueFoundryListMapper.checkRaw(Map.of("order", List.of("")), List.of("order")));
        for (Runnable r : bad) {
            GatewayException e = refused(r);
            assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), e.getMessage());
            assertEquals(422, TrueFoundryDialect.status(e, "/acme/v1/agents/sessions"), e.getMessage());
            assertTrue(e.param() != null, e.getMessage());
        }
        TrueFoundryListMapper.checkRaw(
                Map.of("other", List.of("1", "2"), "limit", List.of("3")), List.of("limit", "order"));
    }

    @Test
    void tokensRoundTripWithTheirWindowAndOnlyForTheirParameters() {
        Position p = new Position(NOW.minusSeconds(5), UUID.randomUUID(), null);
        Window w = new Window(NOW.minus(Duration.ofMinutes(30)), NOW);
        String token = TrueFoundryListMapper.token(TOKENS, p, Direction.NEXT, w, PARAMS);
        assertEquals(new Token(p, Direction.NEXT, w), TrueFoundryListMapper.readToken(TOKENS, token, PARAMS));
        Window open = new Window(null, NOW);
        String search = TrueFoundryListMapper.token(TOKENS, p, Direction.PREVIOUS, open, PARAMS);
        assertEquals(new Token(p, Direction.PREVIOUS, open), TrueFoundryListMapper.readToken(TOKENS, search, PARAMS));
        String inner = token.substring(0, token.lastIndexOf('.'));
        String moved = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((Instant.EPOCH + "|" + NOW).getBytes(StandardCharsets.UTF_8));
        List<String> refusedTokens = List.of(
                "x",
                token + "x",
                inner + "." + moved,
                inner,
                new PageTokens("another key".getBytes(StandardCharsets.UTF_8)).encode(p, Direction.NEXT, "q") + ".e30");
        for (String t : refusedTokens) {
            GatewayException e = refused(() -> TrueFoundryListMapper.readToken(TOKENS, t, PARAMS));
            assertEquals("invalid_page_token", e.code(), t);
            assertEquals("page_token", e.param());
            assertEquals(400, TrueFoundryDialect.status(e, "/acme/v1/x/agents/search-sessions"));
        }
        GatewayException other = refused(() -> TrueFoundryListMapper.readToken(
                TOKENS, token, List.of("list", "helper", "acme", 11, Order.CREATED_DESC, "-", "-")));
        assertEquals("invalid_page_token", other.code());
    }

    @Test
    void aPageRendersItsItemsAndOnlyTheTokensItHas() throws Exception {
        SubjectRef alice = new SubjectRef("user", "alice", "Alice");
        Session s = session(null, NOW, "helper", alice);
        Window w = new Window(null, NOW);
        SessionPage first =
                new SessionPage(List.of(s), Optional.of(Position.of(s)), Optional.empty(), OptionalLong.empty());
        TokenPagination p = TrueFoundryListMapper.pagination(TOKENS, first, 1, w, PARAMS);
        ObjectMapper json = new ObjectMapper();
        Map<?, ?> rendered = json.readValue(json.writeValueAsString(p), Map.class);
        assertEquals(List.of("limit", "next_page_token"), List.copyOf(rendered.keySet()));
        assertEquals(
                Map.of("limit", 1),
                json.readValue(
                        json.writeValueAsString(TrueFoundryListMapper.pagination(
                                TOKENS,
                                new SessionPage(List.of(), Optional.empty(), Optional.empty(), OptionalLong.empty()),
                                1,
                                w,
                                PARAMS)),
                        Map.class));
        Map<?, ?> item = json.readValue(json.writeValueAsString(TrueFoundryListMapper.toSavedSession(s)), Map.class);
        Map<String, Object> expected = new HashMap<>();
        expected.put("type", "session");
        expected.put("id", s.publicId());
        expected.put("agent_name", "helper");
        expected.put("title", null);
        expected.put(
                "created_by_subject", Map.of("subject_id", "alice", "subject_type", "user", "subject_slug", "Alice"));
        expected.put("created_at", "2026-12-05T10:00:00.123Z");
        expected.put("updated_at", "2026-12-05T10:00:00.128Z");
        assertEquals(expected, item);
    }

    @Test
    void aCreatorWithoutASlugShowsItsIdAsTheSlugAsInAGet() {
        // truefoundry-gateway-sdk requires subject_slug to be a string: one null fails the whole page.
        Session s = session("t", NOW, "helper", new SubjectRef("user", "alice", null));
        assertEquals(
                "alice",
                TrueFoundryListMapper.toSavedSession(s).getCreatedBySubject().getSubjectSlug());
        assertEquals(
                TrueFoundryMapper.toSession(s).getCreatedBySubject(),
                TrueFoundryListMapper.toSavedSession(s).getCreatedBySubject());
    }

    @Test
    void searchBySessionIdFiltersInMemoryAsTheQueryWould() {
        SubjectRef alice = new SubjectRef("user", "alice", null);
        Session s = session("t", NOW, "helper", alice);
        Window all = new Window(null, NOW);
        assertTrue(TrueFoundryListMapper.matches(s, null, null, all));
        assertTrue(TrueFoundryListMapper.matches(s, "helper", new SubjectRef(null, "alice", null), all));
        assertTrue(TrueFoundryListMapper.matches(s, null, alice, new Window(NOW, NOW)));
        assertFalse(TrueFoundryListMapper.matches(s, "coder", null, all));
        assertFalse(TrueFoundryListMapper.matches(s, null, new SubjectRef("serviceaccount", "alice", null), all));
        assertFalse(TrueFoundryListMapper.matches(s, null, null, new Window(NOW.plusMillis(1), NOW.plusSeconds(1))));
        assertFalse(TrueFoundryListMapper.matches(s, null, null, new Window(null, NOW.minusMillis(1))));
        Position before = new Position(NOW.minusSeconds(1), UUID.randomUUID(), null);
        assertTrue(TrueFoundryListMapper.beyond(s, new Token(before, Direction.NEXT, all), Order.CREATED_ASC));
        assertFalse(TrueFoundryListMapper.beyond(s, new Token(before, Direction.NEXT, all), Order.CREATED_DESC));
        assertTrue(TrueFoundryListMapper.beyond(s, new Token(before, Direction.PREVIOUS, all), Order.CREATED_DESC));
        assertFalse(
                TrueFoundryListMapper.beyond(s, new Token(Position.of(s), Direction.NEXT, all), Order.CREATED_ASC),
                "the position itself is not beyond it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/acme/v1/agents/sessions/s1/cancel", "/prefix/acme/v1/agents/sessions/s1/cancel"})
    void aBadBodyIs400OnCancelAnd422OnCreate(String cancel) {
        GatewayException body = GatewayException.invalidBody("request body must be a JSON object", null);
        assertEquals(400, TrueFoundryDialect.status(body, cancel));
        assertEquals(422, TrueFoundryDialect.status(body, "/acme/v1/agents/sessions"));
        assertEquals(422, TrueFoundryDialect.status(body, null));
    }
}
