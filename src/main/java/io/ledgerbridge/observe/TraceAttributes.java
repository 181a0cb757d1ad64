package io.ledgerbridge.observe;

import org.apache.camel.Message;

import io.ledgerbridge.flow.FlowHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Business names on the traces: the span a flow is in when it learns which record it carries gets the business key,
 * correlation id and flow as attributes, and every span started under it inherits them, so a trace backend finds all
 * spans of a record (its connector calls, its dead letter) by business key or correlation id.
 * <p>
 * Camel's spans come from camel-opentelemetry2; Quarkus registers this processor with the SDK (a CDI bean). With the
 * SDK disabled (the default: {@code quarkus.otel.sdk.disabled=true}) nothing is recorded and the current span is the
 * no-op span.
 */
@ApplicationScoped
public class TraceAttributes implements SpanProcessor {

    public static final AttributeKey<String> BUSINESS_KEY = AttributeKey.stringKey("ledgerbridge.business_key");
    public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("ledgerbridge.correlation_id");
    public static final AttributeKey<String> FLOW = AttributeKey.stringKey("ledgerbridge.flow");
    public static final AttributeKey<String> DEAD_LETTER_ID = AttributeKey.stringKey("ledgerbridge.dead_letter_id");

    private static final java.util.List<AttributeKey<String>> INHERITED = java.util.List.of(BUSINESS_KEY,
            CORRELATION_ID, FLOW);

    /** Puts the message's business key, correlation id and flow on the current span. */
    public static void tagCurrentSpan(Message in) {
        Span span = Span.current();
        if (!span.getSpanContext().isValid()) {
            return;
        }
        set(span, BUSINESS_KEY, in.getHeader(FlowHeaders.BUSINESS_KEY, String.class));
        set(span, CORRELATION_ID, in.getHeader(FlowHeaders.CORRELATION_ID, String.class));
        set(span, FLOW, in.getHeader(FlowHeaders.FLOW, String.class));
    }

    /** Marks the current span with the dead letter a failure was kept as. */
    public static void tagDeadLetter(long deadLetterId) {
        Span span = Span.current();
        if (span.getSpanContext().isValid()) {
            span.setAttribute(DEAD_LETTER_ID, Long.toString(deadLetterId));
        }
    }

    private static void set(Span span, AttributeKey<String> key, String value) {
        if (value != null && !value.isBlank()) {
            span.setAttribute(key, value);
        }
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        if (Span.fromContext(parentContext) instanceof ReadableSpan parent) {
            for (AttributeKey<String> key : INHERITED) {
                String value = parent.getAttribute(key);
                if (value != null && span.getAttribute(key) == null) {
                    span.setAttribute(key, value);
                }
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
