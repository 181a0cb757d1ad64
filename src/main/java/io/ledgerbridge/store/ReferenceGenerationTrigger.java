package io.ledgerbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * The embedded store's trigger on the reference-data tables (migrations {@code db/h2/V30}, {@code V31}): a row written
 * to them counts the reference generation up in the writing transaction, as PostgreSQL's
 * {@code count_reference_generation()} does.
 * H2 makes it by name.
 */
@RegisterForReflection
public class ReferenceGenerationTrigger implements Trigger {

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "update reference_generation set generation = generation + 1 where id = 1")) {
            count.executeUpdate();
        }
    }
}
