package io.ledgerbridge.kpi;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The KPIs of the current month as Prometheus gauges at {@code /q/metrics} ({@code ledgerbridge_kpi_*}, margin per
 * region and utilization per region and practice among them,
 * {@code ledgerbridge_dead_letters_open}, {@code ledgerbridge_reconciliation_findings}), refreshed from the store every
 * {@code ledgerbridge.kpis.refresh-interval}. Created at start, so the gauges exist from the first scrape on.
 */
@ApplicationScoped
@Startup
public class KpiMetrics {

    private static final Logger LOG = Logger.getLogger(KpiMetrics.class);
    /** Gauges with one series each (present from the start). */
    public static final List<String> GAUGES = List.of("ledgerbridge_kpi_synced_without_intervention_ratio",
            "ledgerbridge_kpi_invoice_exception_ratio", "ledgerbridge_kpi_approval_to_erp_lag_p50_seconds",
            "ledgerbridge_kpi_approval_to_erp_lag_p95_seconds", "ledgerbridge_kpi_billing_cycle_p50_seconds",
            "ledgerbridge_kpi_billing_cycle_p95_seconds");
    /** Gauges with a series per tag value (present once there is something to count). */
    public static final List<String> MULTI_GAUGES = List.of("ledgerbridge_dead_letters_open",
            "ledgerbridge_reconciliation_findings", "ledgerbridge_kpi_manual_actions",
            "ledgerbridge_kpi_sla_met_ratio", "ledgerbridge_kpi_margin_ratio", "ledgerbridge_kpi_margin_amount",
            "ledgerbridge_kpi_utilization_ratio", "ledgerbridge_kpi_practice_utilization_ratio");

    private final Kpis kpis;
    private final Profitability profitability;
    private final AtomicReference<Kpis.Report> current = new AtomicReference<>();
    private final MultiGauge openDeadLetters;
    private final MultiGauge findings;
    private final MultiGauge manualActions;
    private final MultiGauge slaMet;
    private final MultiGauge periodClose;
    private final MultiGauge marginRatio;
    private final MultiGauge marginAmount;
    private final MultiGauge utilization;
    private final MultiGauge practiceUtilization;

    KpiMetrics(Kpis kpis, Profitability profitability, MeterRegistry registry) {
        this.kpis = kpis;
        this.profitability = profitability;
        gauge(registry, GAUGES.get(0),
                "Share of this month's approved time that reached the ERP without a dead letter",
                r -> number(r.syncedWithoutInterventionShare()));
        gauge(registry, GAUGES.get(1),
                "Share of this month's billing runs that needed an operator", r -> number(r.invoiceExceptionRate()));
        gauge(registry, GAUGES.get(2), "Approval to ERP, median",
                r -> seconds(r.approvalToErpLagSeconds().p50()));
        gauge(registry, GAUGES.get(3), "Approval to ERP, 95th percentile",
                r -> seconds(r.approvalToErpLagSeconds().p95()));
        gauge(registry, GAUGES.get(4), "Approval to invoice, median",
                r -> seconds(r.billingCycleSeconds().p50()));
        gauge(registry, GAUGES.get(5), "Approval to invoice, 95th percentile",
                r -> seconds(r.billingCycleSeconds().p95()));
        openDeadLetters = MultiGauge.builder(MULTI_GAUGES.get(0))
                .description("Open dead letters by flow and error class").register(registry);
        findings = MultiGauge.builder(MULTI_GAUGES.get(1))
                .description("Findings of this month's last reconciliation by type").register(registry);
        manualActions = MultiGauge.builder(MULTI_GAUGES.get(2))
                .description("Operators' replays, resolves and discards this month (reconciliation effort)")
                .register(registry);
        slaMet = MultiGauge.builder(MULTI_GAUGES.get(3))
                .description("Share of this month's exceptions closed by their due time (sla=resolution) and of "
                        + "records delivered within the flow's delivery SLA (sla=delivery)").register(registry);
        periodClose = MultiGauge.builder("ledgerbridge.period.close.failures")
                .description("What blocks closing this or last month: failed billing runs waiting as dead letters "
                        + "(step=billing), periods whose last reconciliation failed (step=reconciliation)")
                .register(registry);
        marginRatio = MultiGauge.builder(MULTI_GAUGES.get(4))
                .description("This month's margin over revenue per region and currency (revenue: invoiced less "
                        + "credited plus the change in accrued revenue; cost: hours at cost rates plus expenses)")
                .register(registry);
        marginAmount = MultiGauge.builder(MULTI_GAUGES.get(5))
                .description("This month's margin per region, in the currency named by the tag").register(registry);
        utilization = MultiGauge.builder(MULTI_GAUGES.get(6))
                .description("This month's billable approved hours over capacity per region").register(registry);
        practiceUtilization = MultiGauge.builder(MULTI_GAUGES.get(7))
                .description("This month's billable approved hours over capacity per practice").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Kpis.Report> value) {
        Gauge.builder(name, current, ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .description(description).register(registry);
    }

    @Scheduled(identity = "kpi-metrics", every = "{ledgerbridge.kpis.refresh-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            Kpis.Report report = kpis.report(YearMonth.now(ZoneOffset.UTC), null);
            current.set(report);
            List<MultiGauge.Row<?>> open = new ArrayList<>();
            report.openDeadLetters().forEach((flow, classes) -> classes.forEach((errorClass, count) ->
                    open.add(MultiGauge.Row.of(Tags.of("flow", flow, "error_class", errorClass), count))));
            openDeadLetters.register(open, true);
            List<MultiGauge.Row<?>> found = new ArrayList<>();
            report.reconciliationFindings().forEach((type, count) -> found.add(MultiGauge.Row.of(Tags.of("type", type),
                    count)));
            findings.register(found, true);
            List<MultiGauge.Row<?>> manual = new ArrayList<>();
            report.manualActions().forEach((action, count) -> manual.add(MultiGauge.Row.of(Tags.of("action", action),
                    count)));
            manualActions.register(manual, true);
            List<MultiGauge.Row<?>> met = new ArrayList<>();
            report.slaMet().forEach((flow, levels) -> levels.forEach((level, kept) -> {
                if (kept.share() != null) {
                    met.add(MultiGauge.Row.of(Tags.of("flow", flow, "sla", level), kept.share().doubleValue()));
                }
            }));
            slaMet.register(met, true);
            List<MultiGauge.Row<?>> close = new ArrayList<>();
            kpis.periodCloseFailures(YearMonth.now(ZoneOffset.UTC)).forEach((step, count) -> close.add(
                    MultiGauge.Row.of(Tags.of("step", step), count)));
            periodClose.register(close, true);
            List<MultiGauge.Row<?>> ratios = new ArrayList<>();
            List<MultiGauge.Row<?>> amounts = new ArrayList<>();
            for (Profitability.Margin margin : report.margins()) {
                Tags tags = Tags.of("region", margin.key().substring("region:".length()), "currency",
                        margin.currency());
                amounts.add(MultiGauge.Row.of(tags, margin.margin().doubleValue()));
                if (margin.marginShare() != null) {
                    ratios.add(MultiGauge.Row.of(tags, margin.marginShare().doubleValue()));
                }
            }
            marginRatio.register(ratios, true);
            marginAmount.register(amounts, true);
            utilization.register(utilizationRows(report.utilization(), "region"), true);
            practiceUtilization.register(utilizationRows(profitability.utilization(YearMonth.now(ZoneOffset.UTC),
                    "practice"), "practice"), true);
        } catch (RuntimeException failed) {
            LOG.warnf("KPI gauges not refreshed: %s", failed.getMessage());
        }
    }

    private static List<MultiGauge.Row<?>> utilizationRows(List<Profitability.Utilization> rows, String tag) {
        List<MultiGauge.Row<?>> gauges = new ArrayList<>();
        for (Profitability.Utilization row : rows) {
            if (row.utilization() != null) {
                gauges.add(MultiGauge.Row.of(Tags.of(tag, row.key().substring(tag.length() + 1)),
                        row.utilization().doubleValue()));
            }
        }
        return gauges;
    }

    private static double number(BigDecimal value) {
        return value == null ? Double.NaN : value.doubleValue();
    }

    private static double seconds(Long value) {
        return value == null ? Double.NaN : value;
    }
}
