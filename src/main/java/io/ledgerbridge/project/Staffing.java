package io.ledgerbridge.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.legalentity.LegalEntities.ErpLedger;
import io.ledgerbridge.money.FxRates;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.RateCards;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.Projects.AssignmentData;
import io.ledgerbridge.xref.CrossReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.LocalDate;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Steps of the staffing flow: a PSA assignment gives its project an ERP task for the role, at the role's rate. */
@ApplicationScoped
@Named("staffing")
public class Staffing {

    /**
     * The project's ERP task for the assignment's role, when known: prepare writes it, and the route the task
     * erp-ensure-task answers.
     */
    public static final String ERP_TASK = "ledgerbridgeErpTaskId";
    /** Exchange property: the role as an idempotency key part (prepare writes it, the ensure-task step reads it). */
    public static final String ROLE_KEY = "ledgerbridgeRoleKey";

    private final FlowJson json;
    private final Sources sources;
    private final Projects projects;
    private final RateCards rateCards;
    private final FxRates fxRates;
    private final Regions regions;

    Staffing(FlowJson json, Sources sources, Projects projects, RateCards rateCards, FxRates fxRates,
            Regions regions) {
        this.regions = regions;
        this.json = json;
        this.sources = sources;
        this.projects = projects;
        this.rateCards = rateCards;
        this.fxRates = fxRates;
    }

    /**
     * Identifies the assignment and prices its role: the project must be known with its ERP project (REFERENCE),
     * the rate card must have the role on the first day (RATE), converted to the project's currency (FX). Sets
     * {@link #ERP_TASK} when the project already has an ERP task for the role.
     */
    public String prepare(Exchange exchange) {
        Message in = exchange.getMessage();
        ObjectNode assignment = (ObjectNode) json.read(in.getBody(String.class));
        String id = assignment.path("ref").path("id").asText();
        String system = assignment.path("ref").path("system").asText();
        FlowIdentity.identify(in, system, id, assignment.path("version").asText(),
                sources.businessKey(system, "assignment", id));
        String psaProject = assignment.path("project").path("id").asText();
        String role = assignment.path("role").asText();
        LocalDate start = LocalDate.parse(assignment.path("start").asText());
        ProjectRecord project = projects.byPsaId(psaProject).orElseThrow(() -> new ReferenceMissing(
                List.of("PROJECT:" + projects.psa() + ":" + psaProject), "project " + projects.psa() + ":" + psaProject + " is unknown: no deal-won "
                        + "set-up or loaded project"));
        if (project.erpProjectId == null) {
            throw new ReferenceMissing(List.of("PROJECT:" + projects.psa() + ":" + psaProject),
                    "project " + projects.psa() + ":" + psaProject + " (" + project.name + ") has no ERP project yet");
        }
        RateCards.Rates rates = rateCards.ratesOn(project.rateCard, role, start);
        Money rate = fxRates.convert(rates.billRate(), project.currency, start);
        ObjectNode pricing = assignment.putObject("pricing");
        pricing.put("currency", project.currency);
        pricing.put("billRate", rate.amount().toPlainString());
        pricing.put("rateCard", rates.card());
        pricing.put("rateVersion", rates.version());
        in.setHeader(FlowHeaders.ERP_PROJECT_ID, project.erpProjectId);
        ErpLedger ledger = regions.ledgerOf(project.region);
        in.setHeader(ErpCall.LEGAL_ENTITY, regions.of(project.region).entity());
        String task = QuarkusTransaction.requiringNew().call(() -> CrossReference
                .lookup("TASK", projects.psa(), psaProject + ":" + role, ledger.xrefSystem()).map(r -> r.targetId)
                .orElse(null));
        if (task != null) {
            in.setHeader(ERP_TASK, task);
        } else {
            in.removeHeader(ERP_TASK);
        }
        exchange.setProperty(FlowHeaders.CANONICAL, json.write(assignment));
        // the idempotency key of the task: the role, reduced to what a header value holds safely
        exchange.setProperty(ROLE_KEY, role.replaceAll("[^A-Za-z0-9]+", "-"));
        return json.write(assignment);
    }

    /**
     * Keeps the assignment (the canonical record {@link #prepare} kept) and with it the project's ERP task for the role
     * in the store; the task's id becomes the flow's {@link FlowHeaders#TARGET_ID}.
     */
    public void record(Exchange exchange, String canonical, String task) {
        Message in = exchange.getMessage();
        JsonNode assignment = json.read(canonical);
        projects.assign(new AssignmentData(assignment.path("ref").path("id").asText(),
                assignment.path("project").path("id").asText(), assignment.path("resource").path("id").asText(),
                assignment.path("role").asText(), LocalDate.parse(assignment.path("start").asText()),
                assignment.hasNonNull("end") ? LocalDate.parse(assignment.path("end").asText()) : null,
                assignment.path("active").asBoolean(true), task, assignment.path("version").asText()));
        in.setHeader(FlowHeaders.TARGET_ID, task);
    }
}
