package io.ledgerbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.testing.KafkaResource;
import io.ledgerbridge.testing.PostgresResource;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (make bench, not part of make test): the approved-time flow of the packaged cluster build, as its own
 * process, on real Kafka and PostgreSQL, posting to the contract-checked Xero stub. 100,000 approved entries are put
 * on the topic, then the service is started; figures: time to ready, throughput (first to last ERP call), ERP calls
 * per entry, the service's CPU and peak RSS; then a steady 1,000 entries/s for 20 s with the approval-to-ERP latency
 * of each entry (produce to the stub's answer). The baseline reads the same entries with a plain kafka-clients
 * consumer and writes them to PostgreSQL in JDBC batches. Every entry must be posted exactly once. Figures are
 * printed and written to target/bench/flow.txt.
 */
class FlowBench {

    static final int ENTRIES = Integer.getInteger("bench.flow.entries", 100_000);
    static final int RATE = Integer.getInteger("bench.flow.rate", 1_000);
    static final int STEADY_SECONDS = Integer.getInteger("bench.flow.steady-seconds", 20);
    /** Partitions of the time topic, and Kafka consumers of the service (one per partition). */
    static final int PARTITIONS = Integer.getInteger("bench.flow.partitions", 3);
    static final String TOPIC = "ledgerbridge.time-entries.approved";
    static final String VERSION = "2026-11-20T10:15:00Z";
    static final String ERP_PROJECT = "7b1e1a52-2c1f-4a55-9d43-5c2b0f6a9e10";
    /** How long the service started again sits idle before its resident memory is read. */
    static final int IDLE_SECONDS = Integer.getInteger("bench.flow.idle-seconds", 20);

    static final PostgresResource postgres = new PostgresResource();
    static final KafkaResource kafka = new KafkaResource();
    static final VendorStubs stubs = new VendorStubs(false);
    static Map<String, String> db;
    static String bootstrap;
    static Map<String, String> stubConfig;

    /** Per Idempotency-Key: how many ERP calls, and when the first was answered (nanoTime). */
    static final Map<String, long[]> calls = new ConcurrentHashMap<>();
    static final AtomicLong firstCall = new AtomicLong();
    static final AtomicLong lastCall = new AtomicLong();

    @BeforeAll
    static void servers() {
        // the contract checker says per request that it skips OAuth2 schemes: 100,000 lines of nothing
        java.util.logging.Logger.getLogger("com.atlassian.oai.validator").setLevel(java.util.logging.Level.WARNING);
        db = postgres.start();
        bootstrap = kafka.start().get("ledgerbridge.kafka.bootstrap-servers");
        stubConfig = stubs.start();
        VendorStubs.server().addMockServiceRequestListener((request, response) -> {
            String key = request.getHeader("Idempotency-Key");
            if (key != null && request.getUrl().contains("/Time") && response.getStatus() == 200) {
                long now = System.nanoTime();
                calls.compute(key, (k, seen) -> seen == null ? new long[] {1, now} : new long[] {seen[0] + 1, seen[1]});
                firstCall.compareAndSet(0, now);
                lastCall.set(now);
            }
        });
    }

    @AfterAll
    static void stopServers() {
        stubs.stop();
        kafka.stop();
        postgres.stop();
    }

    @Test
    void approvedTimeFlow() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "flow-bench-");
        long project = 900_000_000L + System.currentTimeMillis() % 1_000_000;
        long user = project + 1;
        long task = project + 2;
        TimeEntryFixtures.writeSeedFile(work.resolve("reference-data.json"), project, user, ERP_PROJECT, "BENCH");
        long firstId = project * 1_000L;

        // the entries wait on the topic (and a copy for the baseline) before the service starts
        createTopics(bootstrap, List.of(TOPIC, "bench.baseline"));
        long produceStart = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < ENTRIES; i++) {
                long id = firstId + i;
                String entry = entry(id, project, user, task);
                producer.send(new ProducerRecord<>(TOPIC, String.valueOf(id), entry));
                producer.send(new ProducerRecord<>("bench.baseline", String.valueOf(id), entry));
            }
        }
        double produceSeconds = seconds(produceStart);

        Map<String, String> config = ServiceProcess.clusterSettings(db, bootstrap, stubConfig,
                work.resolve("reference-data.json"), PARTITIONS);
        List<String> jvm = Arrays.asList(System.getProperty("bench.flow.jvm", "-Xmx256m").split(" "));
        // as the manifests run it (JDK 19+): a start writes the class data archive when it stops, the next maps it (a
        // container restarted in its pod). Not while posting: a JVM that will write the archive records no JFR.
        List<String> archived = new java.util.ArrayList<>(jvm);
        boolean archive = Runtime.version().feature() >= 19
                && Boolean.parseBoolean(System.getProperty("bench.flow.class-archive", "true"));
        if (archive) {
            archived.add("-XX:+AutoCreateSharedArchive");
            archived.add("-XX:SharedArchiveFile=" + work.resolve("app.jsa"));
        }
        // the service's profile while it posts: JFR's execution samples (settings=default: every 20 ms a running thread)
        Path recording = work.resolve("service.jfr");
        List<String> profiled = new java.util.ArrayList<>(jvm);
        if (Boolean.parseBoolean(System.getProperty("bench.flow.jfr", "true"))) {
            profiled.add("-XX:StartFlightRecording=filename=" + recording + ",settings=default");
        }
        // glibc's malloc arenas (one per thread that allocates natively, 8 x cores) hold freed memory: cap them
        String arenas = System.getProperty("bench.flow.malloc-arenas", "");
        Map<String, String> environment = arenas.isBlank() ? Map.of() : Map.of("MALLOC_ARENA_MAX", arenas);

        String report;
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        java.time.Instant profileFrom;
        java.time.Instant profileTo;
        try (ServiceProcess service = ServiceProcess.start(profiled, environment, config, work.resolve("service.log"))) {
            profileFrom = java.time.Instant.now();
            long cpuAtReady = cpuNanos(service.pid());
            long jitAtReady = jitCpuNanos(service.pid());
            long harnessAtReady = cpuNanos(ProcessHandle.current().pid());
            long[] machineAtReady = machineTicks();
            long readyAt = System.nanoTime();
            awaitCalls(ENTRIES, Duration.ofMinutes(30));
            long cpuAtEnd = cpuNanos(service.pid());
            long jitAtEnd = jitCpuNanos(service.pid());
            long harnessAtEnd = cpuNanos(ProcessHandle.current().pid());
            long[] machineAtEnd = machineTicks();
            double machineBusy = 2.0 * (machineAtEnd[0] - machineAtReady[0])
                    / Math.max(1, machineAtEnd[1] - machineAtReady[1]);
            double burstSeconds = (lastCall.get() - firstCall.get()) / 1e9;
            double readyToLastSeconds = (lastCall.get() - readyAt) / 1e9;
            double throughput = (ENTRIES - 1) / burstSeconds;
            double cores = (cpuAtEnd - cpuAtReady) / 1e9 / readyToLastSeconds;
            double harnessCores = (harnessAtEnd - harnessAtReady) / 1e9 / readyToLastSeconds;
            // CPU per entry by process: what the machine's 2 cores can post at most with this code and this stub
            double serviceMs = (cpuAtEnd - cpuAtReady) / 1e6 / ENTRIES;
            double jitMs = (jitAtEnd - jitAtReady) / 1e6 / ENTRIES;
            double stubMs = (harnessAtEnd - harnessAtReady) / 1e6 / ENTRIES;
            double machineMs = machineBusy * readyToLastSeconds * 1000 / ENTRIES;
            long peakRssBurst = peakRssKb(service.pid());
            String groups = groupSizes(service.managementUrl());

            // steady load: RATE entries a second, latency of each from produce to the ERP's answer
            Map<String, Long> produced = new ConcurrentHashMap<>();
            int steady = RATE * STEADY_SECONDS;
            long steadyFirst = firstId + ENTRIES;
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                long start = System.nanoTime();
                for (int i = 0; i < steady; i++) {
                    long due = start + (long) (i * 1e9 / RATE);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    long id = steadyFirst + i;
                    produced.put(key(id), System.nanoTime());
                    producer.send(new ProducerRecord<>(TOPIC, String.valueOf(id), entry(id, project, user, task)));
                }
            }
            awaitCalls(ENTRIES + steady, Duration.ofMinutes(10));
            profileTo = java.time.Instant.now();
            long[] latencies = produced.entrySet().stream()
                    .mapToLong(e -> (calls.get(e.getKey())[1] - e.getValue()) / 1_000).sorted().toArray();
            long peakRss = peakRssKb(service.pid());

            long totalCalls = calls.values().stream().mapToLong(c -> c[0]).sum();
            long duplicates = calls.values().stream().filter(c -> c[0] > 1).count();
            long lastId = steadyFirst + steady - 1;
            long posted = count(db, "select count(*) from sync_record where flow = 'approved-time-to-erp' and status = "
                    + "'POSTED' and cast(source_id as bigint) between " + firstId + " and " + lastId);
            long deadLetters = count(db, "select count(*) from dead_letter where business_key between "
                    + "'harvest:time-entry:" + firstId + "' and 'harvest:time-entry:" + lastId + "'");
            long harnessBeforeBaseline = cpuNanos(ProcessHandle.current().pid());
            Baseline baseline = baseline();
            double baselineMs = (cpuNanos(ProcessHandle.current().pid()) - harnessBeforeBaseline) / 1e6
                    / Math.max(1, baseline.rows);

            report = String.format(Locale.ROOT, """
                    approved-time flow, cluster build (%s%s), %d entries waiting on Kafka (%d partitions, as many consumers), Xero stub with contract check
                      produce %d entries (+ the baseline's copy)  %.1f s
                      time to ready (launch -> /q/health/ready 200)  %.2f s
                      throughput, first to last ERP call             %.0f entries/s   (target >= 10,000)
                      ready to last ERP call                         %.1f s
                      ERP calls per entry                            %.3f
                      service CPU while posting                      %.2f cores of 2
                      harness CPU (Xero stub with contract check)    %.2f cores; whole machine busy %.2f cores
                      CPU per entry: service %.2f ms, Xero stub %.2f ms, PostgreSQL + Kafka + the rest %.2f ms
                        (of the service's: its JIT compiling %.2f ms)
                        -> 2 cores post at most %.0f entries/s; the stub alone needs %.1f cores for 10,000/s
                      store work per transaction (group commit, mean) %s
                      service peak RSS (VmHWM)                       %d MB            (target <= 300)
                      steady %d entries/s for %d s: approval -> ERP latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms   (target p99 <= 250)
                      posted once: %d of %d, duplicates %d, dead letters %d
                    baseline: kafka-clients consumer -> PostgreSQL JDBC batches of 500, same %d entries
                        throughput                                     %.0f entries/s
                      CPU per record (this JVM: consumer + JDBC)    %.3f ms   (service / baseline: %.1f; target <= 6)
                    ours / baseline                                  %.3f   (target >= 0.5)
                    """, String.join(" ", jvm), arenas.isBlank() ? "" : ", MALLOC_ARENA_MAX=" + arenas, ENTRIES, PARTITIONS, ENTRIES, produceSeconds,
                    service.timeToReady().toMillis() / 1000.0, throughput, readyToLastSeconds,
                    totalCalls / (double) (ENTRIES + steady), cores, harnessCores, machineBusy, serviceMs, stubMs, machineMs - serviceMs - stubMs,
                    jitMs, 2000 / machineMs, stubMs * 10, groups, peakRss / 1024, RATE, STEADY_SECONDS,
                    percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                    latencies[latencies.length - 1] / 1000.0, posted, ENTRIES + steady, duplicates, deadLetters,
                    ENTRIES, baseline.throughput, baselineMs, serviceMs / baselineMs, throughput / baseline.throughput);
            figures.put("ready.backlog.seconds", service.timeToReady().toMillis() / 1000.0);
            figures.put("throughput", Math.round(throughput));
            figures.put("baseline.throughput", Math.round(baseline.throughput));
            figures.put("service.cpu.ms", serviceMs);
            figures.put("stub.cpu.ms", stubMs);
            figures.put("service.jit.ms", jitMs);
            figures.put("baseline.cpu.ms", baselineMs);
            figures.put("peak.rss.mb", peakRss / 1024);
            figures.put("steady.rate", RATE);
            figures.put("steady.p50.ms", percentile(latencies, 50));
            figures.put("steady.p99.ms", percentile(latencies, 99));
            figures.put("erp.calls.per.entry", totalCalls / (double) (ENTRIES + steady));
            figures.put("posted", posted);
            figures.put("expected", ENTRIES + steady);
            figures.put("duplicates", duplicates);
            System.out.println(report);
            assertThat(posted).as("every entry posted").isEqualTo(ENTRIES + steady);
            assertThat(duplicates).as("no entry posted twice").isZero();
            assertThat(baseline.rows).isEqualTo(ENTRIES);
            assertThat(peakRssBurst).isPositive();
        }

        // the service's own hot spots while it posted (the JFR file is written when the service stops)
        report += topFrames(recording, profileFrom, profileTo, figures);

        // start-up and idle memory: the same build started again on the migrated store, nothing waiting; then once
        // more, with the class data archive the first of the two wrote when it stopped
        report += startedAgain(archived, environment, config, work.resolve("service-idle.log"), "", figures);
        if (archive) {
            report += startedAgain(archived, environment, config, work.resolve("service-archived.log"),
                    ", with the class data archive", figures);
        }
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/flow.txt"), report);
        BenchFigures.write("flow", figures);
    }

    /** The top 10 frames of the service's JFR recording between two instants (none when it recorded nothing). */
    static String topFrames(Path recording, java.time.Instant from, java.time.Instant to, Map<String, Object> figures)
            throws IOException {
        if (!Files.exists(recording)) {
            return "";
        }
        List<JfrTopFrames.Frame> top = JfrTopFrames.top(recording, from, to, 10);
        StringBuilder frames = new StringBuilder("service JFR, top 10 frames while posting (share of execution "
                + "samples, method on top of the stack)\n");
        for (int i = 0; i < top.size(); i++) {
            frames.append("  ").append(top.get(i)).append('\n');
            figures.put("jfr.top." + (i + 1), top.get(i).toString().trim());
        }
        System.out.println(frames);
        return frames.toString();
    }

    /** Starts the build with nothing waiting: its time to ready and its RSS after {@link #IDLE_SECONDS}. */
    private static String startedAgain(List<String> jvm, Map<String, String> environment, Map<String, String> config,
            Path log, String how, Map<String, Object> figures) throws Exception {
        try (ServiceProcess idle = ServiceProcess.start(jvm, environment, config, log)) {
            Thread.sleep(IDLE_SECONDS * 1000L);
            long[] rss = {rssKb(idle.pid()), status(idle.pid(), "RssFile:")};
            String started = String.format(Locale.ROOT, """
                    started again, nothing waiting%s (%s)
                      time to ready (launch -> /q/health/ready 200)  %.2f s   (target <= 3)
                      RSS after %d s idle (VmRSS)                    %d MB   (target <= 200; of it mapped files %d MB)
                    """, how, String.join(" ", jvm), idle.timeToReady().toMillis() / 1000.0, IDLE_SECONDS,
                    rss[0] / 1024, rss[1] / 1024);
            System.out.println(started);
            String suffix = how.isEmpty() ? "" : ".archive";
            figures.put("ready" + suffix + ".seconds", idle.timeToReady().toMillis() / 1000.0);
            figures.put("idle.rss" + suffix + ".mb", rss[0] / 1024);
            figures.put("idle.rss.file" + suffix + ".mb", rss[1] / 1024);
            return started;
        }
    }

    record Baseline(long rows, double throughput) {
    }

    /** The plain consumer: poll, insert the records in JDBC batches, commit the transaction, then the offsets. */
    static Baseline baseline() throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-baseline");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        try (Connection connection = DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), db.get("quarkus.datasource.password"));
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                        new StringDeserializer())) {
            connection.createStatement().execute("drop table if exists bench_baseline");
            connection.createStatement().execute(
                    "create table bench_baseline (source_id bigint primary key, payload text not null)");
            connection.setAutoCommit(false);
            consumer.subscribe(List.of("bench.baseline"));
            long rows = 0;
            long first = 0;
            long last = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into bench_baseline (source_id, payload) values (?, ?)")) {
                while (rows < ENTRIES && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    for (ConsumerRecord<String, String> record : records) {
                        insert.setLong(1, Long.parseLong(record.key()));
                        insert.setString(2, record.value());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                    consumer.commitSync();
                    rows += records.count();
                    last = System.nanoTime();
                }
            }
            return new Baseline(rows, (rows - 1) / ((last - first) / 1e9));
        }
    }

    /** Creates the topics with {@link #PARTITIONS} partitions (a broker kept from earlier runs: at least as many). */
    static void createTopics(String bootstrap, List<String> topics) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(topics.stream().map(topic -> new org.apache.kafka.clients.admin.NewTopic(topic,
                    PARTITIONS, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException exists) {
            assertThat(exists).hasCauseInstanceOf(org.apache.kafka.common.errors.TopicExistsException.class);
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.<String, Object>of("bootstrap.servers", bootstrap))) {
                for (String topic : topics) {
                    int now = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                            .partitions().size();
                    if (now < PARTITIONS) {
                        admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions
                                .increaseTo(PARTITIONS))).all().get(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /** A producer to the broker at {@code bootstrap} that waits for every in-sync replica. */
    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    static String entry(long id, long project, long user, long task) {
        return """
                {"id": %d, "spent_date": "2026-11-19", "hours": 1.25, "notes": "Sprint planning",
                 "billable": true, "is_closed": true, "is_billed": false, "is_locked": false,
                 "created_at": "2026-11-19T17:00:00Z", "updated_at": "%s",
                 "user": {"id": %d, "name": "Kim Allen"}, "client": {"id": 5735776, "name": "ABC Corp"},
                 "project": {"id": %d, "name": "Website Redesign"}, "task": {"id": %d, "name": "Programming"}}
                """.formatted(id, VERSION, user, project, task);
    }

    static String key(long id) {
        return "harvest-" + id + "-20261120T101500Z";
    }

    static void awaitCalls(int expected, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (calls.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(calls).as("ERP calls within %s", limit).hasSizeGreaterThanOrEqualTo(expected);
    }

    /** The one number a query answers, on the PostgreSQL of {@code db} (as PostgresResource answers it). */
    static long count(Map<String, String> db, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), db.get("quarkus.datasource.password"));
                ResultSet result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Mean writes per transaction of each group commit, from the service's Prometheus metrics. */
    static String groupSizes(String managementUrl) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(managementUrl + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> groups = new java.util.TreeMap<>();
        java.util.regex.Matcher sample = java.util.regex.Pattern.compile(
                "^ledgerbridge_store_group_size_(count|sum)\\{group=\"([^\"]+)\"[^}]*} (\\S+)$",
                java.util.regex.Pattern.MULTILINE).matcher(metrics);
        while (sample.find()) {
            groups.computeIfAbsent(sample.group(2), g -> new double[2])[sample.group(1).equals("count") ? 0 : 1] =
                    Double.parseDouble(sample.group(3));
        }
        StringBuilder out = new StringBuilder();
        groups.forEach((group, countAndSum) -> out.append(String.format(Locale.ROOT, "%s %.1f  ", group,
                countAndSum[1] / Math.max(1, countAndSum[0]))));
        return out.toString().trim();
    }

    /** utime + stime of a process, from /proc/PID/stat. */
    static long cpuNanos(long pid) throws IOException {
        return statCpuNanos(Path.of("/proc/" + pid + "/stat"));
    }

    /** utime + stime of a /proc stat file of a process or thread (clock ticks of 10 ms). */
    private static long statCpuNanos(Path file) throws IOException {
        String stat = Files.readString(file, StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /**
     * utime + stime of a process's JIT compiler threads (C1, C2: "C1 CompilerThre…" in /proc/PID/task/TID/comm), the
     * live ones; what of a process's CPU went to compiling its code rather than running it.
     */
    static long jitCpuNanos(long pid) throws IOException {
        long nanos = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).matches("C\\d CompilerThre.*\\s*")) {
                        nanos += statCpuNanos(task.resolve("stat"));
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return nanos;
    }

    /** The machine's busy and total CPU ticks, from the first line of /proc/stat. */
    static long[] machineTicks() throws Exception {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < cpu.length; i++) {
            total += Long.parseLong(cpu[i]);
        }
        long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
        return new long[] {total - idle, total};
    }

    /** Peak resident set size (VmHWM) in kB. */
    static long peakRssKb(long pid) throws Exception {
        return status(pid, "VmHWM:");
    }

    /** Resident set size now (VmRSS) in kB. */
    static long rssKb(long pid) throws Exception {
        return status(pid, "VmRSS:");
    }

    private static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static double percentile(long[] sortedMicros, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, index)] / 1000.0;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
