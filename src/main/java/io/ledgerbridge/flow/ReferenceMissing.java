package io.ledgerbridge.flow;

import java.util.List;

/** Cross-references a flow needs and the store does not have: the message waits for them as a dead letter. */
public class ReferenceMissing extends FlowFailure {

    private final transient List<String> missing;

    /** @param missing each as {@code TYPE:system:id}, e.g. {@code PROJECT:harvest:14307913} */
    public ReferenceMissing(String targetSystem, List<String> missing) {
        super(ErrorClass.REFERENCE, "no " + targetSystem + " cross-reference for "
                + String.join(", ", missing.stream().map(ReferenceMissing::readable).toList()));
        this.missing = List.copyOf(missing);
    }

    /** A reference that is not a cross-reference (an assignment, a project's dates), described by the caller. */
    public ReferenceMissing(List<String> missing, String message) {
        super(ErrorClass.REFERENCE, message);
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }

    /** The store's form of the list: {@code |PROJECT:harvest:1|PERSON:harvest:2|}, searchable by token. */
    public String tokens() {
        return "|" + String.join("|", missing) + "|";
    }

    private static String readable(String token) {
        int colon = token.indexOf(':');
        return token.substring(0, colon) + " " + token.substring(colon + 1);
    }
}
