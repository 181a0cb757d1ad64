package io.ledgerbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.testing.KafkaResource;
import io.ledgerbridge.testing.PostgresResource;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.TimeEntryFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (make bench): the approved-time flow of the packaged cluster build with the file outbox as its ERP —
 * no HTTP call and no stub, each entry a JSON document written to a folder —, on the same Kafka backlog, PostgreSQL
 * and JVM options as {@link FlowBench}. What the service spends per entry without a vendor's API: beside
 * FlowBench's figure it shows what the ERP call costs the service (the HTTP client, the Xero route, its mapping), and
 * with no stub sharing the 2 cores the service has them to itself. Figures in target/bench/flow-outbox.txt.
 */
class OutboxFlowBench {

    static final String FLOW = "approved-time-to-erp";

    static final PostgresResource postgres = new PostgresResource();
    static final KafkaResource kafka = new KafkaResource();
    static Map<String, String> db;
    static String bootstrap;

    @BeforeAll
    static void servers() {
        db = postgres.start();
        bootstrap = kafka.start().get("ledgerbridge.kafka.bootstrap-servers");
    }

    @AfterAll
    static void stopServers() {
        kafka.stop();
        postgres.stop();
    }

    @Test
    void approvedTimeToFileOutbox() throws Exception {
        int entries = FlowBench.ENTRIES;
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "outbox-bench-");
        Path outbox = Files.createDirectories(work.resolve("outbox"));
        long project = 800_000_000L + System.currentTimeMillis() % 1_000_000;
        long user = project + 1;
        long task = project + 2;
        TimeEntryFixtures.writeSeedFile(work.resolve("reference-data.json"), project, user, FlowBench.ERP_PROJECT,
                "OUTBOX");
        long firstId = project * 1_000L;
        long lastId = firstId + entries - 1;

        FlowBench.createTopics(bootstrap, List.of(FlowBench.TOPIC));
        try (KafkaProducer<String, String> producer = FlowBench.producer(bootstrap)) {
            for (long id = firstId; id <= lastId; id++) {
                producer.send(new ProducerRecord<>(FlowBench.TOPIC, String.valueOf(id),
                        FlowBench.entry(id, project, user, task)));
            }
        }

        Map<String, String> config = ServiceProcess.clusterSettings(db, bootstrap, Map.of(),
                work.resolve("reference-data.json"), FlowBench.PARTITIONS);
        config.put("LEDGERBRIDGE_ERP_CONNECTOR", "file-outbox");
        config.put("ledgerbridge.erp.outbox.dir", outbox.toString());
        config.put("ledgerbridge.erp.xero.enabled", "false");
        List<String> jvm = Arrays.asList(System.getProperty("bench.flow.jvm", "-Xmx256m").split(" "));
        Path recording = work.resolve("service.jfr");
        List<String> profiled = new java.util.ArrayList<>(jvm);
        if (Boolean.parseBoolean(System.getProperty("bench.flow.jfr", "true"))) {
            profiled.add("-XX:StartFlightRecording=filename=" + recording + ",settings=default");
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        String report;
        Instant profileFrom;
        Instant profileTo;
        try (ServiceProcess service = ServiceProcess.start(profiled, Map.of(), config, work.resolve("service.log"))) {
            profileFrom = Instant.now();
            long cpuAtReady = FlowBench.cpuNanos(service.pid());
            long jitAtReady = FlowBench.jitCpuNanos(service.pid());
            long[] machineAtReady = FlowBench.machineTicks();
            long readyAt = System.nanoTime();
            // posted: looked at once a second (a count of the flow's posted sync records)
            Posted posted = posted(firstId, lastId);
            long deadline = readyAt + Duration.ofMinutes(30).toNanos();
            long cpuAtEnd = cpuAtReady;
            long jitAtEnd = jitAtReady;
            long[] machineAtEnd = machineAtReady;
            long endedAt = readyAt;
            while (posted.count() < entries && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                cpuAtEnd = FlowBench.cpuNanos(service.pid());
                jitAtEnd = FlowBench.jitCpuNanos(service.pid());
                machineAtEnd = FlowBench.machineTicks();
                endedAt = System.nanoTime();
                posted = posted(firstId, lastId);
            }
            profileTo = Instant.now();
            assertThat(posted.count()).as("every entry posted within 30 minutes").isEqualTo(entries);
            double seconds = (endedAt - readyAt) / 1e9;
            double machineBusy = 2.0 * (machineAtEnd[0] - machineAtReady[0])
                    / Math.max(1, machineAtEnd[1] - machineAtReady[1]);
            double serviceMs = (cpuAtEnd - cpuAtReady) / 1e6 / entries;
            double jitMs = (jitAtEnd - jitAtReady) / 1e6 / entries;
            double machineMs = machineBusy * seconds * 1000 / entries;
            double throughput = (entries - 1) / posted.seconds();
            long documents;
            try (Stream<Path> files = Files.list(outbox)) {
                // the time entries' documents (the period close writes its journals there too)
                documents = files.map(file -> file.getFileName().toString())
                        .filter(name -> name.startsWith("harvest-") && name.endsWith(".json")).count();
            }
            long deadLetters = FlowBench.count(db, "select count(*) from dead_letter where business_key between "
                    + "'harvest:time-entry:" + firstId + "' and 'harvest:time-entry:" + lastId + "'");
            String groups = FlowBench.groupSizes(service.managementUrl());
            long peakRss = FlowBench.peakRssKb(service.pid());
            report = String.format(Locale.ROOT, """
                    approved-time flow, cluster build (%s), %d entries waiting on Kafka (%d partitions, as many consumers), the ERP a file outbox (no HTTP, no stub)
                      throughput, first to last posting              %.0f entries/s
                      service CPU while posting                      %.2f cores of 2; whole machine busy %.2f cores
                      CPU per entry: service %.2f ms (of it the JIT compiling %.2f ms), PostgreSQL + Kafka + the rest %.2f ms
                      store work per transaction (group commit, mean) %s
                      service peak RSS (VmHWM)                       %d MB
                      posted once: %d of %d, time entry documents in the outbox %d, dead letters %d
                    """, String.join(" ", jvm), entries, FlowBench.PARTITIONS, throughput,
                    serviceMs * entries / 1000 / seconds, machineBusy, serviceMs, jitMs, machineMs - serviceMs, groups,
                    peakRss / 1024, posted.count(), entries, documents, deadLetters);
            System.out.println(report);
            figures.put("throughput", Math.round(throughput));
            figures.put("service.cpu.ms", serviceMs);
            figures.put("service.jit.ms", jitMs);
            figures.put("rest.cpu.ms", machineMs - serviceMs);
            figures.put("peak.rss.mb", peakRss / 1024);
            figures.put("posted", posted.count());
            figures.put("documents", documents);
            assertThat(documents).as("one document per entry version").isEqualTo(entries);
            assertThat(deadLetters).isZero();
        }
        report += FlowBench.topFrames(recording, profileFrom, profileTo, figures);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/flow-outbox.txt"), report);
        BenchFigures.write("flow-outbox", figures);
    }

    /** The flow's posted entries of this run and the seconds from the first posting to the last (the store's clock). */
    record Posted(long count, double seconds) {
    }

    static Posted posted(long firstId, long lastId) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), db.get("quarkus.datasource.password"));
                ResultSet result = connection.createStatement().executeQuery("select count(*),"
                        + " extract(epoch from max(posted_at) - min(posted_at)) from sync_record where flow = '" + FLOW
                        + "' and status = 'POSTED' and cast(source_id as bigint) between " + firstId + " and "
                        + lastId)) {
            result.next();
            return new Posted(result.getLong(1), result.getDouble(2));
        }
    }
}
