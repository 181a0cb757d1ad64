package io.ledgerbridge.people;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
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

/**
 * A person's employment terms from a day on (the HR feed): contracted weekly hours, cost rate and practice. The terms
 * of a day are the latest that took effect by then.
 */
@Entity
@Table(name = "resource_term")
public class ResourceTerm extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "resource_id")
    public Long resourceId;
    @Column(name = "effective_from")
    public LocalDate effectiveFrom;
    @Column(name = "weekly_hours")
    public BigDecimal weeklyHours;
    @Column(name = "cost_rate")
    public BigDecimal costRate;
    @Column(name = "cost_currency")
    public String costCurrency;
    public String practice;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<ResourceTerm> ofResources(Collection<Long> resourceIds) {
        return list("resourceId in ?1 order by resourceId, effectiveFrom", resourceIds);
    }

    /** The terms of a person in force on a day (of the terms given, which may be of many people). */
    public static Optional<ResourceTerm> on(List<ResourceTerm> terms, Long resourceId, LocalDate day) {
        ResourceTerm found = null;
        for (ResourceTerm term : terms) {
            if (term.resourceId.equals(resourceId) && !term.effectiveFrom.isAfter(day)
                    && (found == null || term.effectiveFrom.isAfter(found.effectiveFrom))) {
                found = term;
            }
        }
        return Optional.ofNullable(found);
    }
}
