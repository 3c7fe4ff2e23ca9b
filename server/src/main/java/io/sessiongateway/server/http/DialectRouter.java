package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.Dialect;
import java.util.List;
import java.util.Optional;

/**
 * Which dialect a request path belongs to, for errors raised before an adapter runs. Decided from the path alone,
 * with the configured prefixes, longest prefix first.
 */
public final class DialectRouter {
    private final List<Mounted> mounted;

    public DialectRouter(List<Mounted> mounted) {
        this.mounted = mounted.stream()
                .sorted((a, b) ->
                        Integer.compare(b.prefix().length(), a.prefix().length()))
                .toList();
    }

    public Optional<Dialect> dialectOf(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        for (Mounted m : mounted) {
            if (m.prefix().isEmpty()) {
                if (m.dialect().claims(p)) {
                    return Optional.of(m.dialect());
                }
            } else if (p.equals(m.prefix()) || p.startsWith(m.prefix() + "/")) {
                String rest = p.substring(m.prefix().length());
                if (m.dialect().claims(rest.isEmpty() ? "/" : rest)) {
                    return Optional.of(m.dialect());
                }
            }
        }
        return Optional.empty();
    }
}
