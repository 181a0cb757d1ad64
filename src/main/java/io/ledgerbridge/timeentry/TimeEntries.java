package io.ledgerbridge.timeentry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.Wanted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Steps of the approved-time flow that work on the canonical TimeEntry. */
@ApplicationScoped
@Named("timeEntries")
public class TimeEntries {

    private static final BigDecimal MINUTES_PER_HOUR = BigDecimal.valueOf(60);
    /** Xero Projects accepts 1..59940 minutes per time entry. */
    private static final int MAX_MINUTES = 59_940;

    private final FlowJson json;
    private final Sources sources;
    private final CrossReferences crossReferences;
    private final LegalEntities entities;

    TimeEntries(FlowJson json, Sources sources, CrossReferences crossReferences, LegalEntities entities) {
        this.entities = entities;
        this.json = json;
        this.sources = sources;
        this.crossReferences = crossReferences;
    }

    /** Sets source system, id, version, business key and correlation id from the canonical entry. */
    public void identify(Exchange exchange) {
        JsonNode entry = json.read(exchange, exchange.getMessage().getBody(String.class));
        Message in = exchange.getMessage();
        String system = entry.path("sourceSystem").asText();
        String id = entry.path("sourceId").asText();
        FlowIdentity.identify(in, system, id, entry.path("version").asText(), sources.businessKey(system, "time-entry", id));
    }

    /**
     * Adds the ids of project, person and the project's task for the entry's role in the ERP of the project's legal
     * entity {@code legalEntity} (REFERENCE when one is missing; the staffing flow creates the task) and the duration in whole minutes, rounded half-even.
     */
    public String enrich(Exchange exchange, String legalEntity) {
        ObjectNode entry = (ObjectNode) json.take(exchange, exchange.getMessage().getBody(String.class));
        String system = entry.path("sourceSystem").asText();
        String project = entry.path("project").path("sourceId").asText();
        String ledger = entities.ledger(legalEntity).xrefSystem();
        Map<String, String> erp = crossReferences.resolveAll(system, ledger, List.of(
                new Wanted("PROJECT", project),
                new Wanted("PERSON", entry.path("resource").path("sourceId").asText()),
                new Wanted("TASK", project + ":" + entry.path("billing").path("role").asText())));
        ObjectNode ids = entry.putObject("erp");
        ids.put("projectId", erp.get("PROJECT"));
        ids.put("userId", erp.get("PERSON"));
        ids.put("taskId", erp.get("TASK"));

        BigDecimal hours = entry.path("hours").decimalValue();
        int minutes = hours.multiply(MINUTES_PER_HOUR).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new FlowFailure(ErrorClass.VALIDATION,
                    "hours " + hours.toPlainString() + " is " + minutes + " minutes; the ERP takes 1.." + MAX_MINUTES);
        }
        entry.put("durationMinutes", minutes);
        exchange.getMessage().setHeader(FlowHeaders.ERP_PROJECT_ID, erp.get("PROJECT"));
        return json.write(exchange, entry);
    }

    /** Adds what the claim decided (operation, the target record replaced, idempotency key) for the mapping. */
    public String posting(Exchange exchange, String operation, String replaces, String idempotencyKey) {
        ObjectNode entry = (ObjectNode) json.take(exchange, exchange.getMessage().getBody(String.class));
        ObjectNode posting = entry.putObject("posting");
        posting.put("operation", operation);
        posting.put("replaces", replaces);
        posting.put("idempotencyKey", idempotencyKey);
        return json.write(exchange, entry);
    }
}
