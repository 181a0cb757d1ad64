package io.ledgerbridge.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which instance runs a scheduled job's firing: each replica's scheduler fires, the first to insert the firing into
 * {@code schedule_claim} runs it (the primary key decides), the others skip. Claims older than 30 days are removed.
 */
@ApplicationScoped
public class ScheduleClaims {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final Duration KEPT = Duration.ofDays(30);

    private final DataSource dataSource;
    private final String instance;

    ScheduleClaims(DataSource dataSource, @ConfigProperty(name = "HOSTNAME") Optional<String> hostname) {
        this.dataSource = dataSource;
        this.instance = hostname.orElseGet(() -> "instance-" + UUID.randomUUID());
    }

    /** True when this instance claimed the firing of the job at fireTime (to the second), false when another did. */
    public boolean claim(String job, Instant fireTime) {
        Instant now = StoreTime.now();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into schedule_claim (job, fire_time, claimed_by, claimed_at) values (?, ?, ?, ?)")) {
                insert.setString(1, job);
                insert.setTimestamp(2, Timestamp.from(fireTime.truncatedTo(ChronoUnit.SECONDS)));
                insert.setString(3, instance);
                insert.setTimestamp(4, Timestamp.from(now));
                insert.executeUpdate();
            } catch (SQLException taken) {
                if (UNIQUE_VIOLATION.equals(taken.getSQLState())) {
                    return false;
                }
                throw taken;
            }
            try (PreparedStatement prune = connection.prepareStatement(
                    "delete from schedule_claim where job = ? and fire_time < ?")) {
                prune.setString(1, job);
                prune.setTimestamp(2, Timestamp.from(now.minus(KEPT)));
                prune.executeUpdate();
            }
            return true;
        } catch (SQLException failed) {
            throw new IllegalStateException("could not claim the " + job + " firing of " + fireTime, failed);
        }
    }

    /** This instance's name in the claims (the pod's host name in a cluster). */
    public String instance() {
        return instance;
    }
}
