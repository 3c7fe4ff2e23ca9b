package io.sessiongateway.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessiongateway.adapters.admin.AdminDialect;
import io.sessiongateway.adapters.agentcloud.AgentcloudDialect;
import io.sessiongateway.adapters.everruns.EverrunsDialect;
import io.sessiongateway.adapters.recoup.RecoupDialect;
import io.sessiongateway.adapters.spi.Dialect;
import io.sessiongateway.adapters.truefoundry.TrueFoundryDialect;
import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import io.sessiongateway.generated.admin.model.AdminError;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ParamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;

/** Every exception the server can meet, to its kind and to each dialect's status. */
class ErrorMapperTest {
    /** throwable, kind, then the status of: truefoundry, everruns, agentcloud, recoup, admin. */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(new NotFoundException(), ErrorKind.NO_ROUTE, List.of(404, 404, 404, 404, 404)),
                Arguments.of(
                        new NotAllowedException("GET"), ErrorKind.METHOD_NOT_ALLOWED, List.of(405, 405, 405, 405, 405)),
                Arguments.of(
                        new NotSupportedException(),
                        ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                        List.of(415, 415, 415, 415, 415)),
                Arguments.of(new NotAcceptableException(), ErrorKind.NOT_ACCEPTABLE, List.of(406, 406, 406, 406, 406)),
                Arguments.of(new BadRequestException(), ErrorKind.INVALID_BODY, List.of(422, 400, 400, 400, 422)),
                Arguments.of(
                        GatewayException.unauthenticated("x"),
                        ErrorKind.UNAUTHENTICATED,
                        List.of(401, 401, 403, 401, 401)),
                Arguments.of(
                        GatewayException.forbidden("c", "x"), ErrorKind.FORBIDDEN, List.of(403, 404, 403, 403, 403)),
                Arguments.of(
                        GatewayException.notFound("c", "x"), ErrorKind.NOT_FOUND, List.of(404, 404, 400, 404, 404)),
                Arguments.of(
                        GatewayException.invalidBody("x", null),
                        ErrorKind.INVALID_BODY,
                        List.of(422, 400, 400, 400, 422)),
                Arguments.of(
                        GatewayException.invalidArgument("x", null),
                        ErrorKind.INVALID_ARGUMENT,
                        List.of(422, 400, 400, 400, 422)),
                Arguments.of(
                        new ParamException.PathParamException(new IllegalArgumentException(), "keyId", null),
                        ErrorKind.INVALID_ARGUMENT,
                        List.of(422, 400, 400, 400, 422)),
                Arguments.of(
                        new ParamException.QueryParamException(new NumberFormatException(), "limit", null),
                        ErrorKind.INVALID_ARGUMENT,
                        List.of(422, 400, 400, 400, 422)),
                Arguments.of(
                        new GatewayException(ErrorKind.UNSUPPORTED_SUBJECT_TYPE, "c", "x"),
                        ErrorKind.UNSUPPORTED_SUBJECT_TYPE,
                        List.of(400, 400, 403, 403, 400)),
                Arguments.of(
                        new GatewayException(ErrorKind.CONFLICT, "c", "x"),
                        ErrorKind.CONFLICT,
                        List.of(409, 409, 400, 409, 409)),
                Arguments.of(
                        new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE, "c", "x"),
                        ErrorKind.PAYLOAD_TOO_LARGE,
                        List.of(413, 413, 413, 413, 413)),
                Arguments.of(
                        new GatewayException(ErrorKind.UNAVAILABLE, "c", "x"),
                        ErrorKind.UNAVAILABLE,
                        List.of(503, 503, 503, 503, 503)),
                Arguments.of(new IllegalStateException("boom"), ErrorKind.INTERNAL, List.of(500, 500, 500, 500, 500)),
                Arguments.of(new NullPointerException(), ErrorKind.INTERNAL, List.of(500, 500, 500, 500, 500)));
    }

    static final List<Dialect> DIALECTS = List.of(
            new TrueFoundryDialect(null),
            new EverrunsDialect(null),
            new AgentcloudDialect(null),
            new RecoupDialect(null, null, "recoup"),
            new AdminDialect(null, null, null, null, Set.of(), List.of(), null));

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void mapsToKindAndEachDialectsStatus(Throwable error, ErrorKind kind, List<Integer> statuses) {
        GatewayException e = ErrorMapper.translate(error);
        assertEquals(kind, e.kind());
        for (int i = 0; i < DIALECTS.size(); i++) {
            assertEquals(
                    statuses.get(i),
                    DIALECTS.get(i).status(kind),
                    DIALECTS.get(i).name());
            assertEquals(
                    statuses.get(i),
                    DIALECTS.get(i).render(e, null).getStatus(),
                    DIALECTS.get(i).name());
        }
    }

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @MethodSource("routes")
    void pathsGoToTheDialectThatClaimsThem(String prefix, String path, String dialect) {
        DialectRouter router = new DialectRouter(List.of(
                new Mounted(prefix, new TrueFoundryDialect(null)),
                new Mounted("", new EverrunsDialect(null)),
                new Mounted("", new AdminDialect(null, null, null, null, Set.of(), List.of(), null))));
        assertEquals(dialect, router.dialectOf(path).map(d -> d.name()).orElse("none"));
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("", "/acme/v1/agents/sessions", "truefoundry"),
                Arguments.of("", "/acme/v1/agents/sessions/x/y", "truefoundry"),
                Arguments.of("", "/acme/v1/agents", "truefoundry"),
                Arguments.of("", "/acme/v2/agents", "none"),
                Arguments.of("", "/v1/sessions/x", "everruns"),
                Arguments.of("", "/v1/v1/agents/sessions", "truefoundry"),
                Arguments.of("", "/v1", "everruns"),
                Arguments.of("", "/admin/v1/tenants/x/agents", "admin"),
                Arguments.of("/tf", "/tf/acme/v1/agents/sessions", "truefoundry"),
                Arguments.of("/tf", "/acme/v1/agents/sessions", "none"),
                Arguments.of("/tf", "/tfx/acme/v1/agents/sessions", "none"));
    }

    @Test
    void theReferenceOfA500IsTheRequestId() {
        ErrorMapper mapper = new ErrorMapper(new DialectRouter(List.of()));
        MDC.put(RequestIds.MDC_KEY, "req-42");
        try {
            var body = (AdminError)
                    mapper.toResponse(new IllegalStateException("boom")).getEntity();
            assertEquals("req-42", body.getError().getReference());
            var clientError =
                    (AdminError) mapper.toResponse(new NotFoundException()).getEntity();
            assertEquals(null, clientError.getError().getReference(), "only a 500 carries a reference");
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
        var outside = (AdminError)
                mapper.toResponse(new IllegalStateException("boom")).getEntity();
        assertEquals(36, outside.getError().getReference().length(), "outside a request: a fresh UUID");
    }

    @Test
    void aServiceUnavailableAnswerTellsTheClientWhenToRetry() {
        ErrorMapper mapper = new ErrorMapper(new DialectRouter(List.of()));
        var unavailable = mapper.toResponse(new GatewayException(ErrorKind.UNAVAILABLE, "database_unavailable", "x"));
        assertEquals(503, unavailable.getStatus());
        assertEquals("1", unavailable.getHeaderString("Retry-After"));
        assertEquals(null, mapper.toResponse(new NotFoundException()).getHeaderString("Retry-After"));
    }
}
