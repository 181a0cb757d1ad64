package io.ledgerbridge.flow;

/** A classified failure of a flow step; the dead-letter channel records its {@link ErrorClass}. */
public class FlowFailure extends RuntimeException {

    private final ErrorClass errorClass;

    public FlowFailure(ErrorClass errorClass, String message) {
        super(message);
        this.errorClass = errorClass;
    }

    public FlowFailure(ErrorClass errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The class of any throwable met in a flow: a {@link FlowFailure} says its own, the rest are mapped here. */
    public static ErrorClass classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FlowFailure flowFailure) {
                return flowFailure.errorClass();
            }
            if (t instanceof org.apache.camel.ValidationException) {
                return ErrorClass.VALIDATION;
            }
            if (t instanceof com.fasterxml.jackson.core.exc.StreamReadException
                    || t instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
                // a message that is not JSON, names a field twice or nests beyond the limit: the sender's fault
                return ErrorClass.VALIDATION;
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return ErrorClass.INTERNAL;
            }
            if (t instanceof java.io.IOException
                    || t instanceof org.apache.camel.component.file.GenericFileOperationFailedException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException
                    || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
                return ErrorClass.TARGET_UNAVAILABLE;
            }
        }
        return ErrorClass.INTERNAL;
    }
}
