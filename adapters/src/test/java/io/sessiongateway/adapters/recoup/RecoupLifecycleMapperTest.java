package io.sessiongateway.adapters.recoup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.adapters.recoup.RecoupLifecycleMapper.Filter;
import io.sessiongateway.adapters.recoup.RecoupLifecycleMapper.ListParams;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionChange;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionPatch.StatusWrite;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.generated.recoup.model.ListSessionsResponse;
import io.sessiongateway.generated.recoup.model.PatchSessionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecoupLifecycleMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, List<String>> query(String... pairs) {
        Map<String, List<String>> q = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            q.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return q;
    }

    static GatewayException refused(Runnable r) {
        return assertThrows(GatewayException.class, r::run);
    }

    static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void listDefaultsAreTheWebApps() {
        ListParams p = RecoupLifecycleMapper.listParams(Map.of());
        assertEquals(new ListParams(Filter.ALL, 50, 0), p);
        assertFalse(p.wantsArchivedCount(), "the web app sends no archivedCount with status=all");
        SessionQuery q = p.query("acme");
        assertEquals(AccessRule.ACCOUNT_OWNER, q.rule());
        assertEquals("acme", q.tenantName());
        assertEquals(SessionQuery.Order.CREATED_DESC, q.order());
        assertEquals(Set.of(), q.statuses());
        assertEquals(50, q.limit());
        assertEquals(0, q.offset());
        assertNull(q.position());
        assertFalse(q.withTotal(), "hasMore comes from the page, not from a count");
    }

    @Test
    void statusFiltersAreTheCanonicalStates() {
        assertEquals(
                EnumSet.complementOf(EnumSet.of(SessionStatus.ARCHIVED)),
                RecoupLifecycleMapper.listParams(query("status", "active"))
                        .query("a")
                        .statuses());
        assertEquals(
                Set.of(SessionStatus.ARCHIVED),
                RecoupLifecycleMapper.listParams(query("status", "archived"))
                        .query("a")
                        .statuses());
        assertEquals(
                Set.of(),
                RecoupLifecycleMapper.listParams(query("status", "all"))
                        .query("a")
                        .statuses());
        assertTrue(RecoupLifecycleMapper.listParams(query("status", "active")).wantsArchivedCount());
        assertTrue(RecoupLifecycleMapper.listParams(query("status", "archived")).wantsArchivedCount());
    }

    @ParameterizedTest
    @CsvSource({"0,1", "1,1", "50,50", "100,100", "101,100", "999999999999999999,100"})
    void limitsAreBroughtIntoOneToAHundred(String limit, int expected) {
        assertEquals(
                expected,
                RecoupLifecycleMapper.listParams(query("limit", limit)).limit());
    }

    @Test
    void offsetsPastIntArePastEveryPage() {
        assertEquals(7, RecoupLifecycleMapper.listParams(query("offset", "7")).offset());
        assertEquals(
                Integer.MAX_VALUE,
                RecoupLifecycleMapper.listParams(query("offset", "4294967296")).offset());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "status|ACTIVE|status",
                "status||status",
                "status|open|status",
                "limit|-1|limit",
                "limit||limit",
                "limit|1.5|limit",
                "limit|ten|limit",
                "limit|1e3|limit",
                "limit|9999999999999999999|limit",
                "offset|-3|offset",
                "offset|' 1'|offset",
                "offset|+1|offset"
            })
    void invalidParametersAre400(String name, String value, String param) {
        GatewayException e = refused(() -> RecoupLifecycleMapper.listParams(query(name, value == null ? "" : value)));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals(param, e.param());
        if (name.equals("status")) {
            assertEquals("Invalid status filter", e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "limit", "offset"})
    void aParameterGivenTwiceIs400(String name) {
        String v = name.equals("status") ? "all" : "1";
        GatewayException e = refused(() -> RecoupLifecycleMapper.listParams(query(name, v, name, v)));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals(name, e.param());
    }

    @Test
    void aPageCarriesOffsetPaginationAndArchivedCountOnlyWhenAsked() throws Exception {
        ListParams p = new ListParams(Filter.ARCHIVED, 2, 4);
        var s = Session.builder()
                .id(UUID.randomUUID())
                .publicId("session_" + "a".repeat(32))
                .accountId(UUID.randomUUID())
                .title("Oslo")
                .status(SessionStatus.ARCHIVED)
                .agent(new Session.AgentRef(UUID.randomUUID(), "recoup", "x", List.of()))
                .times(new Session.Timestamps(Instant.EPOCH, Instant.EPOCH, null, null, null))
                .build();
        SessionPage more = new SessionPage(
                List.of(s), Optional.of(SessionQuery.Position.of(s)), Optional.empty(), OptionalLong.empty());
        ListSessionsResponse r = RecoupLifecycleMapper.toList(more, p, OptionalLong.of(9));
        assertEquals(9, r.getArchivedCount());
        assertEquals(1, r.getSessions().size());
        assertEquals("archived", r.getSessions().get(0).getStatus().toString());
        assertEquals(2, r.getPagination().getLimit());
        assertEquals(4, r.getPagination().getOffset());
        assertEquals(true, r.getPagination().getHasMore());
        assertEquals(5, r.getPagination().getNextOffset());

        SessionPage last = new SessionPage(List.of(), Optional.empty(), Optional.empty(), OptionalLong.empty());
        ListSessionsResponse end =
                RecoupLifecycleMapper.toList(last, new ListParams(Filter.ALL, 50, 0), OptionalLong.empty());
        JsonNode written = JSON.valueToTree(end);
        assertEquals(
                tree("{\"sessions\":[],\"pagination\":{\"limit\":50,\"offset\":0,\"hasMore\":false,"
                        + "\"nextOffset\":0}}"),
                written,
                "archivedCount is left out, never null");
    }

    @Test
    void anEmptyOrAbsentBodyChangesNothing() throws Exception {
        assertTrue(RecoupLifecycleMapper.patch(null, null).isEmpty());
        assertTrue(RecoupLifecycleMapper.patch(new PatchSessionRequest(), tree("{}"))
                .isEmpty());
        assertTrue(
                RecoupLifecycleMapper.patch(new PatchSessionRequest(), tree("{\"repoOwner\":\"x\"}"))
                        .isEmpty(),
                "unknown fields are dropped, as Zod strips them");
    }

    @Test
    void everyFieldMapsToItsCanonicalChange() throws Exception {
        SessionPatch p = RecoupLifecycleMapper.patch(
                new PatchSessionRequest()
                        .title(" Mixdown ")
                        .status(PatchSessionRequest.StatusEnum.ARCHIVED)
                        .linesAdded(12)
                        .linesRemoved(0),
                tree("{}"));
        assertEquals(new SessionChange.Value<>(" Mixdown "), p.title(), "the title is stored as sent");
        assertEquals(StatusWrite.ARCHIVE, p.status());
        assertEquals(new SessionChange.Value<>(12), p.linesAdded());
        assertEquals(new SessionChange.Value<>(0), p.linesRemoved());
        assertNull(p.tags());
        assertNull(p.locale());
        assertNull(p.variables());
        assertEquals(
                new SessionChange.Value<>(""),
                RecoupLifecycleMapper.patch(new PatchSessionRequest().title(""), tree("{}"))
                        .title(),
                "an empty title is a string (z.string())");
    }

    @ParameterizedTest
    @CsvSource({"RUNNING,REOPEN", "COMPLETED,COMPLETE", "FAILED,FAIL", "ARCHIVED,ARCHIVE"})
    void statusesAreTheLifecycleWrites(PatchSessionRequest.StatusEnum status, StatusWrite write) throws Exception {
        assertEquals(
                write,
                RecoupLifecycleMapper.patch(new PatchSessionRequest().status(status), tree("{}"))
                        .status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"title", "status", "linesAdded", "linesRemoved"})
    void nullIsRefused(String field) throws Exception {
        GatewayException e = refused(() -> {
            try {
                RecoupLifecycleMapper.patch(new PatchSessionRequest(), tree("{\"" + field + "\":null}"));
            } catch (GatewayException ge) {
                throw ge;
            } catch (Exception other) {
                throw new AssertionError(other);
            }
        });
        assertEquals(ErrorKind.INVALID_BODY, e.kind());
        assertEquals(field, e.param());
    }

    @Test
    void negativeLineCountsAndLongTitlesAreRefused() {
        assertEquals(
                "linesAdded",
                refused(() -> RecoupLifecycleMapper.patch(new PatchSessionRequest().linesAdded(-1), null))
                        .param());
        assertEquals(
                "linesRemoved",
                refused(() -> RecoupLifecycleMapper.patch(new PatchSessionRequest().linesRemoved(-5), null))
                        .param());
        assertEquals(
                "title",
                refused(() -> RecoupLifecycleMapper.patch(
                                new PatchSessionRequest().title("x".repeat(RecoupMapper.TITLE_MAX + 1)), null))
                        .param());
        String emoji = "😀".repeat(RecoupMapper.TITLE_MAX);
        assertEquals(
                new SessionChange.Value<>(emoji),
                RecoupLifecycleMapper.patch(new PatchSessionRequest().title(emoji), null)
                        .title(),
                "the limit counts characters, not UTF-16 units");
    }
}
