package io.ledgerbridge.intake;

import io.ledgerbridge.config.LedgerbridgeConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.jboss.logging.Logger;

/**
 * Runs a polled batch of Kafka records through a flow in parallel lanes and commits what is done.
 *
 * <p>The records of one key (one source record and its later versions) share a lane and go through the flow in
 * offset order; different keys run side by side, since each record's own wait (the store, the target's answer) is
 * what limits a flow fed one record at a time. Every record's outcome (posted, skipped or dead-lettered) is committed
 * to the store by the flow itself; once all lanes are done, each partition's offset is committed up to the last
 * record before its first failure, in one commit per partition. A record whose exchange failed (the store
 * unreachable, for instance) stops its lane; the batch then fails, the consumer reconnects and reads again from the
 * committed offsets, and records the flow already completed are recognised by their sync records.
 */
@ApplicationScoped
@Named("kafkaBatches")
public class KafkaBatches {

    private static final Logger LOG = Logger.getLogger(KafkaBatches.class);
    /** Exchange property of a record that went through the flow (a lane stops at its first failure). */
    private static final String SENT = "ledgerbridgeKafkaSent";

    private final CamelContext camel;
    private final int lanes;
    private final ProducerTemplate template;
    private final ExecutorService workers;

    @Inject
    public KafkaBatches(CamelContext camel, ProducerTemplate template, LedgerbridgeConfig config) {
        this(camel, template, config.kafka().lanes());
    }

    KafkaBatches(CamelContext camel, ProducerTemplate template, int lanes) {
        this.camel = camel;
        this.template = template;
        this.lanes = lanes;
        this.workers = camel.getExecutorServiceManager().newCachedThreadPool(this, "KafkaLanes");
    }

    /** Sends each record of the batch (the body, a list of exchanges) to {@code flowUri}; see the class comment. */
    public void process(Exchange batch, String flowUri) throws Exception {
        List<Exchange> records = records(batch);
        if (records.isEmpty()) {
            return;
        }
        List<List<Exchange>> laneRecords = lanes(records);
        List<CompletableFuture<Void>> running = new ArrayList<>(laneRecords.size());
        for (int i = 1; i < laneRecords.size(); i++) {
            List<Exchange> lane = laneRecords.get(i);
            running.add(CompletableFuture.runAsync(() -> run(lane, flowUri), workers));
        }
        run(laneRecords.get(0), flowUri); // the consumer's own thread takes the first lane
        for (CompletableFuture<Void> lane : running) {
            lane.join();
        }
        if (!commitDone(records)) {
            Exchange failed = records.stream().filter(KafkaBatches::failed).findFirst().orElseThrow();
            Exception cause = failed.getException() != null ? failed.getException()
                    : new IllegalStateException("the flow rolled back");
            throw new IllegalStateException("Kafka record " + describe(failed) + " not completed; its partition is "
                    + "read again from the committed offset", cause);
        }
    }

    /** A lane's records in order, until one fails: later versions of the same key must not overtake it. */
    private void run(List<Exchange> lane, String flowUri) {
        for (Exchange record : lane) {
            template.send(flowUri, record);
            record.setProperty(SENT, true);
            if (failed(record)) {
                LOG.warnf("Kafka record %s not completed: %s", describe(record), record.getException() == null
                        ? "rolled back" : record.getException().toString());
                return;
            }
        }
    }

    /**
     * Commits, per partition, the offset of the last record before the first one that did not complete (all of them
     * when none failed); false when a record did not complete.
     */
    private static boolean commitDone(List<Exchange> records) {
        Map<String, List<Exchange>> partitions = new LinkedHashMap<>();
        for (Exchange record : records) {
            partitions.computeIfAbsent(header(record, KafkaConstants.TOPIC) + "-" + header(record, KafkaConstants.PARTITION),
                    p -> new ArrayList<>()).add(record);
        }
        boolean all = true;
        for (List<Exchange> partition : partitions.values()) {
            partition.sort(Comparator.comparingLong(r -> r.getMessage().getHeader(KafkaConstants.OFFSET, Long.class)));
            Exchange lastDone = null;
            for (Exchange record : partition) {
                if (!completed(record)) {
                    all = false;
                    break;
                }
                lastDone = record;
            }
            if (lastDone != null) {
                KafkaManualCommit commit = lastDone.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                        KafkaManualCommit.class);
                if (commit != null) {
                    commit.commit();
                }
            }
        }
        return all;
    }

    /** Each lane holds the records of the keys that hash to it, in poll order; no more lanes than records. */
    private List<List<Exchange>> lanes(List<Exchange> records) {
        int count = Math.max(1, Math.min(lanes, records.size()));
        List<List<Exchange>> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            result.add(new ArrayList<>());
        }
        for (Exchange record : records) {
            Object key = record.getMessage().getHeader(KafkaConstants.KEY);
            result.get(Math.floorMod(Objects.hashCode(key), count)).add(record);
        }
        result.removeIf(List::isEmpty);
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<Exchange> records(Exchange batch) {
        List<?> body = batch.getMessage().getBody(List.class);
        return body == null ? List.of() : (List<Exchange>) body;
    }

    /** A record went through the flow: its exchange ended without an unhandled exception or rollback. */
    private static boolean completed(Exchange record) {
        return record.getProperty(SENT, false, Boolean.class) && !failed(record);
    }

    private static boolean failed(Exchange record) {
        return record.isFailed() || record.isRollbackOnly();
    }

    private static Object header(Exchange record, String name) {
        return record.getMessage().getHeader(name);
    }

    private static String describe(Exchange record) {
        return header(record, KafkaConstants.TOPIC) + "/" + header(record, KafkaConstants.PARTITION) + "@"
                + header(record, KafkaConstants.OFFSET);
    }

    @PreDestroy
    void close() {
        camel.getExecutorServiceManager().shutdown(workers);
    }
}
