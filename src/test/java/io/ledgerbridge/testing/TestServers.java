package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** The real servers every Quarkus test suite runs against: PostgreSQL, Kafka, and the vendors' contract stubs. */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VendorStubs.class, restrictToAnnotatedClass = false)
public final class TestServers {

    private TestServers() {
    }
}
