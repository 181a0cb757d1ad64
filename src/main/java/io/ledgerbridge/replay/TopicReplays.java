package io.ledgerbridge.replay;

import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.store.BackgroundWorker;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.kafka.KafkaClients;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Replays a flow's Kafka source topic from a point in time: a consumer of its own (no consumer group, so the
 * flow's consumers keep their offsets) seeks each partition to the first offset at or after the time, reads up to
 * the end offsets of the moment the replay started, and runs each record through the flow — idempotent, so what
 * was already posted is skipped.
 */
@ApplicationScoped
public class TopicReplays {

    private static final Logger LOG = Logger.getLogger(TopicReplays.class);

    private final LedgerbridgeConfig config;
    private final ProducerTemplate producer;
    private final Audit audit;
    private final KafkaClients clients;
    private final ExecutorService runner = BackgroundWorker.named("ledgerbridge-topic-replays");

    TopicReplays(LedgerbridgeConfig config, ProducerTemplate producer, Audit audit,
            KafkaClients clients) {
        this.clients = clients;
        this.config = config;
        this.producer = producer;
        this.audit = audit;
    }

    public TopicReplay start(String flow, Instant from) {
        if (!config.kafka().enabled()) {
            throw new ProblemException(Problem.of(409, "no-kafka-source", "No Kafka source",
                    "this profile reads no Kafka topic; replay from a timestamp needs the cluster profile"));
        }
        String topic = topicOf(flow);
        String actor = audit.actor();
        TopicReplay replay = new TopicReplay();
        replay.flow = flow;
        replay.topic = topic;
        replay.fromTime = from;
        replay.status = "RUNNING";
        replay.requestedBy = actor;
        replay.createdAt = StoreTime.now();
        QuarkusTransaction.requiringNew().run(replay::persist);
        audit.record(actor, "topic-replay", "topic-replay/" + replay.id, flow + " from " + from, "RUNNING");
        runner.submit(() -> run(replay.id, actor));
        return replay;
    }

    public TopicReplay get(long id) {
        TopicReplay replay = QuarkusTransaction.requiringNew().call(() -> TopicReplay.<TopicReplay>findById(id));
        if (replay == null) {
            throw Problem.notFound("topic replay", id);
        }
        return replay;
    }

    private String topicOf(String flow) {
        if ("approved-time-to-erp".equals(flow)) {
            return config.time().topic();
        }
        throw new ProblemException(Problem.of(404, "unknown-flow", "No such flow with a Kafka source",
                "flow '" + flow + "' has no Kafka source topic; known: approved-time-to-erp"));
    }

    private void run(long id, String actor) {
        TopicReplay replay = get(id);
        long records = 0;
        long posted = 0;
        long skipped = 0;
        long deadLettered = 0;
        String status = "COMPLETED";
        String detail = null;
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(replay.topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, replay.fromTime.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                long end = ends.get(partition);
                if (start != null && start.offset() < end) {
                    consumer.seek(partition, start.offset());
                    remaining.put(partition, end);
                }
            }
            consumer.assign(remaining.keySet());
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    records++;
                    Exchange result = producer.send("direct:" + replay.flow,
                            exchange -> exchange.getMessage().setBody(record.value()));
                    if (result.isFailed() || result.getMessage().getHeader(FlowHeaders.DEAD_LETTER_ID) != null) {
                        deadLettered++;
                    } else if ("SKIP".equals(result.getMessage().getHeader(FlowHeaders.SYNC_ACTION))) {
                        skipped++;
                    } else {
                        posted++;
                    }
                    if (record.offset() + 1 >= end) {
                        remaining.remove(partition);
                    }
                }
                remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
            }
        } catch (RuntimeException failed) {
            LOG.errorf(failed, "topic replay %d failed", id);
            status = "FAILED";
            detail = failed.getMessage();
        }
        long[] counts = {records, posted, skipped, deadLettered};
        String finalStatus = status;
        String finalDetail = detail;
        QuarkusTransaction.requiringNew().run(() -> TopicReplay.update(
                "status = ?1, records = ?2, posted = ?3, skipped = ?4, deadLettered = ?5, detail = ?6, finishedAt = ?7 "
                        + "where id = ?8", finalStatus, counts[0], counts[1], counts[2], counts[3], finalDetail, StoreTime.now(), id));
        audit.record(actor, "topic-replay-finished", "topic-replay/" + id,
                "read " + records + ", posted " + posted + ", skipped " + skipped + ", dead-lettered " + deadLettered,
                status);
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.putAll(clients.properties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }

}
