package io.ledgerbridge.seed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Loads the reference-data file named by {@code ledgerbridge.seed.reference-data} at start. */
@ApplicationScoped
public class ReferenceDataSeed {

    private static final Logger LOG = Logger.getLogger(ReferenceDataSeed.class);

    void onStart(@Observes StartupEvent started, LedgerbridgeConfig config, ReferenceData referenceData,
            ObjectMapper json) throws IOException {
        if (config.seed().referenceData().isEmpty()) {
            return;
        }
        Path file = Path.of(config.seed().referenceData().get());
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("reference-data seed file not found: " + file.toAbsolutePath());
        }
        var loaded = referenceData.load(json.readValue(file.toFile(), ReferenceData.Document.class));
        LOG.infof("reference-data seed %s loaded: %s", file, loaded);
    }
}
