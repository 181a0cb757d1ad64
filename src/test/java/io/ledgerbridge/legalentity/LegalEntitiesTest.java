package io.ledgerbridge.legalentity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.legalentity.LegalEntities.ErpLedger;
import io.ledgerbridge.money.Regions;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legal entities and the regions naming them, as operators edit them in mappings/. */
class LegalEntitiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path mappings;

    @Test
    void theShippedFilesBookEveryRegionInTheDefaultErp() throws Exception {
        LegalEntities entities = new LegalEntities(JSON, config("xero"), "file:mappings");
        Regions regions = regions(entities, "file:mappings");
        assertThat(regions.entityOf("EU").code()).isEqualTo("NL-BV");
        assertThat(regions.entityOf("EU").currency().getCurrencyCode()).isEqualTo("EUR");
        assertThat(regions.entityOf("EU").paidByCard("flight")).isTrue();
        assertThat(regions.entityOf("NA").salesTaxType()).isEqualTo("OUTPUT");
        assertThat(regions.ledgerOf("APAC")).isEqualTo(new ErpLedger("default", "xero", "tenant-1", ""));
        assertThat(entities.ledgers()).extracting(ErpLedger::name).containsExactly("default");
        assertThat(entities.ledger(null).xrefSystem()).isEqualTo("erp");
        assertThatThrownBy(() -> regions.of("LATAM")).isInstanceOf(FlowFailure.class).hasMessageContaining("LATAM");
    }

    @Test
    void anEntityWithItsOwnErpHasItsOwnLedger() throws Exception {
        copyShipped();
        edit("entities.json", "\"name\": \"Ledgerbridge Consulting Inc.\",", "\"name\": \"Ledgerbridge Consulting Inc.\","
                + " \"erp\": {\"system\": \"business-central\", \"account\": \"c0ffee00-0000-4000-8000-000000000001\"},");
        LegalEntities entities = new LegalEntities(JSON, config("xero-projects"), "file:" + mappings);
        ErpLedger us = entities.ledger("US-INC");
        // the environment not given is the configured one; the company is the entity's
        assertThat(us).isEqualTo(new ErpLedger("US-INC", "business-central", "c0ffee00-0000-4000-8000-000000000001",
                "production"));
        assertThat(us.xrefSystem()).isEqualTo("erp:US-INC");
        assertThat(entities.ledger("NL-BV")).isEqualTo(new ErpLedger("default", "xero", "tenant-1", ""));
        // how invoices are sent: as the entity says (AU-PTY: POSTED), else DRAFT, but Business Central's setting
        // (post-invoices, true here) for an entity booked there that does not say
        Regions regions = regions(entities, "file:" + mappings);
        assertThat(regions.entityOf("APAC").postInvoices()).isTrue();
        assertThat(regions.entityOf("EU").postInvoices()).isFalse();
        assertThat(regions.entityOf("NA").postInvoices()).isTrue();
        assertThat(entities.ledgers()).extracting(ErpLedger::name).containsExactly("default", "US-INC");
        assertThatThrownBy(() -> entities.ledger("UK-LTD")).isInstanceOf(FlowFailure.class)
                .hasMessageContaining("unknown legal entity 'UK-LTD'");
    }

    @Test
    void aRegionNamingNoEntityOrAnAccountThatIsNoIdFailsTheStart() throws Exception {
        copyShipped();
        edit("regions.json", "\"entity\": \"US-INC\"", "\"entity\": \"US-LLC\"");
        LegalEntities entities = new LegalEntities(JSON, config("xero"), "file:" + mappings);
        assertThatThrownBy(() -> regions(entities, "file:" + mappings)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region NA names the legal entity 'US-LLC'");

        // an account goes into the ERP's URL or headers: only an id's characters pass
        edit("entities.json", "\"name\": \"Ledgerbridge Consulting Inc.\",", "\"name\": \"Ledgerbridge Consulting Inc.\","
                + " \"erp\": {\"system\": \"business-central\", \"account\": \"x)/../../other\"},");
        assertThatThrownBy(() -> new LegalEntities(JSON, config("xero"), "file:" + mappings))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("entities.json is invalid");
    }

    private static Regions regions(LegalEntities entities, String location) throws Exception {
        var constructor = Regions.class.getDeclaredConstructor(ObjectMapper.class, LegalEntities.class, String.class);
        constructor.setAccessible(true);
        try {
            return constructor.newInstance(JSON, entities, location);
        } catch (java.lang.reflect.InvocationTargetException failed) {
            throw (Exception) failed.getCause();
        }
    }

    private void copyShipped() throws Exception {
        Files.createDirectories(mappings.resolve("schemas"));
        for (String file : new String[] {"entities.json", "regions.json", "schemas/entities.schema.json",
                "schemas/regions.schema.json"}) {
            Files.copy(Path.of("mappings", file), mappings.resolve(file));
        }
    }

    private void edit(String file, String from, String to) throws Exception {
        String text = Files.readString(mappings.resolve(file));
        assertThat(text).contains(from);
        Files.writeString(mappings.resolve(file), text.replace(from, to));
    }

    /** The settings the entities read: the default ERP, Xero's tenant, Business Central's company and environment. */
    private static LedgerbridgeConfig config(String connector) {
        Map<String, Object> values = Map.of("connector", connector, "tenantId", Optional.of("tenant-1"),
                "companyId", "company-1", "environment", "production", "postInvoices", true);
        return proxy(LedgerbridgeConfig.class, values);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getReturnType().isInterface() && method.getReturnType().getName().startsWith("io.ledgerbridge")) {
                return proxy(method.getReturnType(), values);
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }
}
