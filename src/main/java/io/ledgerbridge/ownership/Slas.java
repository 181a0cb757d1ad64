package io.ledgerbridge.ownership;

import io.ledgerbridge.config.LedgerbridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The service levels of the flows ({@code ledgerbridge.slas.*}): when an exception is due, how fast delivery must be. */
@ApplicationScoped
public class Slas {

    /** The exceptions of reconciliation runs (findings) are owned and due as the exceptions of this flow. */
    public static final String RECONCILIATION = "reconciliation";

    private final LedgerbridgeConfig.Slas slas;

    Slas(LedgerbridgeConfig config) {
        this.slas = config.slas();
    }

    /** How long an exception of the flow may stay open before it is overdue. */
    public Duration resolution(String flow) {
        return flow(flow).flatMap(LedgerbridgeConfig.Slas.Flow::resolution).orElse(slas.resolution());
    }

    /** How long from approval to the ERP the flow promises, if it promises anything. */
    public Optional<Duration> delivery(String flow) {
        return flow(flow).flatMap(LedgerbridgeConfig.Slas.Flow::delivery);
    }

    /** Every flow with a configured SLA: flow, and "resolution"/"delivery" to its duration. */
    public Map<String, Map<String, Duration>> configured() {
        Map<String, Map<String, Duration>> all = new TreeMap<>();
        slas.flows().forEach((flow, levels) -> {
            Map<String, Duration> of = new TreeMap<>();
            of.put("resolution", levels.resolution().orElse(slas.resolution()));
            levels.delivery().ifPresent(delivery -> of.put("delivery", delivery));
            all.put(flow, of);
        });
        return all;
    }

    private Optional<LedgerbridgeConfig.Slas.Flow> flow(String flow) {
        return Optional.ofNullable(flow == null ? null : slas.flows().get(flow));
    }
}
