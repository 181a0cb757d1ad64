package io.ledgerbridge.money;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.legalentity.LegalEntities.ErpLedger;
import io.ledgerbridge.legalentity.LegalEntities.LegalEntity;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The regions projects and people belong to, from {@code mappings/regions.json} (checked against its JSON Schema
 * when the service starts; a broken file, or a region naming an entity that {@code mappings/entities.json} lacks,
 * fails the start, it is never half-applied): each names the legal entity that books its projects, with the
 * entity's ERP, currency, tax types and accounts ({@link LegalEntities}).
 */
@ApplicationScoped
@Startup
@Named("regions")
public class Regions {

    /** One region: its name and the code of its legal entity. */
    public record Region(String code, String name, String entity) {
    }

    private final Map<String, Region> regions;
    private final LegalEntities entities;

    Regions(ObjectMapper json, LegalEntities entities,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings) throws IOException {
        this.entities = entities;
        JsonNode document = MappingFiles.readValid(json, mappings, "regions.json", "regions.schema.json");
        Map<String, Region> loaded = new LinkedHashMap<>();
        document.path("regions").fields().forEachRemaining(entry -> {
            String entity = entry.getValue().path("entity").asText();
            if (!entities.has(entity)) {
                throw new IllegalStateException("mappings/regions.json: region " + entry.getKey()
                        + " names the legal entity '" + entity + "', which mappings/entities.json lacks; it has "
                        + entities.all().keySet());
            }
            loaded.put(entry.getKey(), new Region(entry.getKey(), entry.getValue().path("name").asText(), entity));
        });
        this.regions = Map.copyOf(loaded);
    }

    /** The region; an unknown region is a VALIDATION failure of the record that names it. */
    public Region of(String code) {
        Region region = regions.get(code);
        if (region == null) {
            throw new FlowFailure(ErrorClass.VALIDATION, "unknown region '" + code + "'; configured: " + regions.keySet());
        }
        return region;
    }

    /** The legal entity that books the region's projects (VALIDATION failure for an unknown region). */
    public LegalEntity entityOf(String region) {
        return entities.of(of(region).entity());
    }

    /** The ERP ledger of the region's entity: where its projects' records are (VALIDATION for an unknown region). */
    public ErpLedger ledgerOf(String region) {
        return entityOf(region).ledger();
    }

    public Map<String, Region> all() {
        return regions;
    }
}
