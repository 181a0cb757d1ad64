package io.ledgerbridge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * JSON read by the service (webhooks, Kafka records, admin API bodies, vendor answers) is read strictly: an object
 * naming a field twice is refused, not read as its last value (which of two amounts or ids was meant cannot be
 * known), a document followed by anything but white space is refused, and nesting is limited far below what a stack would take. Every document of the canonical model, the
 * vendors' contracts and the admin API is less than 16 levels deep.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** Deepest nesting of objects and arrays a document may have. */
    public static final int MAX_NESTING = 64;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // "{...} garbage" is not a document followed by noise to ignore: it is not JSON
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    }
}
