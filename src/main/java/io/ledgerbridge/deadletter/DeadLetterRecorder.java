package io.ledgerbridge.deadletter;

import io.ledgerbridge.store.StoreTime;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.observe.TraceAttributes;
import io.ledgerbridge.ownership.Ownership;
import io.ledgerbridge.privacy.PersonalData;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.sync.SyncRecords;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.MessageHistory;
import org.jboss.logging.Logger;

/** The end of the shared dead-letter channel: classifies the failure and stores the dead letter. */
@ApplicationScoped
@Named("deadLetters")
public class DeadLetterRecorder {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);

    /** Headers worth keeping for an operator; everything else (credentials included) is dropped. */
    private static final Set<String> KEPT_HEADERS = Set.of(
            FlowHeaders.FLOW, FlowHeaders.SOURCE_SYSTEM, FlowHeaders.SOURCE_ID, FlowHeaders.SOURCE_VERSION,
            FlowHeaders.BUSINESS_KEY, FlowHeaders.CORRELATION_ID, FlowHeaders.INBOX_ID, FlowHeaders.SYNC_ACTION,
            FlowHeaders.IDEMPOTENCY_KEY, FlowHeaders.ERP_PROJECT_ID, FlowHeaders.TARGET_ID,
            "kafka.TOPIC", "kafka.PARTITION", "kafka.OFFSET", "kafka.KEY", Exchange.HTTP_RESPONSE_CODE);

    private final ObjectMapper json;
    private final SyncRecords syncRecords;
    private final PersonalData personalData;
    private final Ownership ownership;

    DeadLetterRecorder(ObjectMapper json, SyncRecords syncRecords, PersonalData personalData, Ownership ownership) {
        this.json = json;
        this.ownership = ownership;
        this.syncRecords = syncRecords;
        this.personalData = personalData;
    }

    /** Stores the exchange's failure as an OPEN dead letter and releases its sync-record claim. */
    public DeadLetter record(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ErrorClass errorClass = FlowFailure.classify(failure);
        Instant now = StoreTime.now();

        DeadLetter failed = new DeadLetter();
        failed.flow = exchange.getMessage().getHeader(FlowHeaders.FLOW, exchange.getFromRouteId(), String.class);
        failed.step = failedStep(exchange);
        failed.businessKey = exchange.getMessage().getHeader(FlowHeaders.BUSINESS_KEY, String.class);
        failed.sourceSystem = exchange.getMessage().getHeader(FlowHeaders.SOURCE_SYSTEM, String.class);
        failed.sourceId = exchange.getMessage().getHeader(FlowHeaders.SOURCE_ID, String.class);
        failed.sourceVersion = exchange.getMessage().getHeader(FlowHeaders.SOURCE_VERSION, String.class);
        failed.errorClass = errorClass;
        failed.errorMessage = truncate(failure == null ? "unknown failure" : describe(failure), 4000);
        failed.attempts = 1 + exchange.getProperty(RedeliveryCounter.REDELIVERIES, 0, Integer.class);
        failed.payload = originalPayload(exchange);
        failed.missingReferences = missingReferences(failure);
        failed.headers = keptHeaders(exchange);
        failed.status = DeadLetter.Status.OPEN;
        failed.correlationId = exchange.getMessage().getHeader(FlowHeaders.CORRELATION_ID, String.class);
        failed.createdAt = now;
        failed.updatedAt = now;
        fitToStore(failed);
        Long replayOf = exchange.getMessage().getHeader(FlowHeaders.REPLAY_OF, Long.class);
        Long claimed = exchange.getMessage().getHeader(FlowHeaders.SYNC_RECORD_ID, Long.class);
        // the dead letter and the released claim commit together: nobody sees one without the other
        DeadLetter letter = QuarkusTransaction.requiringNew().call(() -> {
            syncRecords.fail(claimed);
            Long same = replayOf != null ? replayOf : openTwin(failed);
            if (same != null) {
                // a replay, or a redelivery of a message already waiting here: the same dead letter, open again
                return reopen(same, errorClass, failed, now);
            }
            ownership.own(failed, exchange.getMessage().getHeader(FlowHeaders.ERP_PROJECT_ID, String.class));
            failed.persist();
            return failed;
        });
        org.jboss.logging.MDC.put("correlationId", String.valueOf(letter.correlationId));
        org.jboss.logging.MDC.put("businessKey", String.valueOf(letter.businessKey));
        org.jboss.logging.MDC.put("flow", String.valueOf(letter.flow));
        try {
            LOG.warnf("dead letter %d: flow=%s step=%s key=%s class=%s attempts=%d: %s", letter.id, letter.flow,
                    letter.step, letter.businessKey, errorClass, letter.attempts,
                    personalData.maskText(letter.errorMessage));
        } finally {
            org.jboss.logging.MDC.remove("correlationId");
            org.jboss.logging.MDC.remove("businessKey");
            org.jboss.logging.MDC.remove("flow");
        }
        exchange.getMessage().setHeader(FlowHeaders.DEAD_LETTER_ID, letter.id);
        TraceAttributes.tagCurrentSpan(exchange.getMessage());
        TraceAttributes.tagDeadLetter(letter.id);
        return letter;
    }

    /**
     * Whatever a hostile message carried, its dead letter can be stored: NUL characters (which PostgreSQL refuses in
     * text) are kept as the six characters of their JSON escape, and each field is cut to its column (a payload over 1,000,000
     * characters keeps its first 1,000,000 and says so). A message whose dead letter could not be written would be
     * delivered again and again, holding up its whole partition.
     */
    static void fitToStore(DeadLetter letter) {
        letter.flow = fit(letter.flow, 64);
        letter.step = fit(letter.step, 128);
        letter.businessKey = fit(letter.businessKey, 200);
        letter.sourceSystem = fit(letter.sourceSystem, 32);
        letter.sourceId = fit(letter.sourceId, 128);
        letter.sourceVersion = fit(letter.sourceVersion, 64);
        letter.headers = fit(letter.headers, 8000);
        letter.correlationId = fit(letter.correlationId, 64);
        letter.missingReferences = fit(letter.missingReferences, 2000);
        String payload = fit(letter.payload, Integer.MAX_VALUE);
        if (payload != null && payload.length() > PAYLOAD_LIMIT) {
            letter.errorMessage = fit("[payload of " + payload.length() + " characters, only its first " + PAYLOAD_LIMIT
                    + " kept] " + letter.errorMessage, 4000);
            payload = payload.substring(0, PAYLOAD_LIMIT);
        }
        letter.payload = payload == null ? "" : payload;
        letter.errorMessage = fit(letter.errorMessage, 4000);
    }

    private static final int PAYLOAD_LIMIT = 1_000_000;

    private static String fit(String text, int length) {
        if (text == null) {
            return null;
        }
        String kept = text.indexOf('\u0000') >= 0 ? text.replace("\u0000", "\\u0000") : text;
        return kept.length() > length ? kept.substring(0, length) : kept;
    }

    /**
     * An open dead letter of the same message: same version of the same record, same error class and the same
     * payload. A different message under the same key and version (a sender's mistake, or a hostile one) gets a
     * dead letter of its own, so that its payload is kept.
     */
    private static Long openTwin(DeadLetter failed) {
        if (failed.businessKey == null || failed.sourceVersion == null) {
            return null;
        }
        return DeadLetter.<DeadLetter>find("flow = ?1 and businessKey = ?2 and sourceVersion = ?3 and errorClass = ?4 "
                + "and status = ?5 order by id", failed.flow, failed.businessKey, failed.sourceVersion,
                failed.errorClass, DeadLetter.Status.OPEN).stream()
                .filter(letter -> letter.payload.equals(failed.payload)).map(d -> d.id).findFirst().orElse(null);
    }

    private static DeadLetter reopen(Long id, ErrorClass errorClass, DeadLetter failed, Instant now) {
        DeadLetter letter = DeadLetter.findById(id);
        letter.errorClass = errorClass;
        letter.errorMessage = failed.errorMessage;
        letter.step = failed.step;
        letter.missingReferences = failed.missingReferences;
        letter.attempts = letter.attempts + failed.attempts;
        letter.status = DeadLetter.Status.OPEN;
        letter.updatedAt = now;
        letter.publishedAt = null;
        return letter;
    }

    private static String missingReferences(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReferenceMissing missing) {
                return missing.tokens();
            }
        }
        return null;
    }

    private static String originalPayload(Exchange exchange) {
        String original = exchange.getProperty(FlowHeaders.ORIGINAL_PAYLOAD, String.class);
        return original != null ? original : exchange.getMessage().getBody(String.class);
    }

    private String keptHeaders(Exchange exchange) {
        Map<String, Object> kept = new TreeMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (KEPT_HEADERS.contains(name) && value != null) {
                kept.put(name, value instanceof Number || value instanceof Boolean ? value : value.toString());
            }
        });
        try {
            return json.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    /**
     * Id of the last step of the flow's own route the exchange went through before the error handler took it (a
     * failure inside a shared connector route is named by the flow step that called it, e.g.
     * {@code deal-erp-create-project}, not by the connector's inner step; the flow's own first steps, route
     * {@code <flow>-source} of routes/intake.camel.yaml, are named as they are), else the last step of any route.
     */
    @SuppressWarnings("unchecked")
    private static String failedStep(Exchange exchange) {
        List<MessageHistory> history = exchange.getProperty(Exchange.MESSAGE_HISTORY, List.class);
        String flow = exchange.getMessage().getHeader(FlowHeaders.FLOW, String.class);
        if (history != null && flow != null) {
            for (int i = history.size() - 1; i >= 0; i--) {
                MessageHistory step = history.get(i);
                if ((flow.equals(step.getRouteId()) || (flow + "-source").equals(step.getRouteId()))
                        && step.getNode() != null && step.getNode().getId() != null
                        && !isErrorPolicyStep(step)) {
                    return step.getNode().getId();
                }
            }
        }
        if (history != null) {
            for (int i = history.size() - 1; i >= 0; i--) {
                MessageHistory step = history.get(i);
                if (step.getNode() != null && step.getNode().getId() != null
                        && !"dead-letter".equals(step.getRouteId())
                        && !isErrorPolicyStep(step)) {
                    return step.getNode().getId();
                }
            }
        }
        return exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
    }

    private static boolean isErrorPolicyStep(MessageHistory step) {
        String id = step.getNode().getId();
        return id.startsWith("error-policy");
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
