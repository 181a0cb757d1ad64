package io.ledgerbridge.seed;

import io.ledgerbridge.money.FxRates;
import io.ledgerbridge.money.RateCards;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.Projects;
import io.ledgerbridge.project.Projects.AssignmentData;
import io.ledgerbridge.project.Projects.ProjectData;
import io.ledgerbridge.xref.CrossReferences;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One document of reference data (cross-references, rate cards, FX rates, projects, assignments), loaded at start
 * from {@code ledgerbridge.seed.reference-data} or through {@code PUT /admin/reference-data}: upserts, never deletes,
 * all or nothing.
 */
@ApplicationScoped
public class ReferenceData {

    /** The document's shape; every part is optional. */
    public record Document(List<CrossReferences.Entry> crossReferences, List<RateCards.Entry> rateCards,
            List<FxRates.Entry> fxRates, List<ProjectData> projects, List<AssignmentData> assignments) {

        static <T> List<T> orEmpty(List<T> list) {
            return list == null ? List.of() : list;
        }
    }

    private final CrossReferences crossReferences;
    private final RateCards rateCards;
    private final FxRates fxRates;
    private final Projects projects;

    private final Regions regions;

    ReferenceData(CrossReferences crossReferences, RateCards rateCards, FxRates fxRates, Projects projects,
            Regions regions) {
        this.regions = regions;
        this.crossReferences = crossReferences;
        this.rateCards = rateCards;
        this.fxRates = fxRates;
        this.projects = projects;
    }

    /** Loads the document in one transaction; returns how many of each part were received. */
    @Transactional
    public Map<String, Integer> load(Document document) {
        Map<String, Integer> received = new LinkedHashMap<>();
        List<CrossReferences.Entry> xrefs = Document.orEmpty(document.crossReferences());
        xrefs.forEach(e -> require(e.entityType() != null && e.sourceSystem() != null && e.sourceId() != null
                && e.targetSystem() != null && e.targetId() != null, "a cross-reference needs all five fields: " + e));
        crossReferences.upsert(xrefs);
        received.put("crossReferences", xrefs.size());
        List<RateCards.Entry> rates = Document.orEmpty(document.rateCards());
        rates.forEach(r -> require(r.card() != null && r.role() != null && r.currency() != null && r.billRate() != null
                && r.costRate() != null && r.effectiveFrom() != null, "a rate card entry needs every field: " + r));
        rateCards.add(rates);
        received.put("rateCards", rates.size());
        List<FxRates.Entry> fx = Document.orEmpty(document.fxRates());
        fx.forEach(r -> require(r.base() != null && r.quote() != null && r.rate() != null && r.effectiveFrom() != null,
                "an FX rate needs base, quote, rate and effectiveFrom: " + r));
        fxRates.upsert(fx);
        received.put("fxRates", fx.size());
        List<ProjectData> projectList = Document.orEmpty(document.projects());
        for (ProjectData p : projectList) {
            require(p.psaId() != null || p.crmId() != null, "a project needs a psaId or a crmId: " + p.name());
            require(Objects.nonNull(p.name()) && p.clientName() != null && p.region() != null && p.currency() != null
                    && p.contractType() != null && p.rateCard() != null && p.status() != null && p.startsOn() != null,
                    "project " + p.psaId() + " needs name, clientName, region, currency, contractType, rateCard, "
                            + "status and startsOn");
            require(regions.all().containsKey(p.region()), "project " + p.psaId() + " is in region '" + p.region()
                    + "', which mappings/regions.json lacks; it has " + regions.all().keySet());
            projects.upsert(p);
        }
        received.put("projects", projectList.size());
        List<AssignmentData> assignments = Document.orEmpty(document.assignments());
        for (AssignmentData a : assignments) {
            require(a.sourceId() != null && a.psaProjectId() != null && a.psaUserId() != null && a.role() != null
                    && a.startsOn() != null, "assignment " + a.sourceId()
                    + " needs sourceId, psaProjectId, psaUserId, role and startsOn");
            projects.assign(a);
        }
        received.put("assignments", assignments.size());
        return received;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
