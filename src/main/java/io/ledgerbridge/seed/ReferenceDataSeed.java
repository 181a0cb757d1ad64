package io.ledgerbridge.seed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.spi.CamelEvent.CamelContextStartingEvent;
import org.jboss.logging.Logger;

/**
 * Loads the reference-data file named by {@code ledgerbridge.seed.reference-data} at start, before the Camel context
 * starts its routes: a flow's first record (a Kafka backlog is read at once) already finds the projects, people and
 * rates it needs, instead of being dead-lettered as REFERENCE until the seed is in.
 */
@ApplicationScoped
public class ReferenceDataSeed {

    private static final Logger LOG = Logger.getLogger(ReferenceDataSeed.class);

    void onStart(@Observes CamelContextStartingEvent starting, LedgerbridgeConfig config, ReferenceData referenceData,
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
