package io.ledgerbridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jsonata.JsonataComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compiled mappings give what Camel's own jsonata endpoint gives, for many different messages evaluated by many
 * threads at once (a compiled expression keeps state while it evaluates), and a cleared content cache makes the next
 * message read the edited mapping file.
 */
class CompiledJsonataTest {

    static final String MAPPING = "file:mappings/harvest/time-entry-to-canonical.jsonata";
    static final String OPTIONS = "?inputType=JsonString&outputType=JsonString";

    CamelContext camel;
    ProducerTemplate producer;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.addComponent("jsonata", new CompiledJsonataComponent());
        camel.addComponent("camel-jsonata", new JsonataComponent());
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void manyThreadsGetWhatCamelsEndpointGivesForTheirOwnMessage() throws Exception {
        assertThat(camel.getEndpoint("jsonata:" + MAPPING + OPTIONS)).isInstanceOf(CompiledJsonataEndpoint.class);
        String example = Files.readString(Path.of("mappings/examples/harvest-time-entry.json"));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> mismatches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Callable<List<String>> work = () -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 250; i++) {
                        String entry = example.replace("636709355", String.valueOf(1_000_000 * thread + i))
                                .replace("1.5,", (i % 24) + "." + (i % 100) + ",")
                                .replace("Sprint planning", "note " + thread + "/" + i + " \u00e9\u4e2d");
                        String ours = producer.requestBody("jsonata:" + MAPPING + OPTIONS, entry, String.class);
                        String camels = producer.requestBody("camel-jsonata:" + MAPPING + OPTIONS, entry, String.class);
                        if (!ours.equals(camels)) {
                            wrong.add(ours + " <> " + camels);
                        }
                    }
                    return wrong;
                };
                mismatches.add(threads.submit(work));
            }
            for (Future<List<String>> thread : mismatches) {
                assertThat(thread.get()).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A compiled mapping evaluated many times stays as it was: jsonata 0.9.9 given a new frame for each evaluation of
     * a reused expression chained the frames, every evaluation slower than the one before (1 ms a call after 2,000,
     * 29 ms after 20,000) until a StackOverflowError; on a thread of a small stack 5,000 evaluations overflowed.
     */
    @Test
    void aCompiledMappingEvaluatedThousandsOfTimesNeitherSlowsNorOverflows() throws Exception {
        String example = Files.readString(
                Path.of("mappings/examples/mappings/harvest/time-entry-to-canonical.in.json"));
        String expected = producer.requestBody("camel-jsonata:" + MAPPING + OPTIONS, example, String.class);
        List<Throwable> failed = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        Thread small = new Thread(null, () -> {
            try {
                for (int i = 0; i < 5_000; i++) {
                    String ours = producer.requestBody("jsonata:" + MAPPING + OPTIONS, example, String.class);
                    if (!ours.equals(expected)) {
                        wrong.add(ours);
                    }
                }
            } catch (Throwable t) {
                failed.add(t);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(Duration.ofMinutes(2).toMillis());
        assertThat(small.isAlive()).as("5,000 evaluations within 2 minutes").isFalse();
        assertThat(failed).isEmpty();
        assertThat(wrong).isEmpty();
    }

    @Test
    void anEditedMappingIsReadAgainOnceTheContentCacheIsCleared() throws Exception {
        Path mapping = Files.createTempFile("mapping", ".jsonata");
        Files.writeString(mapping, "{\"hours\": hours}");
        String uri = "jsonata:file:" + mapping + OPTIONS;
        assertThat(producer.requestBody(uri, "{\"hours\": 2}", String.class)).isEqualTo("{\"hours\":2}");

        Files.writeString(mapping, "{\"minutes\": hours * 60}");
        assertThat(producer.requestBody(uri, "{\"hours\": 2}", String.class)).isEqualTo("{\"hours\":2}");
        ((CompiledJsonataEndpoint) camel.getEndpoint(uri)).clearContentCache();
        assertThat(producer.requestBody(uri, "{\"hours\": 2}", String.class)).isEqualTo("{\"minutes\":120}");
        Files.delete(mapping);
    }
}
