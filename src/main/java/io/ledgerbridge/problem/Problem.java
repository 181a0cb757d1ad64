package io.ledgerbridge.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An RFC 9457 problem detail, with the failing fields of a validation problem. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://ledgerbridge.io/problems/";

    /** One failing field: a JSON pointer into the request and what is wrong with it. */
    public record FieldError(String pointer, String message) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, List.of());
    }

    /**
     * A refusal decided by the HTTP layer rather than by an endpoint (no such path, another method, another media
     * type, a body too large): one type per status wherever it is answered — the admin API, a webhook, the HTTP
     * server's own limits — so a client handles each the same way.
     */
    public static Problem ofStatus(int status, String title, String detail) {
        String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 408 -> "body-too-slow";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
        return of(status, slug, title, detail);
    }

    /** 404 for a thing the caller named by id and the store does not have. */
    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(of(404, "not-found", "No such " + what, what + " " + id + " does not exist"));
    }

    /** At most this many failing fields are listed in one problem; the detail says how many there were. */
    public static final int MAX_LISTED_ERRORS = 100;

    /**
     * The problem with its failing fields: the first {@link #MAX_LISTED_ERRORS}, and when there were more, the detail
     * says so (an answer listing every error of a large body would be larger than the body).
     */
    public Problem withErrors(List<FieldError> fieldErrors) {
        if (fieldErrors.size() <= MAX_LISTED_ERRORS) {
            return new Problem(type, title, status, detail, instance, fieldErrors);
        }
        return new Problem(type, title, status, detail + " (the first " + MAX_LISTED_ERRORS + " of "
                + fieldErrors.size() + " errors are listed)", instance,
                List.copyOf(fieldErrors.subList(0, MAX_LISTED_ERRORS)));
    }

    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }
}
