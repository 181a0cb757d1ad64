package io.ledgerbridge.flow;

import java.util.UUID;

import org.apache.camel.Message;

import io.ledgerbridge.observe.TraceAttributes;
import io.ledgerbridge.store.StoreTime;

/**
 * Names the record an exchange carries: source system, id, version (a timestamp as its instant in UTC, one from the
 * future refused: {@link SourceVersions}) and business key, and a correlation id when the message came without one. The same names go onto the trace (see {@link TraceAttributes}).
 */
public final class FlowIdentity {

    private FlowIdentity() {
    }

    public static void identify(Message in, String system, String id, String version, String businessKey) {
        in.setHeader(FlowHeaders.SOURCE_SYSTEM, system);
        in.setHeader(FlowHeaders.SOURCE_ID, id);
        if (version != null) {
            SourceVersions.refuseFuture(version, StoreTime.now());
            in.setHeader(FlowHeaders.SOURCE_VERSION, SourceVersions.normalize(version));
        }
        in.setHeader(FlowHeaders.BUSINESS_KEY, businessKey);
        if (in.getHeader(FlowHeaders.CORRELATION_ID) == null) {
            in.setHeader(FlowHeaders.CORRELATION_ID, UUID.randomUUID().toString());
        }
        TraceAttributes.tagCurrentSpan(in);
    }
}
