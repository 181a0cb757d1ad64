package io.ledgerbridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Two legal entities on two ERPs, as an operator sets them up in mappings/entities.json: the Dutch B.V. (region EU)
 * books in the default ERP, Xero; the US Inc. (region NA) in Business Central, the stub's company and environment,
 * posting the invoices it creates. The mappings are a copy of the project's with that one file edited.
 */
public class OnTwoErps implements QuarkusTestProfile {

    /** The entity on Business Central: the NA region's. */
    public static final String BC_ENTITY = "US-INC";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ledgerbridge.mappings.location", "file:" + mappings(),
                "ledgerbridge.erp.connector", "xero",
                "ledgerbridge.erp.business-central.enabled", "true",
                "ledgerbridge.erp.business-central.post-invoices", "true");
    }

    private static Path mappings() {
        try {
            Path source = Path.of("mappings");
            Path copy = Files.createTempDirectory(Path.of("target"), "mappings-two-erps-");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path target = copy.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode entities = (ObjectNode) json.readTree(copy.resolve("entities.json").toFile());
            ((ObjectNode) entities.path("entities").path(BC_ENTITY)).putObject("erp")
                    .put("system", "business-central").put("account", VendorStubs.BC_COMPANY)
                    .put("environment", "sandbox");
            json.writerWithDefaultPrettyPrinter().writeValue(copy.resolve("entities.json").toFile(), entities);
            return copy.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
