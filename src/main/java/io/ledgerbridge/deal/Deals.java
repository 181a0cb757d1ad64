package io.ledgerbridge.deal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.contract.Contracts;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.flow.SystemCall;
import io.ledgerbridge.money.RateCards;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.project.ProjectStatus;
import io.ledgerbridge.project.Projects.ProjectData;
import io.ledgerbridge.project.Projects;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.xref.CrossReference;
import io.ledgerbridge.xref.CrossReferences.Entry;
import io.ledgerbridge.xref.CrossReferences;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Steps of the deal-won flow. Each set-up step (PSA client, PSA project, task assignments, ERP contact, ERP project)
 * is recorded in the store the moment the target answers, and skipped when already recorded, so a retry or replay
 * after a partial failure completes only the missing steps; the PSA is searched before anything is created in it
 * (it has no idempotency key) and the ERP's creates carry one.
 */
@ApplicationScoped
@Named("deals")
public class Deals {

    /** The store's project of the deal (begin writes it; the set-up steps and projectCreated read it). */
    public static final String PROJECT_KEY = "ledgerbridgeProjectKey";
    /**
     * The ERP's customer of the deal's client, when known: begin writes it, and the route the customer
     * erp-upsert-customer answers; the route reads it.
     */
    public static final String ERP_CONTACT = "ledgerbridgeErpContactId";

    private final FlowJson json;
    private final Sources sources;
    private final Projects projects;
    private final CrossReferences crossReferences;
    private final RateCards rateCards;
    private final Regions regions;
    private final ProducerTemplate producer;
    private final String mappings;
    private final Contracts contracts;

    Deals(FlowJson json, Sources sources, Projects projects, CrossReferences crossReferences, RateCards rateCards,
            Regions regions, ProducerTemplate producer,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings, Contracts contracts) {
        this.contracts = contracts;
        this.json = json;
        this.sources = sources;
        this.regions = regions;
        this.projects = projects;
        this.crossReferences = crossReferences;
        this.rateCards = rateCards;
        this.producer = producer;
        this.mappings = mappings;
    }

    /**
     * Checks client, contract and project against their canonical schemas, identifies the deal and keeps the
     * project in the store (what is already set up elsewhere comes back as headers).
     */
    public void begin(Exchange exchange) {
        Message in = exchange.getMessage();
        String body = in.getBody(String.class);
        JsonNode deal = json.read(body);
        for (String part : List.of("client", "contract", "project")) {
            try {
                producer.requestBody("json-validator:" + mappings + "/schemas/" + part + ".schema.json",
                        json.write(deal.path(part)));
            } catch (CamelExecutionException invalid) {
                throw new FlowFailure(ErrorClass.VALIDATION, "canonical " + part + ": "
                        + invalid.getCause().getMessage(), invalid.getCause());
            }
        }
        String id = deal.path("ref").path("id").asText();
        String system = deal.path("ref").path("system").asText();
        FlowIdentity.identify(in, system, id, deal.path("version").asText(), sources.businessKey(system, "deal", id));
        JsonNode project = deal.path("project");
        JsonNode contract = deal.path("contract");
        // the project and its contract's terms and milestones together, or neither
        ProjectRecord record = QuarkusTransaction.requiringNew().call(() -> {
            ProjectRecord kept = projects.upsert(new ProjectData(id, null, null, null, project.path("name").asText(),
                    project.path("code").asText(null), deal.path("client").path("name").asText(),
                    project.path("region").asText(), project.path("currency").asText(), contract.path("type").asText(),
                    contract.path("rateCard").asText(), ProjectStatus.valueOf(project.path("status").asText()),
                    LocalDate.parse(project.path("start").asText()),
                    project.hasNonNull("end") ? LocalDate.parse(project.path("end").asText()) : null,
                    deal.path("version").asText()));
            contracts.keep(kept, contract, deal.path("version").asText());
            return kept;
        });
        in.setHeader(PROJECT_KEY, record.id);
        // the legal entity of the project's region books it: its ERP gets the customer and the project
        in.setHeader(ErpCall.LEGAL_ENTITY, regions.of(record.region).entity());
        setIfKnown(in, SystemCall.PSA_PROJECT_ID, record.psaId);
        setIfKnown(in, ERP_CONTACT, record.erpContactId);
        setIfKnown(in, FlowHeaders.ERP_PROJECT_ID, record.erpProjectId);
        String account = deal.path("client").path("ref").path("id").asText();
        String crm = deal.path("client").path("ref").path("system").asText();
        setIfKnown(in, SystemCall.PSA_CLIENT_ID, QuarkusTransaction.requiringNew().call(() -> CrossReference
                .lookup("CLIENT", crm, account, projects.psa()).map(r -> r.targetId).orElse(null)));
        exchange.setProperty(FlowHeaders.CANONICAL, body);
    }

    /** The canonical deal with the ids known so far ({@code psa}, {@code erp}), for the next mapping. */
    public String document(Exchange exchange) {
        ObjectNode deal = (ObjectNode) json.read(exchange.getProperty(FlowHeaders.CANONICAL, String.class));
        Message in = exchange.getMessage();
        ObjectNode psa = deal.putObject("psa");
        psa.put("clientId", in.getHeader(SystemCall.PSA_CLIENT_ID, Long.class));
        psa.put("projectId", in.getHeader(SystemCall.PSA_PROJECT_ID, Long.class));
        ObjectNode erp = deal.putObject("erp");
        erp.put("contactId", in.getHeader(ERP_CONTACT, String.class));
        erp.put("projectId", in.getHeader(FlowHeaders.ERP_PROJECT_ID, String.class));
        return json.write(deal);
    }

    /**
     * Records the PSA's client of the deal's account (psa-upsert-client found or created it): the CLIENT
     * cross-reference from the account in the CRM, read from the canonical deal.
     */
    public void createdClient(String deal, String psaClientId) {
        JsonNode client = json.read(deal).path("client").path("ref");
        crossReferences.upsert(List.of(new Entry("CLIENT", client.path("system").asText(), client.path("id").asText(),
                projects.psa(), psaClientId)));
    }

    /**
     * Records the PSA's project of the deal (psa-create-project found or created it) on the deal's project, and the
     * PSA client it belongs to (the PSA's mirror of an invoice is addressed to it).
     */
    public void createdPsaProject(String dealId, String psaProjectId, String psaClientId) {
        projects.upsert(new ProjectData(dealId, psaProjectId, null, null, null, null, null, null, null, null, null,
                null, null, null, null));
        crossReferences.upsert(List.of(new Entry("PROJECT_CLIENT", projects.psa(), psaProjectId, projects.psa(),
                psaClientId)));
    }

    /**
     * The roles sold, to staff on the PSA project (psa-ensure-task-assignments): each role's PSA task (a ROLE
     * cross-reference; a role without one is a REFERENCE) and its bill rate on the project's first day.
     */
    public String rolesToStaff(Exchange exchange) {
        JsonNode deal = json.read(exchange.getProperty(FlowHeaders.CANONICAL, String.class));
        LocalDate start = LocalDate.parse(deal.path("project").path("start").asText());
        String card = deal.path("contract").path("rateCard").asText();
        List<String> missing = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ArrayNode roles = json.object().arrayNode();
        for (JsonNode sold : deal.path("roles")) {
            String role = sold.path("role").asText();
            String task = QuarkusTransaction.requiringNew().call(() -> CrossReference
                    .lookup("ROLE", "ledgerbridge", role, projects.psa()).map(r -> r.targetId).orElse(null));
            if (task == null) {
                missing.add(CrossReferences.token("ROLE", "ledgerbridge", role));
                continue;
            }
            roles.addObject().put("role", role).put("taskId", task)
                    .put("billRate", rateCards.ratesOn(card, role, start).billRate().amount().toPlainString());
        }
        if (!missing.isEmpty()) {
            throw new ReferenceMissing(projects.psa(), missing);
        }
        return json.write(roles);
    }


    /**
     * Records the ERP's customer of the deal's client (erp-upsert-customer found or created it): the CLIENT
     * cross-reference in the ledger of the project's region (a client of two entities is a customer in each one's
     * ERP), and the project's ERP contact.
     */
    public void createdErpContact(String deal, String dealId, String erpContactId) {
        JsonNode canonical = json.read(deal);
        JsonNode client = canonical.path("client").path("ref");
        String ledger = regions.ledgerOf(canonical.path("project").path("region").asText()).xrefSystem();
        crossReferences.upsert(List.of(new Entry("CLIENT", client.path("system").asText(), client.path("id").asText(),
                ledger, erpContactId)));
        projects.upsert(new ProjectData(dealId, null, null, erpContactId, null, null, null, null, null, null, null,
                null, null, null, null));
    }

    /** Records the ERP's project of the deal (erp-create-project found or created it). */
    public void createdErpProject(String dealId, String erpProjectId) {
        projects.upsert(new ProjectData(dealId, null, erpProjectId, null, null, null, null, null, null, null, null,
                null, null, null, null));
    }

    /**
     * The project-created event as a CloudEvent (JSON, structured mode) keyed by the project's id, so that events
     * of one project stay in order on a partitioned topic.
     */
    public String projectCreated(Exchange exchange) {
        Message in = exchange.getMessage();
        Long key = in.getHeader(PROJECT_KEY, Long.class);
        ProjectRecord project = QuarkusTransaction.requiringNew().call(() -> ProjectRecord.findById(key));
        ObjectNode event = json.object();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", "/ledgerbridge/deal-won-to-project");
        event.put("type", "io.ledgerbridge.project.created");
        event.put("subject", "project/" + project.id);
        event.put("time", StoreTime.now().toString());
        event.put("datacontenttype", "application/json");
        event.put("correlationid", in.getHeader(FlowHeaders.CORRELATION_ID, String.class));
        ObjectNode data = event.putObject("data");
        data.put("projectId", project.id);
        data.put("crmId", project.crmId);
        data.put("psaId", project.psaId);
        data.put("erpProjectId", project.erpProjectId);
        data.put("erpContactId", project.erpContactId);
        data.put("name", project.name);
        data.put("region", project.region);
        data.put("currency", project.currency);
        in.setHeader(FlowHeaders.TARGET_ID, project.erpProjectId);
        in.setHeader("kafka.KEY", String.valueOf(project.id));
        return json.write(event);
    }

    /** The CRM id of the project a project event is about, or null when it was not set up from the CRM. */
    public String crmIdOf(String event) {
        JsonNode crmId = json.read(event).path("data").path("crmId");
        return crmId.isTextual() ? crmId.asText() : null;
    }

    private static void setIfKnown(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        } else {
            in.removeHeader(header);
        }
    }
}
