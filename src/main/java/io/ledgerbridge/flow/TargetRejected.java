package io.ledgerbridge.flow;

/** The target refused the message (4xx): sending it again unchanged cannot succeed. */
public class TargetRejected extends FlowFailure {

    public TargetRejected(String message) {
        super(ErrorClass.TARGET_REJECTED, message);
    }

    /** A rejection of a more specific class (PERIOD_CLOSED); still says nothing about the target's health. */
    public TargetRejected(ErrorClass errorClass, String message) {
        super(errorClass, message);
    }
}
