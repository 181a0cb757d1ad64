package io.ledgerbridge.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.bench.BenchFigures;
import io.ledgerbridge.flow.FlowJson;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The approved-time flow's mappings and validations per call, each step alone on one thread, as the routes call them
 * (the project's json-validator and jsonata endpoints through Camel, on the mappings' own examples): how much of the
 * service's CPU per entry they are, and so what a faster evaluation could save at most. Jackson's parse and write of
 * the same entry is the yardstick. Printed and written to target/bench/mapping.txt (issue #24: "the JSONata mappings
 * and schema validation measured per call").
 */
class MappingBench {

    private static final long WARM_UP_NANOS = Long.getLong("bench.mapping.warmup-seconds", 5) * 1_000_000_000L;
    private static final long MEASURE_NANOS = Long.getLong("bench.mapping.seconds", 5) * 1_000_000_000L;
    private static final String JSON = "?inputType=JsonString&outputType=JsonString";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Test
    void theTimeFlowsMappingsAndValidationsPerCall() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("mapper", mapper);
        camel.addComponent("json-validator", new ParsedJsonValidatorComponent(new FlowJson(mapper)));
        camel.addComponent("jsonata", new CompiledJsonataComponent());
        camel.start();
        try {
            ProducerTemplate producer = camel.createProducerTemplate();
            String harvest = Files.readString(
                    Path.of("mappings/examples/mappings/harvest/time-entry-to-canonical.in.json"));
            String canonical = producer.requestBody("jsonata:file:mappings/harvest/time-entry-to-canonical.jsonata"
                    + JSON, harvest, String.class);
            String priced = Files.readString(Path.of("mappings/examples/mappings/xero/canonical-to-xero-time.in.json"));

            Map<String, Callable<Object>> steps = new LinkedHashMap<>();
            steps.put("validate the Harvest entry (harvest/time-entry.schema.json)", () -> producer.requestBody(
                    "json-validator:file:mappings/harvest/time-entry.schema.json", harvest));
            steps.put("map it to canonical (harvest/time-entry-to-canonical.jsonata)", () -> producer.requestBody(
                    "jsonata:file:mappings/harvest/time-entry-to-canonical.jsonata" + JSON, harvest));
            com.dashjoin.jsonata.Jsonata direct = com.dashjoin.jsonata.Jsonata.jsonata(
                    Files.readString(Path.of("mappings/harvest/time-entry-to-canonical.jsonata")));
            // no frame of its own per call: jsonata 0.9.9 chains the frames given to one compiled expression
            steps.put("  the same, the library alone (compiled once, parsed input, no Camel)", () -> {
                Object input = mapper.readValue(harvest, Object.class);
                return mapper.writeValueAsString(direct.evaluate(input));
            });
            steps.put("validate the canonical entry (schemas/time-entry.schema.json)", () -> producer.requestBody(
                    "json-validator:file:mappings/schemas/time-entry.schema.json", canonical));
            steps.put("map the priced entry to Xero (xero/canonical-to-xero-time.jsonata)", () -> producer.requestBody(
                    "jsonata:file:mappings/xero/canonical-to-xero-time.jsonata" + JSON, priced));
            steps.put("yardstick: Jackson parses and writes the Harvest entry", () -> mapper.writeValueAsString(
                    mapper.readTree(harvest)));

            StringBuilder report = new StringBuilder("mappings and validations of the approved-time flow, per call on "
                    + "one thread (CPU of the calling thread; warm-up " + WARM_UP_NANOS / 1_000_000_000L
                    + " s, measured " + MEASURE_NANOS / 1_000_000_000L + " s each)\n");
            Map<String, Object> figures = new LinkedHashMap<>();
            double flowSteps = 0;
            int n = 0;
            for (Map.Entry<String, Callable<Object>> step : steps.entrySet()) {
                run(step.getValue(), WARM_UP_NANOS);
                double micros = run(step.getValue(), MEASURE_NANOS);
                report.append(String.format("  %-72s %8.1f µs%n", step.getKey(), micros));
                figures.put("step." + (++n) + ".label", step.getKey().strip());
                figures.put("step." + n + ".micros", String.format(Locale.ROOT, "%.1f", micros));
                if (!step.getKey().startsWith("yardstick") && !step.getKey().startsWith(" ")) {
                    flowSteps += micros;
                }
            }
            report.append(String.format("  %-72s %8.1f µs%n", "the four steps of one entry", flowSteps));
            figures.put("entry.micros", String.format(Locale.ROOT, "%.1f", flowSteps));
            System.out.print(report);
            Files.createDirectories(Path.of("target/bench"));
            Files.writeString(Path.of("target/bench/mapping.txt"), report);
            BenchFigures.write("mapping", figures);
        } finally {
            camel.stop();
        }
    }

    /** Calls {@code step} for about {@code nanos}; answers the calling thread's CPU per call in microseconds. */
    private double run(Callable<Object> step, long nanos) throws Exception {
        long calls = 0;
        long started = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        while (System.nanoTime() - started < nanos) {
            for (int i = 0; i < 100; i++) {
                step.call();
            }
            calls += 100;
        }
        return (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / calls;
    }
}
