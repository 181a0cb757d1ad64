package io.ledgerbridge.project;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A project as the deal-won flow set it up, with its ids in the CRM, the PSA and the ERP. */
@Entity
@Table(name = "project")
public class ProjectRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "crm_id")
    public String crmId;
    @Column(name = "psa_id")
    public String psaId;
    @Column(name = "erp_project_id")
    public String erpProjectId;
    @Column(name = "erp_contact_id")
    public String erpContactId;
    public String name;
    public String code;
    @Column(name = "client_name")
    public String clientName;
    public String region;
    public String currency;
    @Column(name = "contract_type")
    public String contractType;
    @Column(name = "rate_card")
    public String rateCard;
    @Enumerated(EnumType.STRING)
    public ProjectStatus status;
    @Column(name = "starts_on")
    public LocalDate startsOn;
    @Column(name = "ends_on")
    public LocalDate endsOn;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Whether time or expenses on the date may be booked to it. */
    public boolean activeOn(LocalDate date) {
        return status == ProjectStatus.ACTIVE && !date.isBefore(startsOn) && (endsOn == null || !date.isAfter(endsOn));
    }

    public static Optional<ProjectRecord> byCrmId(String crmId) {
        return find("crmId", crmId).firstResultOptional();
    }

    public static Optional<ProjectRecord> byPsaId(String psaId) {
        return find("psaId", psaId).firstResultOptional();
    }

    public static List<ProjectRecord> byPsaIds(Collection<String> psaIds) {
        return list("psaId in ?1", psaIds);
    }
}
