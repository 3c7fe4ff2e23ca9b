package io.sessiongateway.core.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether the database's Flyway history already holds exactly the migrations on the classpath, so that a restart can
 * skip Flyway (about a sixth of a start's work: its plugins, the classpath scan, validation; and some 400 classes).
 *
 * <p>It answers true only when every migration file in the locations is a versioned SQL migration
 * ({@code V<version>__<description>.sql}) with exactly one successful {@code SQL} row in {@code flyway_schema_history}
 * of the same script name, version and checksum (Flyway's: CRC32 over the UTF-8 bytes of each line, without a byte
 * order mark), and the history has no other row (but Flyway's own marker of the table's creation). Anything else (a pending, changed, renamed, removed or failed
 * migration, another kind of migration or history row, no history table, a location it cannot list) answers false,
 * and the caller runs Flyway, which migrates, or refuses as it always did. So a skip never hides what Flyway's
 * validation would report.
 */
final class AppliedMigrations {
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__(.+)\\.sql");
    private static final String HISTORY =
            "SELECT version, script, checksum, success, type FROM flyway_schema_history ORDER BY installed_rank";

    private AppliedMigrations() {}

    /** One local migration file. */
    record Local(String version, String script, int checksum) {}

    /**
     * True when the history matches the migrations in the locations exactly (see the class comment); false, never an
     * exception, in every other case.
     *
     * @param locations classpath folders, as Flyway's {@code classpath:} locations without the prefix
     */
    static boolean upToDate(DataSource dataSource, List<String> locations, ClassLoader loader) {
        Map<String, Local> local = new HashMap<>();
        try {
            for (String location : locations) {
                for (Local m : list(location, loader)) {
                    if (local.put(m.script(), m) != null) {
                        return false; // the same file name in two locations
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return false; // Flyway lists them itself, and reports what is wrong
        }
        if (local.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(HISTORY)) {
            int rows = 0;
            while (rs.next()) {
                if ("TABLE".equals(rs.getString("type")) && rs.getString("version") == null) {
                    continue; // Flyway's own row for creating the history table (installed_rank -1)
                }
                rows++;
                Local m = local.get(rs.getString("script"));
                int checksum = rs.getInt("checksum");
                if (m == null
                        || rs.wasNull()
                        || !"SQL".equals(rs.getString("type"))
                        || !rs.getBoolean("success")
                        || !m.version().equals(rs.getString("version"))
                        || m.checksum() != checksum) {
                    return false;
                }
            }
            return rows == local.size();
        } catch (SQLException e) {
            return false; // no history table yet (a new database), or no database: Flyway reports it
        }
    }

    /**
     * The migration files in one location (a folder on the classpath, in a jar or a directory).
     *
     * @throws IOException also when a file is not a versioned SQL migration, or the location has sub-folders
     */
    static List<Local> list(String location, ClassLoader loader) throws IOException, URISyntaxException {
        Map<String, Local> found = new HashMap<>();
        Enumeration<URL> roots = loader.getResources(location);
        while (roots.hasMoreElements()) {
            URL root = roots.nextElement();
            if ("file".equals(root.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                    for (Path f : files.toList()) {
                        try (InputStream in = Files.newInputStream(f)) {
                            put(found, f.getFileName().toString(), in);
                        }
                    }
                }
            } else if ("jar".equals(root.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    String prefix = location.endsWith("/") ? location : location + "/";
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        String name = entry.getName();
                        if (!entry.isDirectory() && name.startsWith(prefix)) {
                            String file = name.substring(prefix.length());
                            if (file.contains("/")) {
                                throw new IOException("a sub-folder in " + location); // Flyway scans those too
                            }
                            try (InputStream in = jar.getInputStream(entry)) {
                                put(found, file, in);
                            }
                        }
                    }
                }
            } else {
                throw new IOException("cannot list " + root);
            }
        }
        return List.copyOf(found.values());
    }

    private static void put(Map<String, Local> found, String file, InputStream in) throws IOException {
        Matcher m = VERSIONED.matcher(file);
        if (!m.matches()) {
            throw new IOException("not a versioned SQL migration: " + file);
        }
        Local previous = found.put(file, new Local(m.group(1).replace('_', '.'), file, checksum(in)));
        if (previous != null) {
            throw new IOException("twice on the classpath: " + file);
        }
    }

    /**
     * Flyway's checksum of one migration (its ChecksumCalculator): CRC32 over each line's UTF-8 bytes, a byte order
     * mark at the start of a line removed (its BomFilter).
     */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            crc.update((line.startsWith("\uFEFF") ? line.substring(1) : line).getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
