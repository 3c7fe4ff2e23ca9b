package io.sessiongateway.server.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The documents of {@code specs/}, which the build copies into the jar under {@code specs/}. */
final class SpecFiles {
    private static final String ROOT = "specs/";

    private SpecFiles() {}

    /** A file every build has; the folder it sits in locates {@code specs/} (a jar need not list folders). */
    private static final String MARKER = "admin/health.yaml";

    /** The {@code .yaml} files directly in {@code specs/<dir>/}, sorted, relative to {@code specs/}; none if absent. */
    static List<String> yamlFilesIn(String dir) {
        URL url = SpecFiles.class.getClassLoader().getResource(ROOT + MARKER);
        if (url == null) {
            throw new IllegalStateException("specs/" + MARKER + " is not on the classpath");
        }
        try {
            URI uri = url.toURI();
            Path root;
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                root = fs.getPath("/" + ROOT);
            } else {
                root = Path.of(uri).getParent().getParent();
            }
            Path folder = root.resolve(dir);
            return Files.isDirectory(folder) ? list(folder, dir) : List.of();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unreadable classpath location " + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(Path folder, String dir) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .map(n -> dir + "/" + n)
                    .toList();
        }
    }

    /** The bytes of {@code specs/<file>}. */
    static byte[] read(String file) {
        try (InputStream in = SpecFiles.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("specs/" + file + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
