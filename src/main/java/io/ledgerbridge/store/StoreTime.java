package io.ledgerbridge.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The current instant at the precision the store keeps (microseconds), so that what is written compares equal when read. */
public final class StoreTime {

    private StoreTime() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
