package io.ledgerbridge.erp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.TargetRejected;
import io.ledgerbridge.flow.TargetUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Turns a vendor's HTTP answer into the flow's outcome: the target id, or a classified failure. */
@ApplicationScoped
@Named("erpResponses")
public class ErpResponses {

    /** How Xero (and ERPs like it) say that the document date falls into a locked period. */
    private static final java.util.regex.Pattern PERIOD_LOCKED = java.util.regex.Pattern.compile(
            "(?i)lock date|period (is )?(closed|locked)");

    private final ObjectMapper json;
    private final LedgerbridgeConfig config;

    ErpResponses(ObjectMapper json, LedgerbridgeConfig config) {
        this.json = json;
        this.config = config;
    }

    /**
     * Checks the answer of a create or update; on success sets {@link FlowHeaders#TARGET_ID} from the field named
     * {@code idField} of the answer, or at that JSON pointer when it starts with {@code /} (an update keeps the id
     * it updated). A rejection because the ERP period is locked is PERIOD_CLOSED: held for an operator.
     */
    public void check(Exchange exchange, String system, String idField) throws IOException {
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = in.getBody(String.class);
        if (status >= 200 && status < 300) {
            if (idField != null && !idField.isBlank() && body != null && !body.isBlank()) {
                JsonNode answer = json.readTree(body);
                JsonNode id = idField.startsWith("/") ? answer.at(idField) : answer.get(idField);
                if (id != null && !id.isNull() && !id.isMissingNode()) {
                    in.setHeader(FlowHeaders.TARGET_ID, id.asText());
                }
            }
            if (idField != null && !idField.isBlank() && in.getHeader(FlowHeaders.TARGET_ID) == null) {
                throw new FlowFailure(ErrorClass.INTERNAL, system + " answered " + status + " without " + idField);
            }
            return;
        }
        String excerpt = odataMessage(body);
        if (excerpt == null) {
            excerpt = body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "…" : body;
        }
        if (status == 429) {
            long delay = retryAfterMillis(in.getHeader("Retry-After", String.class));
            if (delay > config.retry().maximumRetryAfter()) {
                // waiting that long would hold the consumer: dead-letter now, an operator replays it later
                throw new FlowFailure(ErrorClass.RATE_LIMITED, system + " answered 429 asking to wait " + delay
                        + " ms, more than ledgerbridge.retry.maximum-retry-after");
            }
            in.setHeader(Exchange.REDELIVERY_DELAY, delay);
            throw new TargetUnavailable(ErrorClass.RATE_LIMITED,
                    system + " answered 429 (rate limited); retrying after " + delay + " ms");
        }
        in.removeHeader(Exchange.REDELIVERY_DELAY);
        if (status == 412) {
            // the record changed since its ETag was read (If-Match): the retry reads it again
            throw new TargetUnavailable(ErrorClass.TARGET_UNAVAILABLE, system
                    + " answered 412: the record changed since it was read; retrying with its new version");
        }
        if (status >= 500 || status == 408) {
            throw new TargetUnavailable(ErrorClass.TARGET_UNAVAILABLE, system + " answered " + status + ": " + excerpt);
        }
        if (PERIOD_LOCKED.matcher(excerpt).find()) {
            throw new TargetRejected(ErrorClass.PERIOD_CLOSED, system + " refuses postings into a closed period ("
                    + status + "): " + excerpt + "; reopen the period or replay with a date in an open one");
        }
        throw new TargetRejected(system + " rejected the request with " + status + ": " + excerpt);
    }

    /**
     * Sets {@link FlowHeaders#TARGET_ID} from the JSON body at a pointer: the id a system answers from the document
     * itself (the file outbox knows a person by their email). A body without it is INTERNAL.
     */
    public void idFrom(Exchange exchange, String system, String pointer) throws IOException {
        JsonNode id = json.readTree(exchange.getMessage().getBody(String.class)).at(pointer);
        if (!id.isValueNode() || id.asText().isBlank()) {
            throw new FlowFailure(ErrorClass.INTERNAL, system + ": the document has no " + pointer);
        }
        exchange.getMessage().setHeader(FlowHeaders.TARGET_ID, id.asText());
    }

    /**
     * The message of an OData error answer ({@code {"error": {"code": ..., "message": ...}}}, as Business Central
     * answers), or null for any other body.
     */
    private String odataMessage(String body) {
        if (body == null || !body.strip().startsWith("{\"error\"")) {
            return null;
        }
        try {
            JsonNode error = json.readTree(body).path("error");
            return error.path("message").isTextual()
                    ? error.path("code").asText("") + ": " + error.path("message").asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Retry-After as seconds or an HTTP date; without one, the configured first backoff delay. */
    long retryAfterMillis(String retryAfter) {
        long fallback = config.retry().initialDelay();
        if (retryAfter == null || retryAfter.isBlank()) {
            return fallback;
        }
        long millis;
        try {
            millis = Long.parseLong(retryAfter.trim()) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                millis = Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis();
            } catch (DateTimeParseException unreadable) {
                millis = fallback;
            }
        }
        return Math.max(0, millis);
    }
}
