package io.ledgerbridge.contract;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A project's commercial terms from a day on, until the next terms of the project take over. */
@Entity
@Table(name = "contract_term")
public class ContractTerm extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id")
    public Long projectId;
    @Column(name = "effective_from")
    public LocalDate effectiveFrom;
    @Enumerated(EnumType.STRING)
    @Column(name = "contract_type")
    public ContractType type;
    public String currency;
    /** The fee of a fixed-fee contract (the sum of its milestones). */
    @Column(name = "fixed_fee")
    public BigDecimal fixedFee;
    /** Hours budgeted for a fixed fee: the base of its percentage of completion. */
    @Column(name = "budget_hours")
    public BigDecimal budgetHours;
    /** PERCENT_COMPLETE or MILESTONE: how a fixed fee's revenue is recognised. */
    public String recognition;
    /** Not-to-exceed amount of time and materials. */
    @Column(name = "cap_amount")
    public BigDecimal capAmount;
    @Column(name = "retainer_amount")
    public BigDecimal retainerAmount;
    @Column(name = "retainer_hours")
    public BigDecimal retainerHours;
    /** EXPIRE or ROLL_OVER: what becomes of a retainer's unused hours. */
    @Column(name = "unused_hours")
    public String unusedHours;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The terms of the projects, oldest first. */
    public static List<ContractTerm> ofProjects(Collection<Long> projectIds) {
        return list("projectId in ?1 order by projectId, effectiveFrom", projectIds);
    }

    public static List<ContractTerm> ofProject(Long projectId) {
        return list("projectId = ?1 order by effectiveFrom", projectId);
    }

    /** The terms in force on a day: the latest that took effect by then (none before the first). */
    public static Optional<ContractTerm> on(List<ContractTerm> terms, Long projectId, LocalDate day) {
        ContractTerm found = null;
        for (ContractTerm term : terms) {
            if (term.projectId.equals(projectId) && !term.effectiveFrom.isAfter(day)
                    && (found == null || term.effectiveFrom.isAfter(found.effectiveFrom))) {
                found = term;
            }
        }
        return Optional.ofNullable(found);
    }
}
