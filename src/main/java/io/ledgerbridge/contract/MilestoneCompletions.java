package io.ledgerbridge.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.project.Projects;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * Steps of the milestone-completed flow: a milestone completed in delivery (canonical MilestoneCompleted) completes
 * the milestone of the project's contract, as the admin call does; the billing run of its period invoices it.
 */
@ApplicationScoped
@Named("milestoneCompletions")
public class MilestoneCompletions {

    /** A project named in ledgerbridge's own ids, not the PSA's. */
    public static final String OWN_SYSTEM = "ledgerbridge";

    private final FlowJson json;
    private final Sources sources;
    private final Projects projects;
    private final Contracts contracts;
    private final Audit audit;

    MilestoneCompletions(FlowJson json, Sources sources, Projects projects, Contracts contracts, Audit audit) {
        this.json = json;
        this.sources = sources;
        this.projects = projects;
        this.contracts = contracts;
        this.audit = audit;
    }

    /**
     * Names the event (source system, id, version, business key) and checks that its project is known: REFERENCE
     * until the project's deal has set it up, VALIDATION for a project named in a system that is neither the PSA nor
     * ledgerbridge, or a completion day still to come.
     */
    public void identify(Exchange exchange, String canonical) {
        JsonNode event = json.read(canonical);
        String system = event.path("ref").path("system").asText();
        String id = event.path("ref").path("id").asText();
        FlowIdentity.identify(exchange.getMessage(), system, id, event.path("version").asText(null),
                sources.businessKey(system, "milestone-completed", id));
        LocalDate on = LocalDate.parse(event.path("completedOn").asText());
        if (on.isAfter(LocalDate.ofInstant(StoreTime.now(), ZoneOffset.UTC).plusDays(1))) {
            throw new FlowFailure(ErrorClass.VALIDATION, "milestone " + event.path("milestone").asText()
                    + " completed on " + on + ": that day is still to come, a milestone is billed once it is done");
        }
        project(event.path("project"));
    }

    /**
     * Completes the milestone on the event's day and returns its target id ({@code milestone:<id>}); a milestone
     * already completed stays as it was (a repeated or late event). VALIDATION for a code the project's contract does
     * not have, or a cancelled milestone.
     */
    public String complete(String canonical) {
        JsonNode event = json.read(canonical);
        ProjectRecord project = project(event.path("project"));
        String code = event.path("milestone").asText();
        LocalDate on = LocalDate.parse(event.path("completedOn").asText());
        String system = event.path("ref").path("system").asText();
        String by = shortened(event.path("completedBy").asText(system));
        Contracts.Completion completion;
        try {
            completion = contracts.complete(project.id, code, on, by);
        } catch (NoSuchElementException unknown) {
            List<String> codes = QuarkusTransaction.requiringNew().call(() -> Milestone.ofProject(project.id)
                    .stream().map(m -> m.code).toList());
            throw new FlowFailure(ErrorClass.VALIDATION, "project " + project.id + " (" + project.name
                    + ") has no milestone '" + code + "' in its contract" + (codes.isEmpty()
                            ? ": it has no milestones (is it a fixed fee?)" : "; its milestones are " + codes));
        } catch (IllegalStateException cancelled) {
            throw new FlowFailure(ErrorClass.VALIDATION, cancelled.getMessage());
        }
        String outcome = completion.already() ? "ALREADY_COMPLETED" : "COMPLETED";
        audit.record(shortened(system + ":" + by), "milestone-complete",
                "project/" + project.id + "/milestone/" + code, "completed on " + on + " (event "
                        + event.path("ref").path("id").asText() + ")", outcome);
        return "milestone:" + completion.milestone().id;
    }

    private static String shortened(String name) {
        return name.length() <= 128 ? name : name.substring(0, 128);
    }

    private ProjectRecord project(JsonNode ref) {
        String system = ref.path("system").asText();
        String id = ref.path("id").asText();
        Optional<ProjectRecord> project;
        if (OWN_SYSTEM.equals(system)) {
            project = id.matches("[0-9]{1,18}")
                    ? QuarkusTransaction.requiringNew().call(() -> ProjectRecord.<ProjectRecord>findByIdOptional(Long.valueOf(id)))
                    : Optional.empty();
        } else if (projects.psa().equals(system)) {
            project = QuarkusTransaction.requiringNew().call(() -> projects.byPsaId(id));
        } else {
            throw new FlowFailure(ErrorClass.VALIDATION, "project " + system + ":" + id + " is named in " + system
                    + "'s ids: a milestone names its project by the PSA's (" + projects.psa() + ") id or by "
                    + OWN_SYSTEM + "'s own");
        }
        return project.orElseThrow(() -> new ReferenceMissing(List.of("PROJECT:" + system + ":" + id), "project "
                + system + ":" + id + " is unknown: no deal-won set-up or loaded project"));
    }
}
