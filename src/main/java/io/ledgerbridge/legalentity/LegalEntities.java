package io.ledgerbridge.legalentity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.Collection;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The firm's legal entities, from {@code mappings/entities.json} (checked against its JSON Schema when the service
 * starts; a broken file fails the start, it is never half-applied): each books its projects in one ERP account
 * ({@link ErpLedger}), in its currency, with its tax types and ledger accounts. Regions name their entity
 * ({@code mappings/regions.json}, {@link io.ledgerbridge.money.Regions}).
 */
@ApplicationScoped
@Startup
@Named("legalEntities")
public class LegalEntities {

    /** The cross-reference target system of the default ERP account: the ids of its records. */
    public static final String DEFAULT_XREF_SYSTEM = "erp";

    /**
     * One legal entity. {@code cardAccount} is the ERP's bank account of the entity's card, which paid the expenses
     * of {@code cardCategories} (none when the entity has no company card).
     */
    public record LegalEntity(String code, String name, Currency currency, String salesTaxType, String expenseTaxType,
            String exemptTaxType, String salesAccount, String expenseAccount, int paymentTermsDays,
            String cardAccount, Set<String> cardCategories, ErpLedger ledger, boolean postInvoices,
            RevenueAccounts revenueAccounts) {

        /** Whether an expense of this category was paid with the entity's card (else the consultant is reimbursed). */
        public boolean paidByCard(String category) {
            return category != null && cardCategories.stream().anyMatch(category::equalsIgnoreCase);
        }
    }

    /**
     * The accounts the period close posts to besides sales (mappings/entities.json {@code accounts}): unbilled revenue
     * (WIP), contract assets and deferred revenue; null where the entity names none.
     */
    public record RevenueAccounts(String unbilled, String contractAssets, String deferred) {
    }

    /**
     * One ERP account: the system (its routes are routes/system-&lt;system&gt;.camel.yaml), the account in it
     * (Xero's tenant id, Business Central's company id; empty for a system without accounts, the file outbox), the
     * Business Central environment, and the name of the ledger: {@code default} for the default ERP account, else
     * the code of the entity that has its own. The ledger's records are cross-referenced under
     * {@link #xrefSystem()}, so that one client or consultant has an id in each ledger.
     */
    public record ErpLedger(String name, String system, String account, String environment) {

        /** The target system of the cross-references to this ledger's records: {@code erp}, or {@code erp:<name>}. */
        public String xrefSystem() {
            return "default".equals(name) ? DEFAULT_XREF_SYSTEM : DEFAULT_XREF_SYSTEM + ":" + name;
        }
    }

    private final Map<String, LegalEntity> entities;
    private final ErpLedger defaultLedger;

    LegalEntities(ObjectMapper json, LedgerbridgeConfig config,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings) throws IOException {
        this.defaultLedger = ledger("default", system(config.erp().connector()), null, null, config);
        JsonNode document = MappingFiles.readValid(json, mappings, "entities.json", "entities.schema.json");
        Map<String, LegalEntity> loaded = new LinkedHashMap<>();
        document.path("entities").fields().forEachRemaining(field -> {
            JsonNode e = field.getValue();
            JsonNode erp = e.path("erp");
            ErpLedger ledger = erp.isObject() ? ledger(field.getKey(), system(erp.path("system").asText()),
                    erp.path("account").asText(null), erp.path("environment").asText(null), config) : defaultLedger;
            loaded.put(field.getKey(), new LegalEntity(field.getKey(), e.path("name").asText(),
                    Currency.getInstance(e.path("currency").asText()), e.path("taxTypes").path("sales").asText(),
                    e.path("taxTypes").path("expense").asText(), e.path("taxTypes").path("exempt").asText(),
                    e.path("accounts").path("sales").asText(), e.path("accounts").path("expense").asText(),
                    e.path("paymentTermsDays").asInt(), e.path("companyCard").path("account").asText(null),
                    categories(e.path("companyCard")), ledger, e.hasNonNull("invoices")
                            ? "POSTED".equals(e.path("invoices").asText())
                            : "business-central".equals(ledger.system())
                                    && config.erp().businessCentral().postInvoices(),
                    new RevenueAccounts(e.path("accounts").path("unbilledRevenue").asText(null),
                            e.path("accounts").path("contractAssets").asText(null),
                            e.path("accounts").path("deferredRevenue").asText(null))));
        });
        this.entities = Map.copyOf(loaded);
    }

    /** The ERP system of a connector setting; {@code xero-projects} is Xero's former name. */
    public static String system(String connector) {
        return "xero-projects".equals(connector) ? "xero" : connector;
    }

    /** A ledger; an account or environment not given is the system's configured one. */
    private static ErpLedger ledger(String name, String system, String account, String environment,
            LedgerbridgeConfig config) {
        String configuredAccount = switch (system) {
            case "xero" -> config.erp().xero().tenantId().orElse("");
            case "business-central" -> config.erp().businessCentral().companyId();
            default -> "";
        };
        String configuredEnvironment = "business-central".equals(system)
                ? config.erp().businessCentral().environment() : "";
        return new ErpLedger(name, system, account != null ? account : configuredAccount,
                environment != null ? environment : configuredEnvironment);
    }

    private static Set<String> categories(JsonNode card) {
        Set<String> categories = new LinkedHashSet<>();
        card.path("categories").forEach(category -> categories.add(category.asText()));
        return Set.copyOf(categories);
    }

    /** The entity; an unknown one is a VALIDATION failure of the record that names it. */
    public LegalEntity of(String code) {
        LegalEntity entity = entities.get(code);
        if (entity == null) {
            throw new FlowFailure(ErrorClass.VALIDATION, "unknown legal entity '" + code + "'; configured: "
                    + entities.keySet() + " (mappings/entities.json)");
        }
        return entity;
    }

    /** Whether the entity is configured. */
    public boolean has(String code) {
        return entities.containsKey(code);
    }

    /** The ERP ledger of an entity; none named (null): the default ERP account. */
    public ErpLedger ledger(String entity) {
        return entity == null ? defaultLedger : of(entity).ledger();
    }

    /** Every ERP ledger the entities book in, each once (the default one first, when an entity uses it). */
    public Collection<ErpLedger> ledgers() {
        Map<String, ErpLedger> ledgers = new LinkedHashMap<>();
        entities.values().stream().map(LegalEntity::ledger).sorted((a, b) -> a == defaultLedger ? -1
                : b == defaultLedger ? 1 : 0).forEach(l -> ledgers.putIfAbsent(l.name(), l));
        return ledgers.values();
    }

    public Map<String, LegalEntity> all() {
        return entities;
    }
}
