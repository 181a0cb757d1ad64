package io.ledgerbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No flow names a vendor system: a flow file asks for capabilities (erp-, psa-, crm-) and takes its records through
 * source-to-canonical; only a system's own file, routes/system-&lt;system&gt;.camel.yaml, and its mappings folder say
 * who the system is (docs/adding-a-system.md).
 */
class FlowsNameNoSystemTest {

    private static final Path ROUTES = Path.of("routes");

    @Test
    void onlyASystemsOwnRoutesFileNamesIt() throws IOException {
        List<String> systems = systems();
        assertThat(systems).contains("xero", "business-central", "file-outbox", "harvest", "salesforce");
        List<String> named = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("system-")) {
                    continue;
                }
                String text = Files.readString(file).toLowerCase(Locale.ROOT);
                for (String system : systems) {
                    if (text.contains(system) || text.contains(system.replace('-', ' '))) {
                        named.add(name + " names " + system);
                    }
                }
            }
        }
        assertThat(named).isEmpty();
    }

    /** The systems ledgerbridge knows: each ERP, PSA or CRM routes file, and each source with an intake descriptor. */
    private static List<String> systems() throws IOException {
        List<String> systems = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("system-"))
                    .map(n -> n.substring("system-".length(), n.length() - ".camel.yaml".length()))
                    .forEach(systems::add);
        }
        try (Stream<Path> folders = Files.list(Path.of("mappings"))) {
            folders.filter(f -> Files.exists(f.resolve("intake.json"))).map(f -> f.getFileName().toString())
                    // the HR feed's name is the generic word every flow may use
                    .filter(n -> !systems.contains(n) && !n.equals("hr")).forEach(systems::add);
        }
        return systems;
    }
}
