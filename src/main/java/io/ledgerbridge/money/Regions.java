package io.ledgerbridge.money;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Regional variation as configuration: currency, legal entity and tax types per region, from
 * {@code mappings/regions.json}, checked against its JSON Schema when the service starts (a broken file fails the
 * start, it is never half-applied).
 */
@ApplicationScoped
@Startup
@Named("regions")
public class Regions {

    /**
     * One region's settings. {@code cardAccount} is the ERP's bank account of the firm's card, which paid the
     * expenses of {@code cardCategories} (none when the region has no company card).
     */
    public record Region(String code, String name, Currency currency, String legalEntity, String salesTaxType,
            String expenseTaxType, String exemptTaxType, String salesAccount, String expenseAccount,
            int paymentTermsDays, String cardAccount, java.util.Set<String> cardCategories) {

        /** Whether an expense of this category was paid with the firm's card (else the consultant is reimbursed). */
        public boolean paidByCard(String category) {
            return category != null && cardCategories.stream().anyMatch(category::equalsIgnoreCase);
        }
    }

    private final Map<String, Region> regions;

    Regions(ObjectMapper json, @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings)
            throws IOException {
        JsonNode document = MappingFiles.readValid(json, mappings, "regions.json", "regions.schema.json");
        Map<String, Region> loaded = new LinkedHashMap<>();
        document.path("regions").fields().forEachRemaining(entry -> {
            JsonNode r = entry.getValue();
            loaded.put(entry.getKey(), new Region(entry.getKey(), r.path("name").asText(),
                    Currency.getInstance(r.path("currency").asText()), r.path("legalEntity").asText(),
                    r.path("taxTypes").path("sales").asText(), r.path("taxTypes").path("expense").asText(),
                    r.path("taxTypes").path("exempt").asText(), r.path("accounts").path("sales").asText(),
                    r.path("accounts").path("expense").asText(), r.path("paymentTermsDays").asInt(),
                    r.path("companyCard").path("account").asText(null), categories(r.path("companyCard"))));
        });
        this.regions = Map.copyOf(loaded);
    }

    private static java.util.Set<String> categories(JsonNode card) {
        java.util.Set<String> categories = new java.util.LinkedHashSet<>();
        card.path("categories").forEach(category -> categories.add(category.asText()));
        return java.util.Set.copyOf(categories);
    }

    /** The region's settings; an unknown region is a VALIDATION failure of the record that names it. */
    public Region of(String code) {
        Region region = regions.get(code);
        if (region == null) {
            throw new FlowFailure(ErrorClass.VALIDATION, "unknown region '" + code + "'; configured: " + regions.keySet());
        }
        return region;
    }

    public Map<String, Region> all() {
        return regions;
    }
}
