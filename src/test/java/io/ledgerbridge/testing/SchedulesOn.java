package io.ledgerbridge.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The schedules on and quick, for the suites that test them: the billing run checks twice a second with no grace
 * days, the reconciliation fires every two seconds. One profile for both, so that they share one application start.
 */
public class SchedulesOn implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ledgerbridge.billing.schedule-enabled", "true",
                "ledgerbridge.billing.schedule-interval", "500",
                "ledgerbridge.billing.grace-days", "0",
                "ledgerbridge.reconciliation.cron", "0/2 * * * * ?");
    }
}
