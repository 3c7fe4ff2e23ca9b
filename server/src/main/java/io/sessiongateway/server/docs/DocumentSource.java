package io.sessiongateway.server.docs;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One document the gateway serves at {@code /openapi/{name}.yaml}: the {@code specs/} files merged into it, the
 * prefix it is mounted under, the operations the gateway mounts (the document keeps only those) and paths the
 * operator moved (the metrics path).
 *
 * @param name the document's name in its URL: a dialect's name, {@code admin} or {@code health}
 * @param files paths relative to {@code specs/}, e.g. {@code everruns/get-session.yaml}, merged in this order
 * @param prefix the configured prefix ({@code ""} = the vendor's own paths)
 * @param mounted the operations served, relative to the prefix
 * @param movedPaths document path to served path, e.g. {@code /metrics} to {@code /prometheus}
 */
public record DocumentSource(
        String name, List<String> files, String prefix, Set<OperationKey> mounted, Map<String, String> movedPaths) {
    public DocumentSource {
        files = List.copyOf(files);
        mounted = Set.copyOf(mounted);
        movedPaths = Map.copyOf(movedPaths);
    }
}
