package io.sessiongateway.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.adapters.agentcloud.AgentcloudMapper;
import io.sessiongateway.adapters.everruns.EverrunsMapper;
import io.sessiongateway.adapters.recoup.RecoupMapper;
import io.sessiongateway.adapters.truefoundry.TrueFoundryMapper;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SharingMode;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Usage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The README's translation tables, one parameterized test per concern, row by row, on the pure mappers. */
class TranslationTablesTest {
    static final UUID ID = UUID.fromString("01933b5a-0000-7000-8000-000000000001");
    static final UUID AGENT = UUID.fromString("01933b5a-0000-7000-8000-0000000000aa");
    static final UUID TENANT = UUID.fromString("01933b5a-0000-7000-8000-0000000000bb");
    static final UUID ACCOUNT = UUID.fromString("6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11");
    static final Instant CREATED = Instant.parse("2026-11-22T08:00:00.120Z");
    static final Instant UPDATED = Instant.parse("2026-11-22T09:30:00.456Z");
    static final Instant STARTED = Instant.parse("2026-11-22T08:01:00Z");

    static Session session(String title, Usage usage, String preview) {
        return Session.builder()
                .id(ID)
                .publicId("session_01933b5a000070008000000000000001")
                .objectId("65f0c0ffee0123456789abcd")
                .scope(new Session.Scope(
                        TENANT, "acme", "65f0c0ffee0123456789ab01", UUID.randomUUID(), "65f0c0ffee0123456789ab02"))
                .agent(new Session.AgentRef(AGENT, "helper", "65f0c0ffee0123456789ab03", List.of("bob")))
                .owner(new SubjectRef("user", "alice", "Alice"))
                .accountId(ACCOUNT)
                .title(title)
                .status(SessionStatus.RUNNING)
                .times(new Session.Timestamps(CREATED, UPDATED, STARTED, null, null))
                .preview(preview)
                .outputPreview("out")
                .usage(usage)
                .sharing(new Session.Sharing(SharingMode.TEAM, Map.of()))
                .build();
    }

    static final Session S = session("Fix the build", new Usage(1200, 34, 5L, null), "hello");
    static final Session UNTITLED = session(null, null, null);

    static Stream<Arguments> ids() {
        return Stream.of(
                row(
                        "truefoundry id",
                        s -> TrueFoundryMapper.toSession(s).getId(),
                        "session_01933b5a000070008000000000000001"),
                row("truefoundry agent", s -> TrueFoundryMapper.toSession(s).getAgentName(), "helper"),
                row(
                        "everruns id",
                        s -> EverrunsMapper.toSession(s).getId(),
                        "session_01933b5a000070008000000000000001"),
                row(
                        "everruns agent",
                        s -> EverrunsMapper.toSession(s).getAgentId(),
                        "agent_01933b5a0000700080000000000000aa"),
                row(
                        "everruns org",
                        s -> EverrunsMapper.toSession(s).getOrganizationId(),
                        "org_01933b5a0000700080000000000000bb"),
                row(
                        "everruns seed shape has no harness",
                        s -> EverrunsMapper.toSession(s).getClass(),
                        io.sessiongateway.generated.everruns.model.Session.class),
                row(
                        "everruns 0.2 harness: the organisation's base harness",
                        s -> ((EverrunsMapper.SessionV02) EverrunsMapper.toSession(s, EverrunsMapper.Shape.V0_2))
                                .getHarnessId(),
                        "harness_01933b5a0000700080000000000000bb"),
                row("agentcloud id", s -> AgentcloudMapper.toSession(s).getId(), "65f0c0ffee0123456789abcd"),
                row("agentcloud org", s -> AgentcloudMapper.toSession(s).getOrgId(), "65f0c0ffee0123456789ab01"),
                row("agentcloud team", s -> AgentcloudMapper.toSession(s).getTeamId(), "65f0c0ffee0123456789ab02"),
                row("agentcloud app", s -> AgentcloudMapper.toSession(s).getAppId(), "65f0c0ffee0123456789ab03"),
                row("recoup id", s -> RecoupMapper.toSession(s).getId(), "session_01933b5a000070008000000000000001"),
                row("recoup account", s -> RecoupMapper.toSession(s).getUserId(), ACCOUNT));
    }

    static Stream<Arguments> titles() {
        return Stream.of(
                Arguments.of(
                        "truefoundry",
                        S,
                        (Function<Session, Object>)
                                s -> TrueFoundryMapper.toSession(s).getTitle(),
                        "Fix the build"),
                Arguments.of(
                        "truefoundry unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> TrueFoundryMapper.toSession(s).getTitle(),
                        null),
                Arguments.of(
                        "everruns",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getTitle(),
                        "Fix the build"),
                Arguments.of(
                        "everruns unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getTitle(),
                        null),
                Arguments.of(
                        "agentcloud",
                        S,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getName(),
                        "Fix the build"),
                Arguments.of(
                        "agentcloud unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getName(),
                        "helper"),
                Arguments.of(
                        "recoup",
                        S,
                        (Function<Session, Object>)
                                s -> RecoupMapper.toSession(s).getTitle(),
                        "Fix the build"),
                Arguments.of(
                        "recoup unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> RecoupMapper.toSession(s).getTitle(),
                        "helper"));
    }

    static Stream<Arguments> timestamps() {
        return Stream.of(
                row(
                        "truefoundry created",
                        s -> TrueFoundryMapper.toSession(s).getCreatedAt(),
                        "2026-11-22T08:00:00.120Z"),
                row(
                        "truefoundry updated",
                        s -> TrueFoundryMapper.toSession(s).getUpdatedAt(),
                        "2026-11-22T09:30:00.456Z"),
                row(
                        "everruns created",
                        s -> EverrunsMapper.toSession(s).getCreatedAt().toInstant(),
                        CREATED),
                row(
                        "everruns updated",
                        s -> EverrunsMapper.toSession(s).getUpdatedAt().toInstant(),
                        UPDATED),
                row(
                        "everruns started",
                        s -> EverrunsMapper.toSession(s).getStartedAt().toInstant(),
                        STARTED),
                row("everruns finished", s -> EverrunsMapper.toSession(s).getFinishedAt(), null),
                row(
                        "agentcloud start",
                        s -> AgentcloudMapper.toSession(s).getStartDate(),
                        Map.of("$date", "2026-11-22T08:00:00.120Z")),
                row(
                        "agentcloud updated",
                        s -> AgentcloudMapper.toSession(s).getLastUpdatedDate(),
                        Map.of("$date", "2026-11-22T09:30:00.456Z")),
                row(
                        "recoup created",
                        s -> RecoupMapper.toSession(s).getCreatedAt(),
                        OffsetDateTime.parse("2026-11-22T08:00:00.120Z")),
                row(
                        "recoup updated",
                        s -> RecoupMapper.toSession(s).getUpdatedAt(),
                        OffsetDateTime.parse("2026-11-22T09:30:00.456Z")));
    }

    static Stream<Arguments> previewsAndUsage() {
        return Stream.of(
                Arguments.of(
                        "everruns preview",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getPreview(),
                        "hello"),
                Arguments.of(
                        "everruns output preview",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getOutputPreview(),
                        "out"),
                Arguments.of(
                        "agentcloud previewLabel",
                        S,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getPreviewLabel(),
                        "hello"),
                Arguments.of(
                        "agentcloud previewLabel unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getPreviewLabel(),
                        null),
                Arguments.of(
                        "everruns usage input",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getUsage().getInputTokens(),
                        1200),
                Arguments.of(
                        "everruns usage output",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getUsage().getOutputTokens(),
                        34),
                Arguments.of(
                        "everruns usage cache read",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getUsage().getCacheReadTokens(),
                        5),
                Arguments.of(
                        "everruns usage cache creation",
                        S,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getUsage().getCacheCreationTokens(),
                        null),
                Arguments.of(
                        "everruns usage unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> EverrunsMapper.toSession(s).getUsage(),
                        null),
                Arguments.of(
                        "agentcloud tokensUsed",
                        S,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getTokensUsed(),
                        1234),
                Arguments.of(
                        "agentcloud tokensUsed unset",
                        UNTITLED,
                        (Function<Session, Object>)
                                s -> AgentcloudMapper.toSession(s).getTokensUsed(),
                        0));
    }

    static Stream<Arguments> scopes() {
        return Stream.of(
                row(
                        "truefoundry owner id",
                        s -> TrueFoundryMapper.toSession(s)
                                .getCreatedBySubject()
                                .getSubjectId(),
                        "alice"),
                row(
                        "truefoundry owner type",
                        s -> TrueFoundryMapper.toSession(s)
                                .getCreatedBySubject()
                                .getSubjectType(),
                        "user"),
                row(
                        "truefoundry owner slug",
                        s -> TrueFoundryMapper.toSession(s)
                                .getCreatedBySubject()
                                .getSubjectSlug(),
                        "Alice"),
                row(
                        "truefoundry owner without a slug: the subject id",
                        s -> TrueFoundryMapper.toSession(withOwner(s, new SubjectRef("user", "alice", null)))
                                .getCreatedBySubject()
                                .getSubjectSlug(),
                        "alice"),
                row(
                        "agentcloud sharing",
                        s -> AgentcloudMapper.toSession(s)
                                .getSharingConfig()
                                .getMode()
                                .toString(),
                        "team"),
                row(
                        "everruns status",
                        s -> EverrunsMapper.toSession(s).getStatus().toString(),
                        "active"),
                row(
                        "agentcloud status",
                        s -> AgentcloudMapper.toSession(s).getStatus().toString(),
                        "running"),
                row("recoup status", s -> RecoupMapper.toSession(s).getStatus().toString(), "running"));
    }

    static Session withOwner(Session s, SubjectRef owner) {
        return new Session(
                s.id(),
                s.publicId(),
                s.objectId(),
                s.scope(),
                s.agent(),
                owner,
                s.accountId(),
                s.artistId(),
                s.modelId(),
                s.title(),
                s.status(),
                s.warning(),
                s.lifecycle(),
                s.times(),
                s.preview(),
                s.outputPreview(),
                s.usage(),
                s.sharing(),
                s.tags(),
                s.capabilities(),
                s.repository(),
                s.globalSkillRefs(),
                s.sandbox(),
                s.diff(),
                s.extra());
    }

    static Arguments row(String name, Function<Session, Object> field, Object expected) {
        return Arguments.of(name, S, field, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void idTable(String name, Session s, Function<Session, Object> field, Object expected) {
        assertEquals(expected, field.apply(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("titles")
    void titleTable(String name, Session s, Function<Session, Object> field, Object expected) {
        assertEquals(expected, field.apply(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timestamps")
    void timestampTable(String name, Session s, Function<Session, Object> field, Object expected) {
        assertEquals(expected, field.apply(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("previewsAndUsage")
    void previewAndUsageTable(String name, Session s, Function<Session, Object> field, Object expected) {
        assertEquals(expected, field.apply(s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void ownerSharingAndStatusTable(String name, Session s, Function<Session, Object> field, Object expected) {
        assertEquals(expected, field.apply(s));
    }
}
