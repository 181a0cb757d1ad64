package io.ledgerbridge.deadletter;

import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.deadletter.DeadLetterReplay.Outcome;
import io.ledgerbridge.erp.ErpGateway;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreSql;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Operators' work on dead letters: finding them, replaying them (as they were or edited), resolving them. */
@ApplicationScoped
public class DeadLetters {

    /** One page of dead letters. */
    public record Page(List<DeadLetter> items, int page, int size, long total) {
    }

    private final ProducerTemplate producer;
    private final ErpGateway erp;
    private final Audit audit;
    private final Instances instances;

    DeadLetters(ProducerTemplate producer, ErpGateway erp, Audit audit, Instances instances) {
        this.producer = producer;
        this.erp = erp;
        this.audit = audit;
        this.instances = instances;
    }

    public Page find(DeadLetterFilter filter, int page, int size) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = filter.where(params);
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = DeadLetter.<DeadLetter>find(where + " order by id desc", params).page(page, size);
            return new Page(query.list(), page, size, query.count());
        });
    }

    /** Ids of all dead letters the filter selects, oldest first (what a bulk replay works through). */
    public List<Long> ids(DeadLetterFilter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = filter.where(params);
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>find(where + " order by id", params)
                .project(IdOnly.class).list().stream().map(IdOnly::id).toList());
    }

    /** Projection of a dead letter to its id. */
    public record IdOnly(Long id) {
    }

    public DeadLetter get(long id) {
        DeadLetter letter = QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>findById(id));
        if (letter == null) {
            throw Problem.notFound("dead letter", id);
        }
        return letter;
    }

    public List<DeadLetterReplay> replays(long id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetterReplay.of(id));
    }

    /**
     * Replays one dead letter through its flow, from the start and through the same idempotency check, with the
     * original payload or an operator's edited copy (kept beside the original). Only an OPEN dead letter is
     * replayed, by one caller at a time; while the ERP's circuit is open the replay is refused.
     */
    public DeadLetterReplay replay(long id, String editedPayload) {
        return replay(id, editedPayload, audit.actor());
    }

    /** {@link #replay(long, String)} on behalf of a named actor (a bulk job, auto-resolution). */
    public DeadLetterReplay replay(long id, String editedPayload, String actor) {
        return replay(id, editedPayload, actor, (outcome, detail) -> {
        });
    }

    /**
     * {@link #replay(long, String, String)} with what the caller records of the outcome ({@code alongside}: a bulk
     * job's item) written in the transaction that ends the replay, with its audit entry: the dead letter's status,
     * the replay's outcome, the audit trail and the caller's record of it commit together or not at all.
     */
    public DeadLetterReplay replay(long id, String editedPayload, String actor, BiConsumer<Outcome, String> alongside) {
        String target = "dead-letter/" + id;
        Instant now = StoreTime.now();
        // claim the dead letter and open its replay in one transaction
        Claimed claimed = QuarkusTransaction.requiringNew().call(() -> {
            if (StoreSql.update("update dead_letter set status = ?, updated_at = ? where id = ? and status = ?",
                    DeadLetter.Status.REPLAYING, now, id, DeadLetter.Status.OPEN) == 0) {
                return null;
            }
            return new Claimed(DeadLetter.<DeadLetter>findById(id),
                    startReplay(id, editedPayload != null, actor, now, instances.id()));
        });
        if (claimed == null) {
            DeadLetter current = get(id);
            audit.record(actor, "replay", target, "refused: dead letter is " + current.status, "REFUSED");
            throw new ProblemException(Problem.of(409, "not-replayable", "Dead letter not replayable",
                    "dead letter " + id + " is " + current.status + "; only an OPEN dead letter is replayed"
                            + (current.status == DeadLetter.Status.REPLAYING ? " (another replay is running)" : "")));
        }
        DeadLetter letter = claimed.letter();
        DeadLetterReplay replay = claimed.replay();
        if (erp.circuitOpen()) {
            finish(replay, Outcome.REFUSED, "the ERP's circuit is open; replay when the ERP answers again");
            QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("status = ?1 where id = ?2",
                    DeadLetter.Status.OPEN, id));
            audit.record(actor, "replay", target, "refused: ERP circuit open", "REFUSED");
            throw new ProblemException(Problem.of(503, "circuit-open", "ERP unavailable",
                    "the ERP's circuit breaker is open, so nothing is sent to it now; replay dead letter " + id
                            + " once the ERP answers again"));
        }
        if (editedPayload != null) {
            QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("editedPayload = ?1 where id = ?2",
                    editedPayload, id));
        }
        String payload = editedPayload != null ? editedPayload : letter.payload;
        Exchange result = producer.send("direct:" + letter.flow, exchange -> {
            exchange.getMessage().setHeader(FlowHeaders.REPLAY_OF, id);
            exchange.getMessage().setHeader(FlowHeaders.CORRELATION_ID, letter.correlationId);
            exchange.getMessage().setBody(payload);
        });
        String audited = editedPayload != null ? "edited payload; " : "";
        return QuarkusTransaction.requiringNew().call(() -> {
            DeadLetterReplay finished = conclude(letter, replay, result);
            audit.recordInTransaction(actor, "replay", target, audited + finished.detail, finished.outcome.name());
            alongside.accept(finished.outcome, finished.detail);
            return finished;
        });
    }

    /** Ends the replay as its flow's exchange ended, in the caller's transaction. */
    private DeadLetterReplay conclude(DeadLetter letter, DeadLetterReplay replay, Exchange result) {
        Long id = letter.id;
        if (result.isFailed() || result.getMessage().getHeader(FlowHeaders.DEAD_LETTER_ID) != null) {
            String why;
            if (result.getException() != null) {
                why = result.getException().getMessage();
            } else {
                DeadLetter current = DeadLetter.findById(id);
                why = current.errorClass + ": " + current.errorMessage;
            }
            StoreSql.update("update dead_letter set status = ? where id = ? and status = ?", DeadLetter.Status.OPEN,
                    id, DeadLetter.Status.REPLAYING);
            return finish(replay, Outcome.FAILED, "failed again: " + why);
        }
        String action = result.getMessage().getHeader(FlowHeaders.SYNC_ACTION, String.class);
        Outcome outcome = "SKIP".equals(action) ? Outcome.ALREADY_POSTED : Outcome.POSTED;
        String detail = outcome == Outcome.ALREADY_POSTED
                ? "nothing sent: " + result.getMessage().getHeader(FlowHeaders.SKIP_REASON, String.class)
                : "posted as " + result.getMessage().getHeader(FlowHeaders.TARGET_ID, String.class);
        StoreSql.update("update dead_letter set status = ?, updated_at = ? where id = ?", DeadLetter.Status.REPLAYED,
                StoreTime.now(), id);
        return finish(replay, outcome, detail);
    }

    /**
     * Ends the replays an instance that stopped beating left RUNNING and opens their dead letters again (whether its
     * flow got as far as the ERP is unknown: a new replay finds out, through the same claim and idempotency key).
     * Returns how many dead letters were reopened.
     */
    public int reopenAbandoned() {
        List<Object[]> running = QuarkusTransaction.requiringNew().call(() -> DeadLetterReplay.getEntityManager()
                .createQuery("select r.id, r.deadLetterId, r.instanceId from DeadLetterReplay r where r.outcome = :running"
                        + " and r.instanceId is not null and r.instanceId <> :self", Object[].class)
                .setParameter("running", Outcome.RUNNING).setParameter("self", instances.id()).getResultList());
        Map<String, Boolean> alive = new LinkedHashMap<>();
        int reopened = 0;
        for (Object[] row : running) {
            Long replayId = (Long) row[0];
            Long letterId = (Long) row[1];
            String instance = (String) row[2];
            if (alive.computeIfAbsent(instance, instances::alive)) {
                continue;
            }
            String detail = "instance " + instance + " stopped during the replay; the dead letter is open again";
            boolean ended = QuarkusTransaction.requiringNew().call(() -> {
                if (DeadLetterReplay.update("outcome = ?1, detail = ?2, finishedAt = ?3 where id = ?4 and outcome = ?5",
                        Outcome.FAILED, detail, StoreTime.now(), replayId, Outcome.RUNNING) == 0) {
                    return false;
                }
                DeadLetter.update("status = ?1, updatedAt = ?2 where id = ?3 and status = ?4", DeadLetter.Status.OPEN,
                        StoreTime.now(), letterId, DeadLetter.Status.REPLAYING);
                return true;
            });
            if (ended) {
                reopened++;
                audit.record("instance/" + instances.id(), "replay-takeover", "dead-letter/" + letterId, detail, "OPEN");
            }
        }
        return reopened;
    }

    /** Closes a dead letter without replaying it: RESOLVED (fixed elsewhere) or DISCARDED (not to be sent). */
    public DeadLetter close(long id, DeadLetter.Status status, String reason) {
        get(id);
        String action = status == DeadLetter.Status.RESOLVED ? "resolve" : "discard";
        int updated = QuarkusTransaction.requiringNew().call(() -> DeadLetter.update(
                "status = ?1, resolution = ?2, updatedAt = ?3 where id = ?4 and status = ?5",
                status, audit.actor() + ": " + reason, StoreTime.now(), id, DeadLetter.Status.OPEN));
        if (updated == 0) {
            DeadLetter current = get(id);
            audit.record(action, "dead-letter/" + id, "refused: dead letter is " + current.status, "REFUSED");
            throw new ProblemException(Problem.of(409, "not-open", "Dead letter not open",
                    "dead letter " + id + " is " + current.status + "; only an OPEN dead letter is " + status.name().toLowerCase()));
        }
        audit.record(action, "dead-letter/" + id, reason, status.name());
        return get(id);
    }

    /** The claimed dead letter and its replay, opened together. */
    private record Claimed(DeadLetter letter, DeadLetterReplay replay) {
    }

    /** Opens a replay in the caller's transaction. */
    private static DeadLetterReplay startReplay(long id, boolean edited, String actor, Instant at, String instance) {
        DeadLetterReplay replay = new DeadLetterReplay();
        replay.instanceId = instance;
        replay.deadLetterId = id;
        replay.requestedBy = actor;
        replay.requestedAt = at;
        replay.edited = edited;
        replay.outcome = Outcome.RUNNING;
        replay.persist();
        return replay;
    }

    private static DeadLetterReplay finish(DeadLetterReplay replay, Outcome outcome, String detail) {
        Instant finished = StoreTime.now();
        String shortDetail = detail != null && detail.length() > 4000 ? detail.substring(0, 3999) + "…" : detail;
        QuarkusTransaction.joiningExisting().run(() -> StoreSql.update("update dead_letter_replay set outcome = ?, "
                + "detail = ?, finished_at = ? where id = ?", outcome, shortDetail, finished, replay.id));
        replay.outcome = outcome;
        replay.detail = shortDetail;
        replay.finishedAt = finished;
        return replay;
    }

}
