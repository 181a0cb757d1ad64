package io.ledgerbridge.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Business Central as the ERP (the stub's company, see {@link VendorStubs}), posting the invoices it creates: the
 * project-to-cash suites run on it as they do on Xero.
 */
public class OnBusinessCentral implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ledgerbridge.erp.connector", "business-central",
                "ledgerbridge.erp.business-central.enabled", "true",
                "ledgerbridge.erp.business-central.post-invoices", "true");
    }
}
