package io.ledgerbridge.flow;

/** The target could not take the message now (5xx, timeout, 429): the error policy retries it with backoff. */
public class TargetUnavailable extends FlowFailure {

    public TargetUnavailable(ErrorClass errorClass, String message) {
        super(errorClass, message);
    }
}
