package io.ledgerbridge.xref;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.xref.CrossReferences.Entry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Loads the cross-reference seed file named by {@code ledgerbridge.seed.cross-references} at start. */
@ApplicationScoped
public class CrossReferenceSeed {

    private static final Logger LOG = Logger.getLogger(CrossReferenceSeed.class);

    void onStart(@Observes StartupEvent started, LedgerbridgeConfig config, CrossReferences crossReferences,
            ObjectMapper json) throws IOException {
        if (config.seed().crossReferences().isEmpty()) {
            return;
        }
        Path file = Path.of(config.seed().crossReferences().get());
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("cross-reference seed file not found: " + file.toAbsolutePath());
        }
        List<Entry> entries = json.readValue(file.toFile(), new TypeReference<List<Entry>>() {
        });
        int changed = crossReferences.upsert(entries);
        LOG.infof("cross-reference seed %s: %d entries, %d changed", file, entries.size(), changed);
    }
}
