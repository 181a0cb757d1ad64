package io.ledgerbridge.people;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/** A consultant as HR reported them, with the ids the PSA and the ERP know them by. */
@Entity
@Table(name = "resource")
public class ResourceRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "hr_id")
    public String hrId;
    @Column(name = "psa_id")
    public String psaId;
    @Column(name = "erp_user_id")
    public String erpUserId;
    @Column(name = "first_name")
    public String firstName;
    @Column(name = "last_name")
    public String lastName;
    public String email;
    public String region;
    @Column(name = "joined_on")
    public LocalDate joinedOn;
    @Column(name = "left_on")
    public LocalDate leftOn;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<ResourceRecord> byHrId(String hrId) {
        return find("hrId", hrId).firstResultOptional();
    }
}
