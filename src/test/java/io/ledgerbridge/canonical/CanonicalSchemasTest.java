package io.ledgerbridge.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The canonical JSON Schemas in mappings/schemas load, and hold money to decimal strings. */
class CanonicalSchemasTest {

    static final Path SCHEMAS = Path.of("mappings", "schemas").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://ledgerbridge.io/schemas/",
                    SCHEMAS.toUri().toString())));

    static JsonSchema schema(String name) {
        return FACTORY.getSchema(SchemaLocation.of("https://ledgerbridge.io/schemas/" + name + ".schema.json"));
    }

    @Test
    void everyCanonicalTypeHasASchemaThatLoads() throws Exception {
        for (String type : List.of("client", "contract", "project", "resource", "assignment", "rate-card",
                "time-entry", "expense", "invoice-line", "invoice", "credit-note", "journal", "regions")) {
            assertThat(Files.exists(SCHEMAS.resolve(type + ".schema.json"))).as(type).isTrue();
            schema(type).initializeValidators();
        }
    }

    @Test
    void anInvoiceWithLinesTracedToTheirEntriesIsValidAndFloatsAreNot() throws Exception {
        JsonNode invoice = JSON.readTree("""
                {"project": {"system": "harvest", "id": "14307913"}, "client": {"system": "harvest", "id": "5735776"},
                 "period": "2026-11", "currency": "EUR", "status": "DRAFT",
                 "lines": [{"description": "Consulting, consultant, 7.5 h", "quantity": "7.5",
                            "unitPrice": {"amount": "150.00", "currency": "EUR"},
                            "lineAmount": {"amount": "1125.00", "currency": "EUR"}, "taxType": "OUTPUT2",
                            "sourceEntries": [{"system": "harvest", "id": "636709355"}]}],
                 "total": {"amount": "1125.00", "currency": "EUR"}}""");
        assertThat(schema("invoice").validate(invoice)).isEmpty();

        ((com.fasterxml.jackson.databind.node.ObjectNode) invoice.path("total")).put("amount", 1125.0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) invoice.path("lines").get(0)).putArray("sourceEntries");
        Set<ValidationMessage> errors = schema("invoice").validate(invoice);
        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("total.amount")).anyMatch(m -> m.contains("sourceEntries"));
    }

    @Test
    void theExamplesOfCreditNotesAndJournalsAreValidAndTheirMistakesAreNamed() throws Exception {
        Path examples = Path.of("mappings", "examples", "mappings");
        for (String example : List.of("xero/canonical-to-xero-credit-note.in.json",
                "business-central/canonical-to-bc-sales-credit-memo.in.json")) {
            assertThat(schema("credit-note").validate(JSON.readTree(examples.resolve(example).toFile()))).as(example)
                    .isEmpty();
        }
        for (String example : List.of("xero/canonical-to-xero-manual-journal.in.json",
                "business-central/canonical-to-bc-general-journal-lines.in.json")) {
            assertThat(schema("journal").validate(JSON.readTree(examples.resolve(example).toFile()))).as(example)
                    .isEmpty();
        }

        // a credit note allocated to an invoice must be posted; a journal line of 0, or of a float, is no amount
        JsonNode unposted = JSON.readTree(examples.resolve("xero/canonical-to-xero-credit-note.in.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) unposted).put("post", false);
        assertThat(schema("credit-note").validate(unposted)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("post"));
        JsonNode journal = JSON.readTree(examples.resolve("xero/canonical-to-xero-manual-journal.in.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) journal.path("lines").get(0)).put("amount", "0.00");
        ((com.fasterxml.jackson.databind.node.ObjectNode) journal.path("lines").get(1)).put("amount", -1720.5);
        assertThat(schema("journal").validate(journal)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("lines[0].amount")).anyMatch(m -> m.contains("lines[1].amount"));
    }
}
