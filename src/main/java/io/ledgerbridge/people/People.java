package io.ledgerbridge.people;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.SystemCall;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.AssignmentRecord;
import io.ledgerbridge.project.Projects;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.xref.CrossReference;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.Entry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Steps of the people flow: a joiner becomes a Harvest user (found by email before one is created) and is matched to
 * their user in the ERP of every legal entity's ledger (by the ERP capability find-user; they must be one in their
 * home entity's, that of their region; in another entity's they are one only if they work for it); a leaver's
 * assignments end on their last day, and once that day has passed their PSA access and assignments are deactivated.
 */
@ApplicationScoped
@Named("people")
public class People {

    /** The person's user in their home entity's ERP, when known (begin and foundErpUser write it). */
    public static final String ERP_USER = "ledgerbridgeErpUserId";
    /** Exchange property: the person has a last day (begin writes it, the route's filters read it). */
    public static final String LEAVING = "ledgerbridgeLeaving";
    /** Exchange property: the last day has passed, PSA access ends (leave writes it, the route reads it). */
    public static final String LEFT = "ledgerbridgeLeft";
    /** How many assignments a leaver's last day closed (leave writes it, for the log). */
    public static final String ASSIGNMENTS_CLOSED = "ledgerbridgeAssignmentsClosed";
    /** The person's home legal entity: that of their region (erpLedgersToJoin writes it, the ERP step reads it). */
    public static final String HOME_ENTITY = "ledgerbridgeHomeEntity";

    private final FlowJson json;
    private final Sources sources;
    private final CrossReferences crossReferences;
    private final Projects projects;
    private final Regions regions;
    private final LegalEntities entities;
    private final Clock clock = Clock.systemUTC();

    People(FlowJson json, Sources sources, CrossReferences crossReferences, Projects projects, Regions regions,
            LegalEntities entities) {
        this.json = json;
        this.sources = sources;
        this.regions = regions;
        this.entities = entities;
        this.crossReferences = crossReferences;
        this.projects = projects;
    }

    /** Keeps the person's employment terms from their day on (replacing terms of the same day). */
    private static void keepTerms(ResourceRecord resource, JsonNode terms) {
        if (!terms.isObject()) {
            return;
        }
        LocalDate from = LocalDate.parse(terms.path("from").asText());
        ResourceTerm term = ResourceTerm.<ResourceTerm>find("resourceId = ?1 and effectiveFrom = ?2", resource.id, from)
                .firstResultOptional().orElseGet(ResourceTerm::new);
        term.resourceId = resource.id;
        term.effectiveFrom = from;
        term.weeklyHours = terms.hasNonNull("weeklyHours") ? new java.math.BigDecimal(terms.path("weeklyHours").asText())
                : null;
        term.costRate = terms.path("costRate").hasNonNull("amount")
                ? new java.math.BigDecimal(terms.path("costRate").path("amount").asText()) : null;
        term.costCurrency = terms.path("costRate").path("currency").asText(null);
        term.practice = terms.path("practice").asText(null);
        term.updatedAt = StoreTime.now();
        term.persist();
    }

    /** Identifies the person, keeps them in the store and says which of their ids are already known. */
    public void begin(Exchange exchange) {
        Message in = exchange.getMessage();
        String body = in.getBody(String.class);
        JsonNode person = json.read(body);
        String id = person.path("ref").path("id").asText();
        String system = person.path("ref").path("system").asText();
        FlowIdentity.identify(in, system, id, person.path("version").asText(), sources.businessKey(system, "person", id));
        ResourceRecord resource = QuarkusTransaction.requiringNew().call(() -> {
            ResourceRecord r = ResourceRecord.byHrId(id).orElseGet(ResourceRecord::new);
            r.hrId = id;
            r.firstName = person.path("firstName").asText();
            r.lastName = person.path("lastName").asText();
            r.email = person.path("email").asText();
            r.region = person.path("region").asText();
            r.joinedOn = LocalDate.parse(person.path("joined").asText());
            r.leftOn = person.hasNonNull("left") ? LocalDate.parse(person.path("left").asText()) : null;
            r.sourceVersion = person.path("version").asText();
            r.updatedAt = StoreTime.now();
            r.persist();
            keepTerms(r, person.path("terms"));
            return r;
        });
        set(in, SystemCall.PSA_USER_ID, resource.psaId);
        set(in, ERP_USER, resource.erpUserId);
        exchange.setProperty(FlowHeaders.CANONICAL, body);
        exchange.setProperty(LEAVING, resource.leftOn != null);
    }

    /**
     * Records the PSA's account of the person (psa-find-user found it or psa-create-user created it): on the
     * person's resource, and as the PERSON cross-reference from the HR system.
     */
    public void recordPsaUser(String hrSystem, String hrId, String psaUserId) {
        QuarkusTransaction.requiringNew().run(() -> ResourceRecord.update("psaId = ?1 where hrId = ?2", psaUserId, hrId));
        crossReferences.upsert(List.of(new Entry("PERSON", hrSystem, hrId, projects.psa(), psaUserId)));
    }

    /**
     * The legal entities, one per ERP ledger, whose ERP has no user of the person recorded yet: their home entity's
     * first (header {@code ledgerbridgeHomeEntity}), then the others, for erp-find-user in each.
     */
    public List<String> erpLedgersToJoin(Exchange exchange) {
        Message in = exchange.getMessage();
        String psaId = in.getHeader(SystemCall.PSA_USER_ID, String.class);
        String home = regions.of(json.read(exchange.getProperty(FlowHeaders.CANONICAL, String.class)).path("region").asText())
                .entity();
        in.setHeader(HOME_ENTITY, home);
        Map<String, String> entityOfLedger = new LinkedHashMap<>();
        entityOfLedger.put(entities.ledger(home).name(), home);
        entities.all().values().forEach(e -> entityOfLedger.putIfAbsent(e.ledger().name(), e.code()));
        return QuarkusTransaction.requiringNew().call(() -> entityOfLedger.values().stream()
                .filter(entity -> CrossReference.lookup("PERSON", projects.psa(), psaId,
                        entities.ledger(entity).xrefSystem()).isEmpty())
                .toList());
    }

    /**
     * The ERP of the legal entity in header {@link ErpCall#LEGAL_ENTITY} found the person's user (capability
     * find-user, its id in {@link FlowHeaders#TARGET_ID}): time and expenses of that entity's projects are posted
     * under it.
     */
    public void foundErpUser(Exchange exchange) {
        Message in = exchange.getMessage();
        String erpId = in.getHeader(FlowHeaders.TARGET_ID, String.class);
        String hrId = in.getHeader(FlowHeaders.SOURCE_ID, String.class);
        String psaId = in.getHeader(SystemCall.PSA_USER_ID, String.class);
        String entity = in.getHeader(ErpCall.LEGAL_ENTITY, String.class);
        if (entity.equals(in.getHeader(HOME_ENTITY, String.class))) {
            QuarkusTransaction.requiringNew().run(() -> ResourceRecord.update("erpUserId = ?1 where hrId = ?2", erpId,
                    hrId));
        }
        crossReferences.upsert(List.of(new Entry("PERSON", projects.psa(), psaId, entities.ledger(entity).xrefSystem(),
                erpId)));
        in.setHeader(ERP_USER, erpId);
    }

    /**
     * A leaver: ends every assignment on the last day (time after it is refused as not assigned). Answers the PSA
     * assignments to deactivate now (psa-deactivate-assignments: an array of project and assignment, the PSA's
     * ids), empty until the last day has passed.
     */
    public String leave(Exchange exchange) {
        JsonNode person = json.read(exchange.getProperty(FlowHeaders.CANONICAL, String.class));
        String psaUser = exchange.getMessage().getHeader(SystemCall.PSA_USER_ID, String.class);
        LocalDate lastDay = LocalDate.parse(person.path("left").asText());
        List<AssignmentRecord> closed = projects.closeAssignments(psaUser, lastDay);
        com.fasterxml.jackson.databind.node.ArrayNode deactivate = json.object().arrayNode();
        boolean over = lastDay.isBefore(LocalDate.now(clock));
        exchange.setProperty(LEFT, over);
        if (over) {
            for (AssignmentRecord assignment : QuarkusTransaction.requiringNew().call(
                    () -> AssignmentRecord.ofPerson(psaUser))) {
                // assignments the PSA staffed (its numeric ids), not those an operator loaded
                if (assignment.sourceId.matches("[0-9]+")) {
                    deactivate.addObject().put("project", assignment.psaProjectId).put("assignment", assignment.sourceId);
                }
            }
        }
        exchange.getMessage().setHeader(ASSIGNMENTS_CLOSED, closed.size());
        return json.write(deactivate);
    }


    private static void set(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        } else {
            in.removeHeader(header);
        }
    }
}
