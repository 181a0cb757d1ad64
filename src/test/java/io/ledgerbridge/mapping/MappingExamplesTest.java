package io.ledgerbridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every JSONata mapping has an example, and does what its example says: {@code mappings/examples/mappings/<folder>/<name>.in.json}
 * through {@code mappings/<folder>/<name>.jsonata} is {@code <name>.out.json} (evaluated as the routes' jsonata
 * endpoint does; numbers compared as amounts, 87 and 87.00 alike); {@code <name>.<case>.in.json} and
 * {@code .out.json} are a further case of the same mapping. The expected documents are written by hand.
 */
class MappingExamplesTest {

    private static final Path MAPPINGS = Path.of("mappings");
    private static final Path EXAMPLES = MAPPINGS.resolve("examples/mappings");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyExampleIsWhatItsMappingMakes() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            inputs = files.filter(p -> p.toString().endsWith(".in.json")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(EXAMPLES.relativize(input).toString(), () -> {
            String name = input.getFileName().toString().replace(".in.json", "");
            Path folder = EXAMPLES.relativize(input.getParent());
            // <mapping>.<case>.in.json: a further example of the mapping
            Path mapping = MAPPINGS.resolve(folder).resolve(name.split("\\.")[0] + ".jsonata");
            assertThat(mapping).as("the mapping of example %s", input).exists();
            JsonNode expected = JSON.readTree(input.resolveSibling(name + ".out.json").toFile());
            JsonNode actual = JSON.readTree(map(mapping, Files.readString(input)));
            assertThat(actual.equals((a, b) -> a.isNumber() && b.isNumber()
                    ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1, expected))
                    .as("%s of %s:%n  made     %s%n  expected %s", mapping, input, actual, expected).isTrue();
        }));
    }

    @Test
    void everyMappingHasAnExample() throws IOException {
        List<Path> mappings;
        try (Stream<Path> files = Files.walk(MAPPINGS)) {
            mappings = files.filter(p -> p.toString().endsWith(".jsonata")).sorted().toList();
        }
        assertThat(mappings).hasSizeGreaterThan(20).allSatisfy(mapping -> assertThat(EXAMPLES
                .resolve(MAPPINGS.relativize(mapping.getParent())).resolve(mapping.getFileName().toString()
                        .replace(".jsonata", ".in.json"))).as("the example of %s", mapping).exists());
    }

    /** As CompiledJsonataEndpoint evaluates a mapping (JSON text in, JSON text out). */
    static String map(Path mapping, String input) throws IOException {
        Object result = Jsonata.jsonata(Files.readString(mapping)).evaluate(JSON.readValue(input, Object.class));
        return JSON.writeValueAsString(result);
    }
}
