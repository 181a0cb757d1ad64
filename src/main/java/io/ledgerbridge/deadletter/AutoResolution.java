package io.ledgerbridge.deadletter;

import io.ledgerbridge.erp.ErpGateway;
import io.ledgerbridge.store.BackgroundWorker;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.ReferencesArrived;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Dead letters that waited for something that has now happened are replayed by themselves (as actor
 * {@code auto-resolution}, audited like any replay, claimed like any replay so no two instances run one twice):
 * <ul>
 * <li>a missing cross-reference arrived: the REFERENCE dead letters that waited for it (one still missing another
 * reference stays open);</li>
 * <li>the ERP's circuit closed again after an outage: the TARGET_UNAVAILABLE and RATE_LIMITED dead letters written
 * since the circuit opened (the messages that ran out of retries while the ERP was down), unless
 * {@code ledgerbridge.dead-letters.replay-after-outage} is false.</li>
 * </ul>
 */
@ApplicationScoped
public class AutoResolution {

    /** The actor named in the replay history and the audit trail. */
    public static final String ACTOR = "auto-resolution";
    private static final Logger LOG = Logger.getLogger(AutoResolution.class);

    private final DeadLetters deadLetters;
    private final boolean replayAfterOutage;
    private final ExecutorService runner = BackgroundWorker.named("ledgerbridge-auto-resolution");

    AutoResolution(DeadLetters deadLetters, io.ledgerbridge.config.LedgerbridgeConfig config) {
        this.deadLetters = deadLetters;
        this.replayAfterOutage = config.deadLetters().replayAfterOutage();
    }

    void onArrival(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReferencesArrived arrived) {
        Set<String> tokens = new LinkedHashSet<>();
        arrived.entries().forEach(e -> tokens.add(CrossReferences.token(e.entityType(), e.sourceSystem(), e.sourceId())));
        runner.submit(() -> replayWaitingFor(tokens));
    }

    void onRecovery(@Observes ErpGateway.Recovered recovered) {
        if (!replayAfterOutage) {
            return;
        }
        LOG.infof("ERP connector %s answers again (circuit open since %s): replaying the dead letters of the outage",
                recovered.connector(), recovered.openedAt());
        runner.submit(() -> replayOutage(recovered));
    }

    private void replayOutage(ErpGateway.Recovered recovered) {
        List<Long> outage = QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>list(
                "status = ?1 and errorClass in ?2 and updatedAt >= ?3 order by id", DeadLetter.Status.OPEN,
                List.of(ErrorClass.TARGET_UNAVAILABLE, ErrorClass.RATE_LIMITED), recovered.openedAt())
                .stream().map(letter -> letter.id).toList());
        replay(outage);
    }

    private void replayWaitingFor(Set<String> tokens) {
        Set<Long> waiting = new LinkedHashSet<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (String token : tokens) {
                List<DeadLetter> letters = DeadLetter.list(
                        "status = ?1 and errorClass = ?2 and missingReferences like ?3 order by id",
                        DeadLetter.Status.OPEN, ErrorClass.REFERENCE, "%|" + token + "|%");
                letters.forEach(letter -> waiting.add(letter.id));
            }
        });
        replay(waiting);
    }

    private void replay(java.util.Collection<Long> ids) {
        for (Long id : ids) {
            try {
                DeadLetterReplay replay = deadLetters.replay(id, null, ACTOR);
                LOG.infof("dead letter %d replayed by itself: %s", id, replay.outcome);
            } catch (ProblemException refused) {
                LOG.infof("dead letter %d not replayed by itself: %s", id, refused.problem().detail());
            } catch (RuntimeException failed) {
                LOG.errorf(failed, "auto-resolution of dead letter %d failed", id);
            }
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }
}
