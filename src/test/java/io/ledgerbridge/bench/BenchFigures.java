package io.ledgerbridge.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The figures of one benchmark as {@code target/bench/<name>.properties}, beside its printed report: BenchTable reads
 * those of every benchmark of a {@code make bench} run into the one table of the figures and targets.
 */
public final class BenchFigures {

    static final Path DIRECTORY = Path.of("target/bench");

    private BenchFigures() {
    }

    /** Writes (replaces) the figures of {@code bench}; numbers as plain decimals, without units. */
    public static void write(String bench, Map<String, ?> figures) throws IOException {
        Properties properties = new Properties();
        figures.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        Files.createDirectories(DIRECTORY);
        try (Writer out = Files.newBufferedWriter(DIRECTORY.resolve(bench + ".properties"))) {
            properties.store(out, bench);
        }
    }
}
