package io.ledgerbridge.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.replay.ReplayJob;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (make bench, not part of make test): a bulk replay of 10,000 dead letters of approved time (as an ERP
 * outage leaves them: TARGET_UNAVAILABLE, each entry's payload as it arrived) through the admin API, unthrottled
 * (ratePerSecond 0), approved by a second person; from the approval to the job's completion, every entry posted to
 * the contract-checked Xero stub exactly once. The dead letters are already on the dead-letter topic (as an outage
 * leaves them) and the KPI gauges refresh at their production interval. A replay after an outage runs on a service
 * that has been working (its code compiled by the JIT): a first job of {@code bench.replay.warmup} dead letters (as
 * many as the measured one: with 2,000 the JIT was still compiling the replay's code for a quarter of the JVM's CPU
 * through the measured job) runs before the measured one, and its time is printed too (what the same replay costs a
 * service that just started).
 * The time is the job's own, from the approval to its finishedAt in the store; the bench looks at the job once a
 * second (REST Assured's JSON path compiles Groovy on every look: at five a second that was 8 % of the JVM's CPU).
 * The contract-checked Xero stub runs in this JVM (WireMock's Jetty threads): its CPU is measured apart (thread CPU
 * time) and the service's CPU per replay is the JVM's less the stub's; of it, the JIT compiler threads' is shown.
 * Figures printed and written to target/bench/replay.txt.
 */
@QuarkusTest
@TestProfile(DeadLetterReplayBench.ProductionIntervals.class)
class DeadLetterReplayBench {

    /**
     * The service as it runs by default, not as the test profile tunes it for inspection: KPI gauges recomputed every
     * minute (not every second), traces not recorded (the tests keep every span in memory), the store's statistics
     * looked at every 10 s (not every second).
     */
    public static class ProductionIntervals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.kpis.refresh-interval", "60s", "quarkus.otel.sdk.disabled", "true",
                    "ledgerbridge.store.statistics-interval", "10s");
        }
    }

    static final int COUNT = Integer.getInteger("bench.replay.count", 10_000);
    static final int WARMUP = Integer.getInteger("bench.replay.warmup", 10_000);
    static final String VERSION = "2026-11-20T10:15:00Z";

    @Test
    void bulkReplayOfTenThousandDeadLetters() throws Exception {
        VendorStubs.reset();
        Project warmupProject = TimeEntryFixtures.knownProject();
        double warmup = WARMUP > 0 ? replay(warmupProject, WARMUP).seconds() : 0;
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        Job job = replay(project, COUNT);
        double seconds = job.seconds();
        double serviceMs = (job.jvmCpuNanos() - job.stubCpuNanos()) / 1e6 / COUNT;
        double stubMs = job.stubCpuNanos() / 1e6 / COUNT;
        double jitMs = job.jitCpuNanos() / 1e6 / COUNT;
        long jobId = job.id();

        Map<String, Long> outcomes = Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId).then().extract()
                .jsonPath().getMap("outcomes", String.class, Long.class);
        Map<String, Long> calls = VendorStubs.server().findAll(postRequestedFor(urlPathMatching(
                        VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time"))).stream()
                .collect(Collectors.groupingBy(r -> r.getHeader("Idempotency-Key"), Collectors.counting()));
        long postedOnce = calls.values().stream().filter(c -> c == 1).count();
        String report = String.format(Locale.ROOT, """
                bulk replay of %d dead letters (approved time, TARGET_UNAVAILABLE), unthrottled, one job
                  approval -> job COMPLETED                      %.1f s   (%.0f dead letters/s; target: 10,000 in <= 10 s)
                  CPU per replay: service %.2f ms (of it the JIT compiling %.2f ms),
                    the Xero stub in the same JVM %.2f ms (the JVM used %.2f of %d cores)
                  outcomes                                       %s
                  ERP calls: %d entries, %d posted exactly once
                  before it, a job of %d on the service just started  %.1f s   (%.0f dead letters/s: code not yet compiled by the JIT)
                """, COUNT, seconds, COUNT / seconds, serviceMs, jitMs, stubMs, job.jvmCpuNanos() / 1e9 / seconds,
                Runtime.getRuntime().availableProcessors(), outcomes, calls.size(), postedOnce, WARMUP, warmup,
                WARMUP == 0 ? 0 : WARMUP / warmup);
        System.out.println(report);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/replay.txt"), report);
        BenchFigures.write("replay", Map.of("count", COUNT, "seconds", seconds, "warmup.count", WARMUP,
                "warmup.seconds", warmup, "posted.once", postedOnce, "service.cpu.ms", serviceMs,
                "stub.cpu.ms", stubMs, "jit.cpu.ms", jitMs));
        assertThat(outcomes).containsEntry("POSTED", (long) COUNT);
        assertThat(postedOnce).isEqualTo(COUNT);
        assertThat(calls).hasSize(COUNT);
    }

    /**
     * A replay job: how long it ran, from its approval to its completion, and the CPU this JVM (service and stub) and
     * the stub's threads and the JIT's compiler threads used meanwhile.
     */
    record Job(long id, double seconds, long jvmCpuNanos, long stubCpuNanos, long jitCpuNanos) {
    }

    /** Leaves {@code count} dead letters of the project as an outage does, replays them in one job, waits for it. */
    static Job replay(Project project, int count) throws IOException {
        Instant from = StoreTime.now();
        long first = TimeEntryFixtures.nextId();
        for (int i = 1; i < count; i++) {
            TimeEntryFixtures.nextId();
        }
        // the dead letters an outage leaves: written in batches of 1,000 rows per transaction
        for (int chunk = 0; chunk < count; chunk += 1_000) {
            int start = chunk;
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = start; i < Math.min(count, start + 1_000); i++) {
                    DeadLetter letter = project.outageDeadLetter(first + i, "1.25", VERSION, DeadLetter.Status.OPEN);
                    letter.persist();
                }
            });
        }
        Instant to = StoreTime.now().plusMillis(1);

        long stubCpu = stubCpuNanos();
        long self = ProcessHandle.current().pid();
        long jvmCpu = FlowBench.cpuNanos(self);
        long jitCpu = FlowBench.jitCpuNanos(self);
        Instant started = Instant.now();
        var requested = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("filter", Map.of("flow", "approved-time-to-erp", "errorClass", "TARGET_UNAVAILABLE",
                        "from", from.toString(), "to", to.toString()), "ratePerSecond", 0))
                .post("/admin/dead-letters/replay").then().statusCode(202).extract().jsonPath();
        long jobId = requested.getLong("id");
        if ("AWAITING_APPROVAL".equals(requested.getString("status"))) {
            // over the approval threshold: it runs from a second person's approval
            started = Instant.now();
            Admin.as("approver").contentType("application/json").post("/admin/replay-jobs/" + jobId + "/approve").then().statusCode(200);
        }
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(1)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId).then().extract().jsonPath().getString("status")));
        Instant finished = QuarkusTransaction.requiringNew()
                .call(() -> ReplayJob.<ReplayJob>findById(jobId).finishedAt);
        return new Job(jobId, Duration.between(started, finished).toNanos() / 1e9, FlowBench.cpuNanos(self) - jvmCpu,
                stubCpuNanos() - stubCpu, FlowBench.jitCpuNanos(self) - jitCpu);
    }

    /** CPU time of WireMock's Jetty threads (qtp...), the stub's; threads that ended in between are not counted. */
    private static long stubCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith("qtp")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return total;
    }
}
