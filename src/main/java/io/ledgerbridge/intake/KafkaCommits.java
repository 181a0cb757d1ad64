package io.ledgerbridge.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Commits a Kafka record's offset once its exchange is done and its outcome (posted, skipped or dead-lettered) is
 * committed to the store; a record whose exchange failed is not committed and is consumed again.
 */
@ApplicationScoped
@Named("kafkaCommits")
public class KafkaCommits {

    /** Registers the commit to run when the exchange completes (in the consumer's thread). */
    public void commitWhenDone(Exchange exchange) {
        KafkaManualCommit manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (manual == null) {
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                manual.commit();
            }
        });
    }
}
