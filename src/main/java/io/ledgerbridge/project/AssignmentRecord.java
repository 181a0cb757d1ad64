package io.ledgerbridge.project;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A consultant staffed on a project in a role between two dates, as the staffing flow recorded it. */
@Entity
@Table(name = "assignment")
public class AssignmentRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "psa_project_id")
    public String psaProjectId;
    @Column(name = "psa_user_id")
    public String psaUserId;
    public String role;
    @Column(name = "starts_on")
    public LocalDate startsOn;
    @Column(name = "ends_on")
    public LocalDate endsOn;
    public boolean active;
    @Column(name = "erp_task_id")
    public String erpTaskId;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean coversDay(LocalDate date) {
        return active && !date.isBefore(startsOn) && (endsOn == null || !date.isAfter(endsOn));
    }

    public static Optional<AssignmentRecord> bySourceId(String sourceId) {
        return find("sourceId", sourceId).firstResultOptional();
    }

    /** The person's assignments on the project, latest start first. */
    public static List<AssignmentRecord> of(String psaProjectId, String psaUserId) {
        return list("psaProjectId = ?1 and psaUserId = ?2 order by startsOn desc", psaProjectId, psaUserId);
    }

    /** The assignments of any of the people to any of the projects, newest first. */
    public static List<AssignmentRecord> ofAny(Collection<String> psaProjectIds, Collection<String> psaUserIds) {
        return list("psaProjectId in ?1 and psaUserId in ?2 order by startsOn desc", psaProjectIds, psaUserIds);
    }

    /** Every assignment of a person (to close them when the person leaves). */
    public static List<AssignmentRecord> ofPerson(String psaUserId) {
        return list("psaUserId = ?1 order by id", psaUserId);
    }
}
