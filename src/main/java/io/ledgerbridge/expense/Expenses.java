package io.ledgerbridge.expense;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.Wanted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Steps of the approved-expenses flow that work on the canonical Expense. */
@ApplicationScoped
@Named("expenses")
public class Expenses {

    private final FlowJson json;
    private final Sources sources;
    private final CrossReferences crossReferences;
    private final LegalEntities entities;

    Expenses(FlowJson json, Sources sources, CrossReferences crossReferences, LegalEntities entities) {
        this.entities = entities;
        this.json = json;
        this.sources = sources;
        this.crossReferences = crossReferences;
    }

    /** Source system, id, version, business key and correlation id from the canonical expense. */
    public void identify(Exchange exchange) {
        JsonNode expense = json.read(exchange, exchange.getMessage().getBody(String.class));
        Message in = exchange.getMessage();
        String system = expense.path("ref").path("system").asText();
        String id = expense.path("ref").path("id").asText();
        FlowIdentity.identify(in, system, id, expense.path("version").asText(), sources.businessKey(system, "expense", id));
    }

    /**
     * Adds the consultant's user id in the ERP of the project's legal entity {@code legalEntity} (REFERENCE when the
     * onboarding flow has not provided it).
     */
    public String enrich(Exchange exchange, String legalEntity) {
        ObjectNode expense = (ObjectNode) json.take(exchange, exchange.getMessage().getBody(String.class));
        String system = expense.path("ref").path("system").asText();
        String ledger = entities.ledger(legalEntity).xrefSystem();
        Map<String, String> erp = crossReferences.resolveAll(system, ledger,
                List.of(new Wanted("PERSON", expense.path("resource").path("id").asText())));
        expense.putObject("erp").put("userId", erp.get("PERSON"));
        return json.write(exchange, expense);
    }

    /**
     * A newer version of an expense whose document (a bill, a spend-money transaction, a journal line) is already in
     * the ERP: the ERP operations ledgerbridge is held to cannot change a posted document, and a second one would book
     * the expense twice. The new version waits as a dead letter naming the document to correct by hand.
     */
    public void refuseUpdate(Exchange exchange) {
        Message in = exchange.getMessage();
        throw new io.ledgerbridge.flow.TargetRejected("expense " + in.getHeader(FlowHeaders.BUSINESS_KEY)
                + " changed (version " + in.getHeader(FlowHeaders.SOURCE_VERSION) + ") after its ERP document "
                + in.getHeader(FlowHeaders.TARGET_ID) + " was posted; a second document would book it twice: correct "
                + "the document in the ERP, then resolve this dead letter");
    }
}
