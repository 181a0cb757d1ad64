package io.ledgerbridge.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the admin API is RFC 9457 problem+json. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Annotations of a parameter read from the request line or headers (JAX-RS and RESTEasy Reactive's own). */
    private static final java.util.Set<String> REQUEST_PARAMETERS = java.util.Set.of("QueryParam", "PathParam",
            "HeaderParam", "RestQuery", "RestPath", "RestHeader");

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> parameters = e.getConstraintViolations().stream().filter(ProblemMappers::onParameter)
                .map(v -> new Problem.FieldError(parameterName(v), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.FieldError::pointer)).toList();
        if (!parameters.isEmpty()) {
            // a query or path parameter out of its bounds: the request itself is wrong, not a document it carries
            return respond(Problem.of(400, "bad-parameter", "Invalid parameter", parameters.stream()
                    .map(p -> p.pointer() + " " + p.message()).collect(java.util.stream.Collectors.joining("; "))
                    + "; nothing was read or changed").withErrors(parameters));
        }
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(pointer(v.getPropertyPath().toString()), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.FieldError::pointer))
                .toList();
        return respond(Problem.of(422, "validation", "Invalid request",
                errors.size() + " field(s) are invalid; nothing was changed").withErrors(errors));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return respond(Problem.of(400, "malformed-json", "Malformed JSON", e.getOriginalMessage()));
    }

    /** Well-formed JSON of the wrong shape (an object where a list is taken, text where a number is). */
    @ServerExceptionMapper
    public Response wrongShape(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        StringBuilder pointer = new StringBuilder();
        for (var reference : e.getPath()) {
            pointer.append('/').append(reference.getFieldName() != null ? reference.getFieldName() : reference.getIndex());
        }
        return respond(Problem.of(400, "malformed-json", "Wrong shape", "the body does not have the shape this "
                + "endpoint takes" + (pointer.length() == 0 ? "" : " at " + pointer) + ": " + firstLine(e.getOriginalMessage()))
                .withErrors(List.of(new Problem.FieldError(pointer.length() == 0 ? "/" : pointer.toString(),
                        firstLine(e.getOriginalMessage())))));
    }

    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class,
            io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(respond(Problem.of(401, "unauthenticated", "Authentication required",
                "the admin API needs the credentials of a viewer, operator or approver")))
                .header("WWW-Authenticate", "Basic realm=\"ledgerbridge\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return respond(Problem.of(403, "forbidden", "Not allowed",
                "your role does not allow this action (viewer < operator < approver; route changes: integrator)"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, jakarta.ws.rs.core.UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json);
        }
        if (status == 404 && e.getCause() instanceof NumberFormatException number) {
            // JAX-RS answers a query parameter it cannot convert with 404, as if the resource were missing
            var parameter = uri.getQueryParameters().entrySet().stream()
                    .filter(q -> q.getValue().stream().anyMatch(v -> number.getMessage() != null
                            && number.getMessage().contains('"' + v + '"'))).map(java.util.Map.Entry::getKey).findFirst();
            if (parameter.isPresent()) {
                return respond(Problem.of(400, "bad-parameter", "Invalid parameter", parameter.get()
                        + " is not a whole number in range (" + firstLine(number.getMessage())
                        + "); nothing was read or changed").withErrors(List.of(new Problem.FieldError(parameter.get(),
                        "not a whole number in range"))));
            }
        }
        return respond(Problem.ofStatus(status, e.getResponse().getStatusInfo().getReasonPhrase(),
                e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.hibernate.exception.DataException data) {
                // the store refused a value (too long for its column, out of range): the request's fault
                String reason = data.getSQLException() == null ? data.getMessage() : data.getSQLException().getMessage();
                return respond(Problem.of(422, "value-does-not-fit", "A value does not fit",
                        "a value of the request does not fit the store (" + firstLine(reason) + "); nothing was changed"));
            }
        }
        LOG.error("admin request failed", e);
        return respond(Problem.of(500, "internal", "Internal error", "the request failed; see the service log"));
    }

    /**
     * An error answered by the REST layer itself without a body (a request body it could not read, an unsupported
     * media type or method) still gets problem+json.
     */
    @org.jboss.resteasy.reactive.server.ServerResponseFilter
    public void bareErrors(jakarta.ws.rs.container.ContainerResponseContext response) {
        int status = response.getStatus();
        if (status >= 400 && !response.hasEntity()) {
            String detail = status == 400 ? "the request could not be read as the JSON this endpoint takes"
                    : "the request was refused by the HTTP layer (" + status + ")";
            Response.StatusType info = Response.Status.fromStatusCode(status);
            response.setEntity(Problem.ofStatus(status, info == null ? "HTTP " + status : info.getReasonPhrase(),
                    detail), null, jakarta.ws.rs.core.MediaType.valueOf(Problem.MEDIA_TYPE));
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** A violation of a query, path or header parameter itself, not of the body or a field of it. */
    private static boolean onParameter(jakarta.validation.ConstraintViolation<?> violation) {
        jakarta.validation.Path.Node leaf = leaf(violation);
        if (leaf.getKind() != jakarta.validation.ElementKind.PARAMETER) {
            return false;
        }
        jakarta.validation.Path.MethodNode method = null;
        for (jakarta.validation.Path.Node each : violation.getPropertyPath()) {
            if (each.getKind() == jakarta.validation.ElementKind.METHOD) {
                method = each.as(jakarta.validation.Path.MethodNode.class);
            }
        }
        if (method == null) {
            return true;
        }
        int index = leaf.as(jakarta.validation.Path.ParameterNode.class).getParameterIndex();
        Class<?>[] types = method.getParameterTypes().toArray(Class<?>[]::new);
        // the resource class declares the annotations; a generated subclass (interceptors) overrides without them
        for (Class<?> type = violation.getRootBeanClass(); type != null; type = type.getSuperclass()) {
            try {
                if (java.util.Arrays.stream(type.getDeclaredMethod(method.getName(), types).getParameters()[index]
                        .getAnnotations()).map(a -> a.annotationType().getSimpleName()).anyMatch(REQUEST_PARAMETERS::contains)) {
                    return true;
                }
            } catch (NoSuchMethodException notHere) {
                // declared further up
            }
        }
        return false;
    }

    private static String parameterName(jakarta.validation.ConstraintViolation<?> violation) {
        return leaf(violation).getName();
    }

    private static jakarta.validation.Path.Node leaf(jakarta.validation.ConstraintViolation<?> violation) {
        jakarta.validation.Path.Node last = null;
        for (jakarta.validation.Path.Node node : violation.getPropertyPath()) {
            last = node;
        }
        return last;
    }

    /** "upsert.entries[0].targetId" -> "/0/targetId" */
    private static String pointer(String propertyPath) {
        String path = propertyPath.replaceFirst("^[^.]+\\.[^.\\[]+", "");
        return path.replaceAll("\\[(\\d+)]", "/$1").replace('.', '/').replaceAll("^/?", "/").replaceAll("//", "/");
    }
}
