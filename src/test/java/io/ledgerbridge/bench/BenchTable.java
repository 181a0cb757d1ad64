package io.ledgerbridge.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.DoublePredicate;

/**
 * The one table of a {@code make bench} run: every figure of issue #24 beside its target, read from the
 * {@code target/bench/*.properties} the benchmarks of that run wrote (BenchFigures). A benchmark that failed leaves
 * its rows "not measured". Plain JDK, run as a source file: {@code java BenchTable.java target/bench}.
 */
public final class BenchTable {

    private final Path directory;
    private final List<String[]> rows = new ArrayList<>();

    private BenchTable(Path directory) {
        this.directory = directory;
    }

    public static void main(String[] args) throws IOException {
        BenchTable table = new BenchTable(Path.of(args.length > 0 ? args[0] : "target/bench"));
        String printed = table.render();
        System.out.print(printed);
        Files.writeString(table.directory.resolve("table.md"), printed);
    }

    private String render() throws IOException {
        Properties flow = read("flow");
        Properties outbox = read("flow-outbox");
        Properties replay = read("replay");
        Properties reconciliation = read("reconciliation");
        Properties budget = read("call-budget");
        Properties billing = read("billing-batches");
        Properties mapping = read("mapping");

        row("time to ready, cluster build (launch -> ready 200; started again, nothing waiting)",
                seconds(flow, "ready.seconds") + also(flow, "ready.archive.seconds",
                        "; with the class data archive of the start before: %.2f s")
                        + also(flow, "ready.backlog.seconds", " (with the backlog waiting: %.2f s)"),
                "<= 3 s", met(flow, "ready.seconds", v -> v <= 3));
        row("service peak RSS under the flow bench (-Xmx256m, JFR on)", number(flow, "peak.rss.mb", "%.0f MB"),
                "<= 300 MB", met(flow, "peak.rss.mb", v -> v <= 300));
        row("service RSS idle (started again, after 20 s)", number(flow, "idle.rss.mb", "%.0f MB")
                + also(flow, "idle.rss.archive.mb", "; with the class data archive: %.0f MB")
                + also(flow, "idle.rss.file.archive.mb", " (%.0f MB of it mapped files)"), "<= 200 MB",
                met(flow, "idle.rss.mb", v -> v <= 200));
        row("service CPU per approved entry", number(flow, "service.cpu.ms", "%.2f ms")
                + also(flow, "service.jit.ms", " (of it the JIT compiling %.2f ms)"), "<= 0.5 ms",
                met(flow, "service.cpu.ms", v -> v <= 0.5));
        row("the same, the ERP a file outbox (no HTTP call, no stub; OutboxFlowBench)",
                number(outbox, "service.cpu.ms", "%.2f ms") + also(outbox, "service.jit.ms",
                        " (of it the JIT compiling %.2f ms)") + also(outbox, "throughput", "; %.0f entries/s"),
                "<= 0.5 ms", met(outbox, "service.cpu.ms", v -> v <= 0.5));
        double ratio = value(flow, "service.cpu.ms") / value(flow, "baseline.cpu.ms");
        row("baseline CPU per record (kafka-clients -> JDBC batches), and the service's multiple of it",
                Double.isNaN(ratio) ? "not measured" : String.format(Locale.ROOT, "%.3f ms; service %.1f x",
                        value(flow, "baseline.cpu.ms"), ratio), "<= 6 x", Double.isNaN(ratio) ? "-" : ratio <= 6
                        ? "met" : "missed");
        row("throughput, entries waiting on Kafka (baseline in the same run)", Double.isNaN(value(flow, "throughput"))
                ? "not measured" : String.format(Locale.ROOT, "%.0f entries/s (baseline %.0f/s, ratio %.3f)",
                        value(flow, "throughput"), value(flow, "baseline.throughput"), value(flow, "throughput")
                                / value(flow, "baseline.throughput")), "-", "-");
        row("approval -> ERP latency at a steady rate" + also(flow, "steady.rate", " of %,.0f/s"),
                Double.isNaN(value(flow, "steady.p99.ms")) ? "not measured" : String.format(Locale.ROOT,
                        "p50 %.0f ms, p99 %.0f ms", value(flow, "steady.p50.ms"), value(flow, "steady.p99.ms")),
                "p99 <= 250 ms", met(flow, "steady.p99.ms", v -> v <= 250));
        row("bulk replay of dead letters (warm)" + also(replay, "count", ": %,.0f"),
                Double.isNaN(value(replay, "seconds")) ? "not measured" : String.format(Locale.ROOT,
                        "%.1f s (%.0f/s)", value(replay, "seconds"), value(replay, "count") / value(replay, "seconds"))
                        + also(replay, "service.cpu.ms", "; service CPU %.2f ms per replay")
                        + also(replay, "jit.cpu.ms", " (of it the JIT %.2f ms)")
                        + also(replay, "stub.cpu.ms", ", the stub in its JVM %.2f ms"),
                "<= 10 s", met(replay, "seconds", v -> v <= 10));
        row("reconciliation, the match" + also(reconciliation, "entries", " (%,.0f entries)"),
                seconds(reconciliation, "match.seconds") + (Double.isNaN(value(reconciliation, "source.load.seconds"))
                        ? "" : String.format(Locale.ROOT, " after the last page (the pages, each matched against "
                                + "the store and paired as it arrived: %.1f s + %.1f s)", value(reconciliation,
                                        "source.load.seconds"), value(reconciliation, "erp.load.seconds"))),
                "<= 3 s, streamed", met(reconciliation, "match.seconds", v -> v <= 3));
        row("ERP calls per posted entry, 429s met (flow bench; month-end within Xero's limits)",
                number(flow, "erp.calls.per.entry", "%.3f") + "; " + number(budget, "calls.per.entry", "%.3f")
                        + ", 429s " + number(budget, "refusals", "%.0f"), "1 call, 0 429s",
                met(budget, "refusals", v -> v == 0));
        row("ERP calls per invoice at month-end billing, 429s met", number(billing, "calls.per.invoice", "%.3f")
                + ", 429s " + number(billing, "refusals", "%.0f"), "0 429s", met(billing, "refusals", v -> v == 0));
        row("posted exactly once (flow bench)", Double.isNaN(value(flow, "posted")) ? "not measured"
                : String.format(Locale.ROOT, "%.0f of %.0f, duplicates %.0f", value(flow, "posted"),
                        value(flow, "expected"), value(flow, "duplicates")), "all, 0 duplicates",
                met(flow, "duplicates", v -> v == 0));

        StringBuilder out = new StringBuilder("\n| figure | measured | target | |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        List<String> frames = new ArrayList<>();
        for (int i = 1; flow.containsKey("jfr.top." + i); i++) {
            frames.add(flow.getProperty("jfr.top." + i));
        }
        if (!frames.isEmpty()) {
            out.append("\nService JFR, top ").append(frames.size()).append(" frames while posting (share of execution ")
                    .append("samples):\n\n");
            frames.forEach(frame -> out.append("    ").append(frame).append('\n'));
        }
        if (mapping.containsKey("entry.micros")) {
            out.append("\nThe flow's validations and mappings, CPU per call on one thread (MappingBench):\n\n");
            for (int i = 1; mapping.containsKey("step." + i + ".micros"); i++) {
                out.append(String.format(Locale.ROOT, "    %8.1f µs  %s%n", value(mapping, "step." + i + ".micros"),
                        mapping.getProperty("step." + i + ".label", "step " + i)));
            }
            out.append(String.format(Locale.ROOT, "    %8.1f µs  the four steps of one entry (%.1f %% of the "
                    + "service's CPU per entry)%n", value(mapping, "entry.micros"), value(mapping, "entry.micros")
                    / 10 / value(flow, "service.cpu.ms")));
        }
        return out.toString();
    }

    private void row(String figure, String measured, String target, String verdict) {
        rows.add(new String[] {figure, measured, target, verdict});
    }

    private Properties read(String bench) throws IOException {
        Properties properties = new Properties();
        Path file = directory.resolve(bench + ".properties");
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
        }
        return properties;
    }

    private static double value(Properties figures, String key) {
        String value = figures.getProperty(key);
        return value == null ? Double.NaN : Double.parseDouble(value);
    }

    private static String number(Properties figures, String key, String format) {
        double value = value(figures, key);
        return Double.isNaN(value) ? "not measured" : String.format(Locale.ROOT, format, value);
    }

    private static String seconds(Properties figures, String key) {
        return number(figures, key, "%.2f s");
    }

    private static String also(Properties figures, String key, String format) {
        double value = value(figures, key);
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, format, value);
    }

    private static String met(Properties figures, String key, DoublePredicate target) {
        double value = value(figures, key);
        return Double.isNaN(value) ? "-" : target.test(value) ? "met" : "missed";
    }
}
