package io.ledgerbridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary between routes and beans: every ledgerbridge* header or exchange property a route or a bean names
 * is declared once, as a documented constant of a vocabulary (FlowHeaders, SystemCall, ErpCall, or the flow's own
 * bean: who writes it, who reads it), and Java code names it only through that constant.
 */
class HeaderVocabularyTest {

    private static final Pattern NAME = Pattern.compile("\\bledgerbridge[A-Z][A-Za-z]+\\b");
    private static final Pattern DECLARATION = Pattern.compile(
            "(?s)(/\\*\\*(?:(?!\\*/).)*\\*/\\s*)?(?:public |private )?static final String ([A-Z_]+) = \"(ledgerbridge[A-Z][A-Za-z]+)\";");

    @Test
    void everyNameIsADocumentedConstantDeclaredOnce() {
        Map<String, List<String>> used = new TreeMap<>();
        files(Path.of("routes"), ".camel.yaml").forEach(file -> names(file, read(file), used));
        files(Path.of("src/main/java"), ".java").forEach(file -> names(file, read(file), used));

        Map<String, List<String>> declared = new TreeMap<>();
        List<String> undocumented = new ArrayList<>();
        List<String> literalsBesideTheirConstant = new ArrayList<>();
        for (Path file : files(Path.of("src/main/java"), ".java")) {
            String text = read(file);
            Matcher declaration = DECLARATION.matcher(text);
            int declarations = 0;
            while (declaration.find()) {
                declarations++;
                declared.computeIfAbsent(declaration.group(3), n -> new ArrayList<>()).add(file.getFileName() + "."
                        + declaration.group(2));
                if (declaration.group(1) == null) {
                    undocumented.add(file.getFileName() + "." + declaration.group(2));
                }
            }
            Matcher literal = Pattern.compile("\"ledgerbridge[A-Z][A-Za-z]+\"").matcher(text);
            int literals = 0;
            while (literal.find()) {
                literals++;
            }
            if (literals > declarations) {
                literalsBesideTheirConstant.add(file.toString());
            }
        }
        assertThat(new TreeSet<>(used.keySet())).as("names used but declared nowhere")
                .allSatisfy(name -> assertThat(declared).as(name + " (used in " + used.get(name) + ")").containsKey(name));
        assertThat(declared.entrySet().stream().filter(e -> e.getValue().size() > 1).toList())
                .as("names declared twice").isEmpty();
        assertThat(undocumented).as("constants without a comment saying who writes and reads them").isEmpty();
        assertThat(literalsBesideTheirConstant).as("Java naming a header by its text, not its constant").isEmpty();
    }

    private static void names(Path file, String text, Map<String, List<String>> used) {
        Matcher name = NAME.matcher(text);
        while (name.find()) {
            List<String> files = used.computeIfAbsent(name.group(), n -> new ArrayList<>());
            if (!files.contains(file.getFileName().toString())) {
                files.add(file.getFileName().toString());
            }
        }
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
