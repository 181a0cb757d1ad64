package io.ledgerbridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.testing.KafkaResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batches of a real Kafka topic through {@link KafkaBatches} into a flow (a plain Camel context, the consumer options
 * of the kafka-source route template): the versions of one key reach the flow in order while keys run side by side;
 * a record whose flow fails is read again from its own offset (what came before it in its partition committed,
 * nothing from it on); at the end every partition is committed to its end.
 */
class KafkaBatchesTest {

    static final int KEYS = 40;
    static final int VERSIONS = 5;
    static String bootstrap;

    CamelContext camel;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaResource.sharedBroker();
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void keysKeepTheirOrderAndAFailedRecordIsReadAgainBeforeItsPartitionIsCommitted() throws Exception {
        String topic = "kafka-batches-" + UUID.randomUUID();
        String group = topic + "-group";
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                new StringSerializer())) {
            for (int version = 1; version <= VERSIONS; version++) {
                for (int key = 0; key < KEYS; key++) {
                    producer.send(new ProducerRecord<>(topic, "k" + key, "k" + key + ":" + version));
                }
            }
        }

        String failing = "k7:3";
        AtomicBoolean failedOnce = new AtomicBoolean();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while lanes add
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Map<String, Long> committedAtReRead = new ConcurrentHashMap<>();
        camel = new DefaultCamelContext();
        camel.getPropertiesComponent().addInitialProperty("brokers", bootstrap);
        camel.getRegistry().bind("kafkaBatches", new KafkaBatches(camel, camel.createProducerTemplate(), 4));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + topic + "?brokers={{brokers}}&groupId=" + group + "&autoOffsetReset=earliest"
                        + "&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true&batching=true"
                        + "&maxPollRecords=60&batchingIntervalMs=100&pollTimeoutMs=100")
                        .bean("kafkaBatches", "process(${exchange}, 'direct:flow')");
                from("direct:flow").process(exchange -> {
                    String value = exchange.getMessage().getBody(String.class);
                    Thread.sleep(2); // each record waits a little, as a flow waits for its store and target
                    if (value.equals(failing)) {
                        if (failedOnce.compareAndSet(false, true)) {
                            seen.add(value + "!");
                            throw new IllegalStateException("store unreachable");
                        }
                        committedAtReRead.putAll(committed(group, topic));
                    }
                    threads.add(Thread.currentThread().getName());
                    seen.add(value);
                });
            }
        });
        camel.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> Set.copyOf(seen).size() >= KEYS * VERSIONS + 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committed(group, topic))
                .isEqualTo(endOffsets(topic)));

        List<String> all = List.copyOf(seen);
        // per key, a version is first seen only after the one before it was seen
        Map<String, List<Integer>> firstSeen = all.stream().filter(v -> !v.endsWith("!")).distinct()
                .collect(Collectors.groupingBy(v -> v.substring(0, v.indexOf(':')),
                        Collectors.mapping(v -> Integer.parseInt(v.substring(v.indexOf(':') + 1)), Collectors.toList())));
        assertThat(firstSeen).hasSize(KEYS);
        firstSeen.forEach((key, versions) -> assertThat(versions).as(key).containsExactly(1, 2, 3, 4, 5));
        // the failed record came again, after its failure; its key's later versions only after it
        assertThat(all).contains(failing + "!", failing);
        assertThat(all.indexOf(failing)).isGreaterThan(all.indexOf(failing + "!"));
        assertThat(all.indexOf("k7:4")).isGreaterThan(all.indexOf(failing));
        // read again from the committed offset: the failed record's own, everything before it in its partition done
        assertThat(committedAtReRead.get(partitionOf(topic, "k7").toString())).isEqualTo(offsetOf(topic, "k7", failing));
        // lanes: more than one thread ran the flow
        assertThat(threads).hasSizeGreaterThan(1);
    }

    static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** The group's committed offsets by partition (TopicPartition.toString()). */
    static Map<String, Long> committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().offset()));
        }
    }

    static Map<String, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().offset()));
        }
    }

    /** The partition of a key, as the default partitioner chose it (read back from the topic). */
    static TopicPartition partitionOf(String topic, String key) throws Exception {
        return locate(topic, key, null).keySet().iterator().next();
    }

    static long offsetOf(String topic, String key, String value) throws Exception {
        return locate(topic, key, value).values().iterator().next();
    }

    /** Reads the topic from the start: the partition and offset of the first record with this key (and value). */
    static Map<TopicPartition, Long> locate(String topic, String key, String value) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "locate-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().equals(key) && (value == null || record.value().equals(value))) {
                        return Map.of(new TopicPartition(record.topic(), record.partition()), record.offset());
                    }
                }
            }
        }
        throw new AssertionError("no record " + key + " " + value + " on " + topic);
    }
}
