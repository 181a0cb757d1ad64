package io.ledgerbridge.deadletter;

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
 * When a missing cross-reference arrives, the REFERENCE dead letters that waited for it are replayed by themselves
 * (as actor {@code auto-resolution}, audited like any replay); one still missing another reference stays open.
 */
@ApplicationScoped
public class AutoResolution {

    /** The actor named in the replay history and the audit trail. */
    public static final String ACTOR = "auto-resolution";
    private static final Logger LOG = Logger.getLogger(AutoResolution.class);

    private final DeadLetters deadLetters;
    private final ExecutorService runner = BackgroundWorker.named("ledgerbridge-auto-resolution");

    AutoResolution(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    void onArrival(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReferencesArrived arrived) {
        Set<String> tokens = new LinkedHashSet<>();
        arrived.entries().forEach(e -> tokens.add(CrossReferences.token(e.entityType(), e.sourceSystem(), e.sourceId())));
        runner.submit(() -> replayWaitingFor(tokens));
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
        for (Long id : waiting) {
            try {
                DeadLetterReplay replay = deadLetters.replay(id, null, ACTOR);
                LOG.infof("dead letter %d replayed by itself after its reference arrived: %s", id, replay.outcome);
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
