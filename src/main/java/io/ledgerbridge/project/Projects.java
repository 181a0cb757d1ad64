package io.ledgerbridge.project;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.Entry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store's projects and assignments, kept by the deal-won and staffing flows (or loaded by an operator for
 * projects that pre-date ledgerbridge). Each change also announces the references it provides, so dead letters that
 * waited for them are replayed.
 */
@ApplicationScoped
public class Projects {

    /** A project's data as a flow or an operator gives it; ids may be null while not yet known. */
    public record ProjectData(String crmId, String psaId, String erpProjectId, String erpContactId, String name,
            String code, String clientName, String region, String currency, String contractType, String rateCard,
            ProjectStatus status, LocalDate startsOn, LocalDate endsOn, String sourceVersion) {
    }

    /** An assignment as the staffing flow or an operator gives it. */
    public record AssignmentData(String sourceId, String psaProjectId, String psaUserId, String role,
            LocalDate startsOn, LocalDate endsOn, Boolean active, String erpTaskId, String sourceVersion) {
    }

    private final CrossReferences crossReferences;

    private final Regions regions;

    private final String psa;

    Projects(CrossReferences crossReferences, Regions regions, LedgerbridgeConfig config) {
        this.regions = regions;
        this.crossReferences = crossReferences;
        this.psa = config.psa().system();
    }

    /**
     * The PSA system ({@code ledgerbridge.psa.system}) whose ids projects, assignments and people carry: the system
     * of their cross-references' PSA side (e.g. {@code PROJECT harvest:<id> -> xero:<id>}).
     */
    public String psa() {
        return psa;
    }

    /** Creates or updates the project found by CRM id, else PSA id; null fields keep what the store has. */
    @Transactional
    public ProjectRecord upsert(ProjectData data) {
        Instant now = StoreTime.now();
        ProjectRecord project = Optional.ofNullable(data.crmId()).flatMap(ProjectRecord::byCrmId)
                .or(() -> Optional.ofNullable(data.psaId()).flatMap(ProjectRecord::byPsaId))
                .orElseGet(() -> {
                    ProjectRecord created = new ProjectRecord();
                    created.createdAt = now;
                    return created;
                });
        project.crmId = keep(data.crmId(), project.crmId);
        project.psaId = keep(data.psaId(), project.psaId);
        project.erpProjectId = keep(data.erpProjectId(), project.erpProjectId);
        project.erpContactId = keep(data.erpContactId(), project.erpContactId);
        project.name = keep(data.name(), project.name);
        project.code = keep(data.code(), project.code);
        project.clientName = keep(data.clientName(), project.clientName);
        project.region = keep(data.region(), project.region);
        project.currency = keep(data.currency(), project.currency);
        project.contractType = keep(data.contractType(), project.contractType);
        project.rateCard = keep(data.rateCard(), project.rateCard);
        project.status = keep(data.status(), project.status);
        project.startsOn = keep(data.startsOn(), project.startsOn);
        project.endsOn = data.endsOn() != null ? data.endsOn() : project.endsOn;
        project.sourceVersion = keep(data.sourceVersion(), project.sourceVersion);
        project.updatedAt = now;
        project.persist();

        List<Entry> references = new ArrayList<>();
        String erp = project.erpProjectId == null ? null : regions.ledgerOf(project.region).xrefSystem();
        if (project.psaId != null && project.erpProjectId != null) {
            references.add(new Entry("PROJECT", psa, project.psaId, erp, project.erpProjectId));
        }
        if (project.crmId != null && project.psaId != null) {
            references.add(new Entry("PROJECT", "crm", project.crmId, psa, project.psaId));
        }
        if (project.crmId != null && project.erpProjectId != null) {
            references.add(new Entry("PROJECT", "crm", project.crmId, erp, project.erpProjectId));
        }
        if (!references.isEmpty()) {
            crossReferences.upsert(references);
        } else if (project.psaId != null) {
            crossReferences.announce(List.of(new Entry("PROJECT", psa, project.psaId, "ledgerbridge",
                    String.valueOf(project.id))));
        }
        return project;
    }

    /** Creates or updates an assignment by its source id; its task becomes the project's ERP task for the role. */
    @Transactional
    public AssignmentRecord assign(AssignmentData data) {
        AssignmentRecord assignment = AssignmentRecord.bySourceId(data.sourceId()).orElseGet(AssignmentRecord::new);
        assignment.sourceId = data.sourceId();
        assignment.psaProjectId = data.psaProjectId();
        assignment.psaUserId = data.psaUserId();
        assignment.role = data.role();
        assignment.startsOn = data.startsOn();
        assignment.endsOn = data.endsOn();
        assignment.active = data.active() == null || data.active();
        assignment.erpTaskId = keep(data.erpTaskId(), assignment.erpTaskId);
        assignment.sourceVersion = data.sourceVersion();
        assignment.updatedAt = StoreTime.now();
        assignment.persist();
        List<Entry> arrived = new ArrayList<>();
        arrived.add(new Entry("ASSIGNMENT", psa, data.psaProjectId() + ":" + data.psaUserId(), "ledgerbridge",
                String.valueOf(assignment.id)));
        crossReferences.announce(arrived);
        if (assignment.erpTaskId != null) {
            crossReferences.upsert(List.of(new Entry("TASK", psa, data.psaProjectId() + ":" + data.role(),
                    erpXrefSystem(data.psaProjectId()), assignment.erpTaskId)));
        }
        return assignment;
    }

    /**
     * The cross-reference target system of the ERP ledger the project is booked in (that of its region's legal
     * entity); the default ERP's for a project the store does not know.
     */
    public String erpXrefSystem(String psaProjectId) {
        return ProjectRecord.byPsaId(psaProjectId).map(p -> regions.ledgerOf(p.region).xrefSystem())
                .orElse(LegalEntities.DEFAULT_XREF_SYSTEM);
    }

    /** Ends every assignment of a person on the date they leave; returns the assignments closed. */
    @Transactional
    public List<AssignmentRecord> closeAssignments(String psaUserId, LocalDate lastDay) {
        List<AssignmentRecord> closed = new ArrayList<>();
        for (AssignmentRecord assignment : AssignmentRecord.ofPerson(psaUserId)) {
            if (assignment.active && (assignment.endsOn == null || assignment.endsOn.isAfter(lastDay))) {
                assignment.endsOn = lastDay.isBefore(assignment.startsOn) ? assignment.startsOn : lastDay;
                assignment.updatedAt = StoreTime.now();
                closed.add(assignment);
            }
        }
        return closed;
    }

    @Transactional
    public Optional<ProjectRecord> byPsaId(String psaId) {
        return ProjectRecord.byPsaId(psaId);
    }

    private static <T> T keep(T given, T current) {
        return given != null ? given : current;
    }
}
