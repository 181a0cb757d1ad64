package io.ledgerbridge.flow;

/** The target refused the message (4xx): sending it again unchanged cannot succeed. */
public class TargetRejected extends FlowFailure {

    public TargetRejected(String message) {
        super(ErrorClass.TARGET_REJECTED, message);
    }
}
