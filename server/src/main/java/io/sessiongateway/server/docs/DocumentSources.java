package io.sessiongateway.server.docs;

import io.sessiongateway.adapters.spi.Binding;
import io.sessiongateway.server.http.Mounted;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which documents are served, from what: one per mounted dialect, from every document in {@code specs/<name>/} (a
 * dialect added to the registry with its folder of documents is served with no change here), then {@code health}
 * from {@code specs/admin/health.yaml}.
 */
public final class DocumentSources {
    /** The gateway's own endpoints' document; it sits beside admin's, which does not include it. */
    public static final String HEALTH_FILE = "admin/health.yaml";

    private DocumentSources() {}

    /**
     * The documents to serve, in this order: the mounted dialects', then health's.
     *
     * @param dialects the mounted dialects, in mounting order (the operations pseudo-dialect left out)
     * @param ownOperations the gateway's own endpoints that are served (health, metrics, these documents)
     * @param movedPaths the gateway's own paths the operator moved ({@code /metrics} to the metrics path)
     */
    public static List<DocumentSource> of(
            List<Mounted> dialects, Set<OperationKey> ownOperations, Map<String, String> movedPaths) {
        List<DocumentSource> sources = new ArrayList<>();
        for (Mounted m : dialects) {
            String name = m.dialect().name();
            List<String> files = SpecFiles.yamlFilesIn(name).stream()
                    .filter(f -> !f.equals(HEALTH_FILE))
                    .toList();
            Set<OperationKey> mounted = new LinkedHashSet<>();
            for (Binding b : m.dialect().bindings()) {
                OperationKey.of(b).stream()
                        .filter(k -> m.dialect().serves(k.method(), k.path()))
                        .forEach(mounted::add);
            }
            if (!files.isEmpty()) {
                sources.add(new DocumentSource(name, files, m.prefix(), mounted, Map.of()));
            }
        }
        sources.add(new DocumentSource("health", List.of(HEALTH_FILE), "", ownOperations, movedPaths));
        return sources;
    }
}
