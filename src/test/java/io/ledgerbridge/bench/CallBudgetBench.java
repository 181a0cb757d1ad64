package io.ledgerbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.testing.KafkaResource;
import io.ledgerbridge.testing.PostgresResource;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (make bench): a month-end for one Xero organisation against a stub that enforces Xero's published limits
 * ({@link XeroLimits}: 60 calls in any rolling minute, 5 at once, 5,000 a day), with the minute shrunk to a second
 * so that the run takes 1/60 of the real time (the service's budget is configured on the same scale). 5,000
 * approved entries wait on Kafka; the cluster build posts them. Figures: calls per posted entry, 429s met, the time
 * the limits allow and the time taken; then the next morning's entries meet the spent day limit: they wait, visible
 * in the store and the gauge, and are posted, not dead-lettered, once the new day's budget is there. Written to
 * target/bench/call-budget.txt.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class CallBudgetBench {

    static final int ENTRIES = Integer.getInteger("bench.budget.entries", 5_000);
    static final int MORNING = 50;
    /** Xero's limits; the minute is a second here. */
    static final int PER_MINUTE = 60;
    static final int CONCURRENT = 5;
    /**
     * The day's limit: the month-end's time posts and the few reads the flow makes before the first of them (the
     * user, the task), so that the next morning's entries meet a spent day.
     */
    static final int PER_DAY = ENTRIES + 20;
    static final long MINUTE_MILLIS = 1_000;
    /**
     * What the service's window adds for the time between its budget letting a call go and the stub counting it
     * (HTTP client, scheduling on a busy machine: tens of ms). Shrinking the minute sixty-fold magnifies that skew as
     * much: without it the stub met up to 3 calls a run inside its rolling second, each a 429 and a retry that, with
     * the day's budget exactly the month-end's calls, left an entry waiting for the next day. 50 ms is 3 s of a real
     * minute.
     */
    static final long SKEW_MILLIS = 50;
    static final String TOPIC = "ledgerbridge.time-entries.approved";
    static final String ERP_PROJECT = "7b1e1a52-2c1f-4a55-9d43-5c2b0f6a9e10";

    static final PostgresResource postgres = new PostgresResource();
    static final KafkaResource kafka = new KafkaResource();
    static final VendorStubs stubs = new VendorStubs(false, new XeroLimits());
    static Map<String, String> db;
    static String bootstrap;
    static Map<String, String> stubConfig;
    static final Set<String> posted = ConcurrentHashMap.newKeySet();
    static final AtomicLong calls = new AtomicLong();
    static final AtomicLong refused = new AtomicLong();
    /** Every other call the stub answered (the flow's reads, the billing's invoices). */
    static final AtomicLong otherCalls = new AtomicLong();
    static final AtomicLong firstCall = new AtomicLong();
    static final AtomicLong lastCall = new AtomicLong();
    /** Sales invoice calls (PUT /Invoices with ACCREC invoices), the invoices in them Xero created, and 429s. */
    static final AtomicLong invoiceCalls = new AtomicLong();
    static final AtomicLong invoicesCreated = new AtomicLong();
    static final AtomicLong invoiceRefusals = new AtomicLong();
    static final int PROJECTS = Integer.getInteger("bench.budget.projects", 200);

    @BeforeAll
    static void servers() {
        java.util.logging.Logger.getLogger("com.atlassian.oai.validator").setLevel(java.util.logging.Level.WARNING);
        db = postgres.start();
        bootstrap = kafka.start().get("ledgerbridge.kafka.bootstrap-servers");
        stubConfig = stubs.start();
        VendorStubs.server().addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().contains("/Invoices") && "PUT".equals(request.getMethod().getName())
                    && request.getBodyAsString().contains("ACCREC")) {
                invoiceCalls.incrementAndGet();
                if (response.getStatus() == 429) {
                    invoiceRefusals.incrementAndGet();
                } else if (response.getStatus() == 200) {
                    invoicesCreated.addAndGet(response.getBodyAsString().split("\"InvoiceID\"", -1).length - 1);
                }
            }
            if (!request.getUrl().contains("/Time")) {
                otherCalls.incrementAndGet();
            } else {
                calls.incrementAndGet();
                if (response.getStatus() == 429) {
                    refused.incrementAndGet();
                } else if (response.getStatus() == 200) {
                    long now = System.nanoTime();
                    firstCall.compareAndSet(0, now);
                    lastCall.set(now);
                    posted.add(request.getHeader("Idempotency-Key"));
                }
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
    @org.junit.jupiter.api.Order(1)
    void monthEndWithinXerosLimits() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "budget-bench-");
        long project = 800_000_000L + System.currentTimeMillis() % 1_000_000;
        long user = project + 1;
        long task = project + 2;
        TimeEntryFixtures.writeSeedFile(work.resolve("reference-data.json"), project, user, ERP_PROJECT, "BUDGET");
        long firstId = project * 1_000L;
        XeroLimits.reset();
        XeroLimits.perWindow = PER_MINUTE;
        XeroLimits.windowMillis = MINUTE_MILLIS;
        XeroLimits.concurrent = CONCURRENT;
        XeroLimits.perDay = PER_DAY;
        XeroLimits.latencyMillis = 5;
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 3, (short) 1))).all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = FlowBench.producer(bootstrap)) {
            for (int i = 0; i < ENTRIES; i++) {
                long id = firstId + i;
                producer.send(new ProducerRecord<>(TOPIC, String.valueOf(id), FlowBench.entry(id, project, user, task)));
            }
        }

        Map<String, String> config = new HashMap<>(ServiceProcess.clusterSettings(db, bootstrap, stubConfig,
                work.resolve("reference-data.json"), 3));
        config.put("ledgerbridge.erp.budgets.xero.calls", String.valueOf(PER_MINUTE));
        config.put("ledgerbridge.erp.budgets.xero.window", (MINUTE_MILLIS + SKEW_MILLIS) + "ms");
        config.put("ledgerbridge.erp.budgets.xero.burst", "3");
        config.put("ledgerbridge.erp.budgets.xero.per-day", String.valueOf(PER_DAY));
        config.put("ledgerbridge.erp.budgets.xero.concurrent", String.valueOf(CONCURRENT));
        String report;
        try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx256m"), Map.of(), config,
                work.resolve("service.log"))) {
            await(() -> posted.size() >= ENTRIES, Duration.ofMinutes(5));
            double taken = (lastCall.get() - firstCall.get()) / 1e9;
            // the limits let the first minute's 60 go at once, then 60 a minute
            double allowed = (ENTRIES - PER_MINUTE) * MINUTE_MILLIS / 1000.0 / PER_MINUTE;
            long callsMonthEnd = calls.get();
            long readsMonthEnd = otherCalls.get();
            long refusedMonthEnd = refused.get();

            // the next morning's entries: the day limit is spent, they wait (no call, no dead letter)
            try (KafkaProducer<String, String> producer = FlowBench.producer(bootstrap)) {
                for (int i = 0; i < MORNING; i++) {
                    long id = firstId + ENTRIES + i;
                    producer.send(new ProducerRecord<>(TOPIC, String.valueOf(id), FlowBench.entry(id, project, user, task)));
                }
            }
            // the first of them use what the day has left; from the moment the budget says spent, nothing goes
            await(() -> gauge(service.managementUrl(), "ledgerbridge_erp_budget_day_exhausted") == 1.0,
                    Duration.ofSeconds(60));
            Thread.sleep(500); // the calls admitted before it, in flight, are answered (the stub takes 5 ms)
            long callsAtSpent = calls.get();
            long morningWithinTheDay = callsAtSpent - callsMonthEnd;
            Thread.sleep(3_000);
            double waitingGauge = gauge(service.managementUrl(), "ledgerbridge_erp_budget_waiting");
            long sentWhileSpent = calls.get() - callsAtSpent;
            long deadLettersWhileSpent = FlowBench.count(db, "select count(*) from dead_letter");
            long dayUsed = FlowBench.count(db, "select max(day_used) from erp_call_budget");

            // the new day: the store's budget and the organisation's count start again
            XeroLimits.newDay();
            execute("update erp_call_budget set day_used = 0");
            long morningStart = System.nanoTime();
            await(() -> posted.size() >= ENTRIES + MORNING, Duration.ofMinutes(2));
            double morningSeconds = (System.nanoTime() - morningStart) / 1e9;
            long deadLetters = FlowBench.count(db, "select count(*) from dead_letter");
            long postedInStore = FlowBench.count(db, "select count(*) from sync_record where flow = 'approved-time-to-erp' and "
                    + "status = 'POSTED'");

            report = String.format(Locale.ROOT, """
                    call budget: a month-end of %d entries for one Xero organisation, against a stub enforcing Xero's limits (%d calls in any rolling minute, %d at once, %d a day; the minute shrunk to %d ms)
                      ERP calls per posted entry                     %.3f   (and %d other calls: reads of the user and the task)
                      429s met                                       %d   (rate %d, concurrency %d, day %d; target 0)
                      most calls at once at the stub                 %d   (limit %d)
                      time the limits allow (60 at once, then 60 a minute)  %.1f s
                      time taken, first to last call                 %.1f s   (%.1f %% over, %.0f %% of it the skew allowance; target within 10 %%)
                    the day limit: %d more entries the next morning (%d of them within what the day had left)
                      calls sent while the day was spent             %d
                      visible: gauge ledgerbridge_erp_budget_day_exhausted 1, ledgerbridge_erp_budget_waiting %.0f, store day_used %d
                      dead letters                                   %d
                      after the new day's budget: all %d posted in %.1f s; posted in the store %d of %d, dead letters %d
                    """, ENTRIES, PER_MINUTE, CONCURRENT, PER_DAY, MINUTE_MILLIS,
                    callsMonthEnd / (double) ENTRIES, readsMonthEnd, refusedMonthEnd, XeroLimits.refusedRate.get(),
                    XeroLimits.refusedConcurrency.get(), XeroLimits.refusedDay.get(), XeroLimits.mostInFlight.get(),
                    CONCURRENT, allowed, taken, (taken / allowed - 1) * 100, SKEW_MILLIS * 100.0 / MINUTE_MILLIS, MORNING,
                    morningWithinTheDay, sentWhileSpent, waitingGauge,
                    dayUsed, deadLettersWhileSpent, MORNING, morningSeconds, postedInStore, ENTRIES + MORNING,
                    deadLetters);
            System.out.println(report);
            BenchFigures.write("call-budget", Map.of("calls.per.entry", callsMonthEnd / (double) ENTRIES,
                    "refusals", refusedMonthEnd, "over.percent", (taken / allowed - 1) * 100));
            assertThat(refused.get()).as("429s met").isZero();
            assertThat(sentWhileSpent).as("calls while the day limit was spent").isZero();
            assertThat(deadLetters).as("dead letters").isZero();
            assertThat(postedInStore).isEqualTo(ENTRIES + MORNING);
        }
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/call-budget.txt"), report);
    }

    /**
     * Month-end billing of {@value #PROJECTS} projects of the EU entity (one approved entry each, posted first) by the
     * billing schedule: their invoices go to Xero in billing batches of 50. Figures: ERP calls per invoice
     * (one each before batching), 429s met. Written to target/bench/billing-batches.txt.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void monthEndBillingInBatches() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "billing-bench-");
        long first = 900_000_000L + System.currentTimeMillis() % 1_000_000 * 1_000;
        long user = first - 1;
        StringBuilder projects = new StringBuilder();
        StringBuilder assignments = new StringBuilder();
        for (int i = 0; i < PROJECTS; i++) {
            long psa = first + i;
            projects.append(i == 0 ? "" : ",").append("""
                    {"psaId":"%d","erpProjectId":"%s","erpContactId":"%s","name":"Bench billing %d","code":"BB-%d",
                     "clientName":"Client %d","region":"EU","currency":"EUR","contractType":"TIME_AND_MATERIALS",
                     "rateCard":"BILLING-BENCH","status":"ACTIVE","startsOn":"2026-01-01"}""".formatted(psa,
                    java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), psa, psa, psa));
            assignments.append(i == 0 ? "" : ",").append("""
                    {"sourceId":"bench-%d","psaProjectId":"%d","psaUserId":"%d","role":"Programming",
                     "startsOn":"2026-01-01","erpTaskId":"%s"}""".formatted(psa, psa, user, java.util.UUID.randomUUID()));
        }
        Files.writeString(work.resolve("reference-data.json"), """
                {"crossReferences": [{"entityType":"PERSON","sourceSystem":"harvest","sourceId":"%d","targetSystem":"erp",
                                      "targetId":"5f9e1c3a-8d2b-4e7f-a1c6-3b8d9e0f1a2b"}],
                 "rateCards": [{"card":"BILLING-BENCH","role":"Programming","currency":"EUR","billRate":100,"costRate":60,
                                "effectiveFrom":"2026-01-01"}],
                 "projects": [%s],
                 "assignments": [%s]}
                """.formatted(user, projects, assignments));
        XeroLimits.reset();
        XeroLimits.perWindow = PER_MINUTE;
        XeroLimits.windowMillis = MINUTE_MILLIS;
        XeroLimits.concurrent = CONCURRENT;
        XeroLimits.perDay = 1_000_000;
        XeroLimits.latencyMillis = 5;
        String topic = "ledgerbridge.time-entries.approved";
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1))).all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        try (KafkaProducer<String, String> producer = FlowBench.producer(bootstrap)) {
            for (int i = 0; i < PROJECTS; i++) {
                long id = (first + i) * 10;
                producer.send(new ProducerRecord<>(topic, String.valueOf(id), FlowBench.entry(id, first + i, user, 1)));
            }
        }
        Map<String, String> config = new HashMap<>(ServiceProcess.clusterSettings(db, bootstrap, stubConfig,
                work.resolve("reference-data.json"), 3));
        config.put("ledgerbridge.erp.budgets.xero.calls", String.valueOf(PER_MINUTE));
        config.put("ledgerbridge.erp.budgets.xero.window", (MINUTE_MILLIS + SKEW_MILLIS) + "ms");
        config.put("ledgerbridge.erp.budgets.xero.burst", "3");
        config.put("ledgerbridge.erp.budgets.xero.per-day", "0");
        config.put("ledgerbridge.erp.budgets.xero.concurrent", String.valueOf(CONCURRENT));
        config.put("ledgerbridge.billing.schedule-enabled", "true");
        config.put("ledgerbridge.billing.schedule-interval", "60000");
        // the period billed is the month before (today - grace days): November, that of the entries
        config.put("ledgerbridge.billing.grace-days", String.valueOf(Math.max(0, java.time.temporal.ChronoUnit.DAYS
                .between(java.time.LocalDate.of(2026, 12, 1), java.time.LocalDate.now()))));
        long callsBefore = invoiceCalls.get();
        long createdBefore = invoicesCreated.get();
        String report;
        try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx256m"), Map.of(), config,
                work.resolve("service.log"))) {
            // the schedule bills the period by itself (the admin API needs an identity provider in the cluster
            // profile): its first check comes 10 s after the start, when every entry is posted
            long start = System.nanoTime();
            await(() -> {
                try {
                    return FlowBench.count(db, "select count(*) from billing_run r join project p on p.id ="
                            + " r.project_id where p.name like 'Bench billing %' and r.status = 'INVOICED'") >= PROJECTS;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofMinutes(3));
            double seconds = (System.nanoTime() - start) / 1e9;
            long calls = invoiceCalls.get() - callsBefore;
            long created = invoicesCreated.get() - createdBefore;
            long invoiced = FlowBench.count(db, "select count(*) from billing_run r join project p on p.id ="
                    + " r.project_id where p.name like 'Bench billing %' and r.status = 'INVOICED'");
            long failed = FlowBench.count(db, "select count(*) from dead_letter where flow like 'billing%'");
            report = String.format(Locale.ROOT, """
                    billing batches: month-end billing of %d projects (one invoice each) by the billing schedule, against the same Xero limits
                      invoices created in Xero                       %d   (runs of the projects invoiced in the store %d; billing dead letters %d)
                      ERP calls (PUT /Invoices)                      %d   (%.3f per invoice; one each before billing batches)
                      429s met                                       %d
                      from the service's start to the last invoice   %.1f s
                    """, PROJECTS, created, invoiced, failed, calls, calls / (double) Math.max(1, created),
                    invoiceRefusals.get(), seconds);
            System.out.println(report);
            BenchFigures.write("billing-batches", Map.of("calls.per.invoice", calls / (double) Math.max(1, created),
                    "refusals", invoiceRefusals.get()));
            assertThat(invoiced).isEqualTo(PROJECTS);
            assertThat(created).isGreaterThanOrEqualTo(PROJECTS);
            assertThat(invoiceRefusals.get()).as("429s met").isZero();
        }
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/billing-batches.txt"), report);
    }

    private static void await(java.util.function.BooleanSupplier done, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within %s", limit).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The first sample of a gauge on the service's metrics (-1 when it is not there). */
    private static double gauge(String managementUrl, String name) {
        try {
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(managementUrl + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(l -> l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(
                    l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), db.get("quarkus.datasource.password"))) {
            connection.createStatement().execute(sql);
        }
    }
}
