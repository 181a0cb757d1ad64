package io.ledgerbridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inbox found empty is asked again at once for what this instance accepts, and after the idle poll interval (5 s)
 * for what it did not (a message another instance accepted and left). The flow here is the test's own (a route that
 * takes what it is sent): no timer drains its inbox but the test.
 */
@QuarkusTest
class InboxIdleTest {

    @Inject
    Inbox inbox;

    @Inject
    CamelContext camel;

    private final String flow = "inbox-idle-test-" + UUID.randomUUID();

    @BeforeEach
    void addTheFlow() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + flow).routeId(flow).setBody(constant("taken"));
            }
        });
    }

    @AfterEach
    void removeTheFlowAndItsMessages() throws Exception {
        camel.getRouteController().stopRoute(flow);
        camel.removeRoute(flow);
        QuarkusTransaction.requiringNew().run(() -> InboxMessage.delete("flow", flow));
    }

    @Test
    void anEmptyInboxIsAskedAgainAtOnceForWhatThisInstanceAcceptsAndLaterForWhatItDidNot() {
        assertThat(inbox.drain(flow)).isZero();

        // accepted by another instance (not through this one's store): waits for the idle poll interval
        long elsewhere = System.nanoTime();
        QuarkusTransaction.requiringNew().run(() -> {
            InboxMessage message = new InboxMessage();
            message.flow = flow;
            message.sourceSystem = "harvest";
            message.payload = "{}";
            message.status = InboxMessage.PENDING;
            message.createdAt = StoreTime.now();
            message.persist();
        });
        assertThat(inbox.drain(flow)).isZero();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> inbox.drain(flow) == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - elsewhere)).isGreaterThan(Duration.ofSeconds(3));

        // found empty again, then accepted here: the next drain takes it
        assertThat(inbox.drain(flow)).isZero();
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(FlowHeaders.FLOW, flow);
        assertThat(inbox.store(List.of("{}"), exchange)).hasSize(1);
        assertThat(inbox.drain(flow)).isEqualTo(1);
    }
}
