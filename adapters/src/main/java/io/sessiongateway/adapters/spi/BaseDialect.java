package io.sessiongateway.adapters.spi;

import io.sessiongateway.core.error.ErrorKind;
import io.sessiongateway.core.error.GatewayException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every dialect built on one adapter shares: its name, the paths it claims (a pattern over the path with the
 * configured prefix removed), its generated interfaces mounted on the adapter, and JSON error responses. A
 * subclass keeps only what differs: its statuses and its envelope.
 */
public abstract class BaseDialect implements Dialect {
    private final String name;
    private final Pattern claimed;
    private final List<Binding> bindings;

    /**
     * @param claimed the paths this dialect answers errors for
     * @param basePath where the interfaces sit ({@code ""} for their own paths)
     * @param apis the generated interfaces {@code adapter} implements
     */
    protected BaseDialect(String name, String claimed, Object adapter, String basePath, Class<?>... apis) {
        this.name = name;
        this.claimed = Pattern.compile(claimed);
        this.bindings = Arrays.stream(apis)
                .map(api -> new Binding(api, adapter, basePath))
                .toList();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<Binding> bindings() {
        return bindings;
    }

    @Override
    public final boolean claims(String path) {
        return claimed.matcher(path).matches();
    }

    /** Plain HTTP meaning unless the dialect's document says otherwise. */
    @Override
    public int status(ErrorKind kind) {
        return HttpStatuses.common(kind);
    }

    /** The error's message, with the log reference of an internal error appended when there is one. */
    protected static String messageWithReference(GatewayException error, String reference) {
        return reference == null ? error.getMessage() : error.getMessage() + " (reference " + reference + ")";
    }

    /** A JSON response with this status and body. */
    protected static Response json(int status, Object body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body)
                .build();
    }
}
