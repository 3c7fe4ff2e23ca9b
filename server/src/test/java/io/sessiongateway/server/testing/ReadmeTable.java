package io.sessiongateway.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The first Markdown table under a README heading, as the table-driven ITs read it. */
public final class ReadmeTable {
    private ReadmeTable() {}

    /**
     * The data rows (cells trimmed, the separator row left out) of the first table after {@code heading}, whose
     * header must be exactly {@code header}.
     */
    public static List<List<String>> rows(Path readme, String heading, List<String> header) {
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "README has no section " + heading);
        boolean inTable = false;
        List<List<String>> rows = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i);
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            List<String> cells = cells(line);
            if (!inTable) {
                inTable = true;
                assertEquals(header, cells);
                continue;
            }
            if (!cells.get(0).startsWith("---")) {
                rows.add(cells);
            }
        }
        return rows;
    }

    /** The trimmed cells of one table line. */
    public static List<String> cells(String line) {
        String inner = line.substring(1, line.lastIndexOf('|'));
        List<String> out = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            out.add(c.trim());
        }
        return out;
    }
}
