package io.sessiongateway.adapters.agentcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.core.model.AccessRule;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionKey;
import io.sessiongateway.core.model.SessionPage;
import io.sessiongateway.core.model.SessionPatch;
import io.sessiongateway.core.model.SessionQuery;
import io.sessiongateway.core.model.SessionQuery.Direction;
import io.sessiongateway.core.model.SessionQuery.Order;
import io.sessiongateway.core.model.SessionQuery.Position;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.generated.agentcloud.model.EditSessionResponse;
import io.sessiongateway.generated.agentcloud.model.SessionsJsonResponse;
import io.sessiongateway.generated.agentcloud.model.UpdateResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure request and response mappings of Agentcloud's list, delete, cancel and edit. */
class AgentcloudMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEAM = "65f0c0ffee0123456789ab02";
    static final String ID = "65f0c0ffee0123456789abcd";

    static Session session(String objectId, JsonNode variables) {
        Instant created = Instant.parse("2026-11-22T08:00:00.120Z");
        return Session.builder()
                .id(UUID.fromString("01933b5a-0000-7000-8000-000000000001"))
                .publicId("session_01933b5a000070008000000000000001")
                .objectId(objectId)
                .scope(new Session.Scope(
                        UUID.randomUUID(), "acme", "65f0c0ffee0123456789ab01", UUID.randomUUID(), TEAM))
                .agent(new Session.AgentRef(UUID.randomUUID(), "helper", "65f0c0ffee0123456789ab03", List.of()))
                .owner(new SubjectRef("user", "alice", null))
                .status(SessionStatus.CANCELLED)
                .times(new Session.Timestamps(created, created.plusSeconds(5), null, null, null))
                .sharing(new Session.Sharing(SharingMode.RESTRICTED, Map.of("carol", "read")))
                .variables(variables)
                .build();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void invalid(ErrorKind kind, String param, Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(param, e.param());
    }

    @Test
    void theFirstPageIsTenOfTheTeamNewestObjectIdFirstUnderTheSharingRule() {
        for (String first : new String[] {null, "null"}) {
            SessionQuery q = AgentcloudMapper.listQuery(TEAM, first);
            assertEquals(AccessRule.SHARED_IN_TEAM, q.rule());
            assertEquals(TEAM, q.teamObjectId());
            assertEquals(Order.OBJECT_ID_DESC, q.order());
            assertEquals(10, q.limit());
            assertNull(q.position());
            assertNull(q.tenantName());
            assertFalse(q.withTotal());
        }
    }

    @Test
    void beforeIsTheKeysetPositionOfTheNextPage() {
        SessionQuery q = AgentcloudMapper.listQuery(TEAM, ID);
        assertEquals(Position.ofObjectId(ID), q.position());
        assertEquals(Direction.NEXT, q.direction());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "NULL",
                "undefined",
                "65F0C0FFEE0123456789ABCD",
                "65f0c0ffee0123456789abc",
                "65f0c0ffee0123456789abcde",
                "0; DROP TABLE session"
            })
    void beforeThatIsNeitherAnObjectIdNorNullIs400(String before) {
        invalid(ErrorKind.INVALID_ARGUMENT, "before", () -> AgentcloudMapper.listQuery(TEAM, before));
    }

    @Test
    void aPageIsTheCsrfAndTheSessionsInOrder() {
        Session a = session("65f0c0ffee0123456789abce", null);
        Session b = session("65f0c0ffee0123456789abcd", null);
        SessionsJsonResponse r = AgentcloudMapper.sessionsJson(
                new SessionPage(List.of(a, b), Optional.empty(), Optional.empty(), OptionalLong.empty()),
                "abcdefgh-" + "x".repeat(27));
        assertEquals("abcdefgh-" + "x".repeat(27), r.getCsrf());
        assertEquals(List.of(AgentcloudMapper.toSession(a), AgentcloudMapper.toSession(b)), r.getSessions());
        assertEquals("terminated", r.getSessions().get(0).getStatus().toString());
        assertEquals(
                List.of(),
                AgentcloudMapper.sessionsJson(
                                new SessionPage(List.of(), Optional.empty(), Optional.empty(), OptionalLong.empty()),
                                "c")
                        .getSessions());
    }

    @Test
    void aFormPostActsOnThePathsSessionWhenTheBodyRepeatsIt() {
        assertEquals(SessionKey.objectId(TEAM, ID), AgentcloudMapper.formKey(TEAM, ID, ID));
    }

    @Test
    void aBodyIdOtherThanThePathsIsInvalidInputs() {
        GatewayException e = assertThrows(
                GatewayException.class, () -> AgentcloudMapper.formKey(TEAM, ID, "65f0c0ffee0123456789abce"));
        assertEquals(ErrorKind.INVALID_BODY, e.kind());
        assertTrue(e.getMessage().startsWith("Invalid inputs"), e.getMessage());
        assertEquals("sessionId", e.param());
    }

    @Test
    void missingOrMalformedIdsAre400() {
        invalid(ErrorKind.INVALID_BODY, "sessionId", () -> AgentcloudMapper.formKey(TEAM, ID, null));
        invalid(ErrorKind.INVALID_BODY, "sessionId", () -> AgentcloudMapper.formKey(TEAM, ID, ID.toUpperCase()));
        invalid(ErrorKind.INVALID_ARGUMENT, "sessionId", () -> AgentcloudMapper.formKey(TEAM, "nope", "nope"));
    }

    @Test
    void editReplacesTheVariablesAsSent() {
        JsonNode body = json("{\"sessionId\":\"" + ID + "\",\"variables\":{\"topic\":\"billing\",\"n\":1.50,"
                + "\"nested\":{\"a\":[1,2]}}}");
        SessionPatch patch = AgentcloudMapper.edit(body).orElseThrow();
        assertEquals(
                json("{\"topic\":\"billing\",\"n\":1.50,\"nested\":{\"a\":[1,2]}}"),
                patch.variables().value());
        assertNull(patch.title());
        assertNull(patch.status());
        assertNull(patch.tags());
    }

    @Test
    void editWithoutVariablesChangesNothing() {
        assertEquals(Optional.empty(), AgentcloudMapper.edit(json("{\"sessionId\":\"" + ID + "\"}")));
        assertEquals(
                Optional.empty(), AgentcloudMapper.edit(json("{\"sessionId\":\"" + ID + "\",\"variables\":null}")));
        assertEquals(Optional.empty(), AgentcloudMapper.edit(null));
        invalid(ErrorKind.INVALID_BODY, "variables", () -> AgentcloudMapper.edit(json("{\"variables\":[1]}")));
    }

    @Test
    void anEditModifiesOnlyWhenTheVariablesDiffer() {
        Session stored = session(ID, json("{\"topic\":\"billing\"}"));
        assertFalse(AgentcloudMapper.modifies(
                AgentcloudMapper.edit(json("{\"variables\":{\"topic\":\"billing\"}}")), stored));
        assertTrue(AgentcloudMapper.modifies(
                AgentcloudMapper.edit(json("{\"variables\":{\"topic\":\"sales\"}}")), stored));
        assertTrue(AgentcloudMapper.modifies(AgentcloudMapper.edit(json("{\"variables\":{}}")), session(ID, null)));
        assertFalse(AgentcloudMapper.modifies(Optional.empty(), stored));
    }

    @Test
    void theEditsAnswerIsTheVendorsMessageAndMongosUpdateResult() {
        assertEquals(
                new EditSessionResponse()
                        .message(EditSessionResponse.MessageEnum.SESSION_UPDATED_SUCCESSFULLY)
                        .session(new UpdateResult()
                                .acknowledged(true)
                                .matchedCount(1)
                                .modifiedCount(1)
                                .upsertedCount(0)
                                .upsertedId(null)),
                AgentcloudMapper.edited(true));
        assertEquals(0, AgentcloudMapper.edited(false).getSession().getModifiedCount());
    }
}
