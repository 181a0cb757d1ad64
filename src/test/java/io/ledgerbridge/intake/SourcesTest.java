package io.ledgerbridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each source system sends, as operators describe it in mappings/<system>/intake.json. */
class SourcesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SHIPPED = Map.of("Time", "harvest", "Psa", "harvest", "Crm",
            "salesforce", "Hr", "hr");

    @TempDir
    Path mappings;

    @Test
    void theShippedDescriptorsNameEveryRecordTheirSettingsTakeFromThem() {
        Sources sources = sources(SHIPPED, "file:mappings");
        assertThat(sources.of("harvest", "time-entry")).isEqualTo(new Sources.SourceRecord("harvest", "time-entry",
                "time-entry", "id", "updated_at", "is_closed"));
        assertThat(sources.of("harvest", "assignment").acceptWhen()).isNull();
        assertThat(sources.of("harvest", "expense").schema()).isEqualTo("harvest/expense.schema.json");
        assertThat(sources.businessKey("salesforce", "deal", "006Ka00000X1")).isEqualTo("salesforce:opportunity:006Ka00000X1");
        assertThat(sources.businessKey("hr", "person", "E-1001")).isEqualTo("hr:person:E-1001");
        assertThat(sources.businessKey("salesforce", "deal", null)).isNull();
        assertThat(sources.businessKey("milestone-feed", "milestone-completed", "ms-1"))
                .isEqualTo("milestone-feed:milestone-completion:ms-1");
        for (String system : new String[] {"harvest", "salesforce", "hr", "milestone-feed"}) {
            assertThat(Path.of("mappings", system, "intake.json")).exists();
        }
    }

    @Test
    void aSystemWithoutADescriptorFailsTheStartNamingTheFile() {
        assertThatThrownBy(() -> sources(Map.of("Time", "clockify", "Psa", "harvest", "Crm", "salesforce", "Hr", "hr"),
                "file:mappings")).hasMessageContaining("clockify").hasMessageContaining("clockify/intake.json");
    }

    @Test
    void aDescriptorThatLacksARecordItsSettingTakesFailsTheStart() {
        // the CRM named as the PSA: salesforce sends deals, not assignments
        assertThatThrownBy(() -> sources(Map.of("Time", "harvest", "Psa", "salesforce", "Crm", "salesforce",
                "Hr", "hr"), "file:mappings"))
                .hasMessageContaining("salesforce/intake.json names no record 'assignment'");
    }

    @Test
    void aBrokenDescriptorIsRefusedWithWhatIsWrong() throws Exception {
        copyShipped();
        Files.writeString(mappings.resolve("hr/intake.json"), """
                {"system": "hr", "records": {"person": {"entity": "person", "id": "employee.id", "version": "updatedAt"},
                 "invoice": {"entity": "invoice", "id": "id", "version": "v"}}}""");
        assertThatThrownBy(() -> sources(SHIPPED, "file:" + mappings)).hasMessageContaining("hr/intake.json is invalid")
                .hasMessageContaining("records.person.id").hasMessageContaining("invoice");

        Files.writeString(mappings.resolve("hr/intake.json"), """
                {"system": "workday", "records": {"person": {"entity": "person", "id": "id", "version": "v"}}}""");
        assertThatThrownBy(() -> sources(SHIPPED, "file:" + mappings)).hasMessageContaining("'workday'");
    }

    @Test
    void identifyNamesTheRecordAsItsSourceSentItEvenBeforeItsSchemaIsChecked() {
        Sources sources = sources(SHIPPED, "file:mappings");
        Exchange entry = exchange("{\"id\": 636709355, \"updated_at\": \"2026-11-20T09:00:00Z\", \"hours\": \"lots\"}");
        sources.identify(entry, "time-entry", "harvest");
        assertThat(entry.getMessage().getHeaders()).containsEntry(FlowHeaders.SOURCE_SYSTEM, "harvest")
                .containsEntry(FlowHeaders.SOURCE_ID, "636709355")
                .containsEntry(FlowHeaders.SOURCE_VERSION, "2026-11-20T09:00:00Z")
                .containsEntry(FlowHeaders.BUSINESS_KEY, "harvest:time-entry:636709355");

        Exchange deal = exchange("{\"Id\": \"006Ka00000X1\", \"IsWon\": true}");
        sources.identify(deal, "deal", "salesforce");
        assertThat(deal.getMessage().getHeader(FlowHeaders.BUSINESS_KEY)).isEqualTo("salesforce:opportunity:006Ka00000X1");
        assertThat(deal.getMessage().getHeader(FlowHeaders.SOURCE_VERSION)).isNull();

        // an id no key can hold: the record is still taken to its schema, which refuses it under no key
        Exchange odd = exchange("{\"employeeId\": {\"nested\": 1}}");
        sources.identify(odd, "person", "hr");
        assertThat(odd.getMessage().getHeader(FlowHeaders.BUSINESS_KEY)).isNull();
        assertThat(odd.getMessage().getHeader(FlowHeaders.SOURCE_SYSTEM)).isEqualTo("hr");

        assertThatThrownBy(() -> sources.identify(exchange(" "), "expense", "harvest"))
                .isInstanceOfSatisfying(FlowFailure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.VALIDATION))
                .hasMessageContaining("no expense");
        assertThatThrownBy(() -> sources.identify(exchange("{\"id\": 1"), "expense", "harvest"))
                .isInstanceOfSatisfying(FlowFailure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.VALIDATION))
                .hasMessageContaining("not JSON");
    }

    private void copyShipped() throws Exception {
        Files.createDirectories(mappings.resolve("schemas"));
        Files.copy(Path.of("mappings/schemas/intake.schema.json"), mappings.resolve("schemas/intake.schema.json"));
        for (String system : new String[] {"harvest", "salesforce", "hr", "milestone-feed"}) {
            Files.createDirectories(mappings.resolve(system));
            Files.copy(Path.of("mappings", system, "intake.json"), mappings.resolve(system + "/intake.json"));
        }
    }

    private static Exchange exchange(String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static Sources sources(Map<String, String> systems, String location) {
        return new Sources(JSON, new FlowJson(JSON), config(systems), location);
    }

    /** The settings of the source systems: {@code <Role>.system()} of each role's settings group. */
    private static LedgerbridgeConfig config(Map<String, String> systems) {
        return proxy(LedgerbridgeConfig.class, systems);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Map<String, String> systems) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals("system")) {
                return systems.get(method.getDeclaringClass().getSimpleName());
            }
            if (method.getName().equals("milestoneSystem")) {
                return systems.getOrDefault("Milestones", "milestone-feed");
            }
            if (method.getReturnType().isInterface() && method.getReturnType().getName().startsWith("io.ledgerbridge")) {
                return proxy(method.getReturnType(), systems);
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }
}
