package io.ledgerbridge.psa.harvest;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Harvest has no idempotency key: what the PSA capabilities create they first look for in Harvest's lists
 * (routes/system-harvest.camel.yaml). A capability keeps its canonical document ({@link #keep}) while a list answers
 * in the body; the match sets {@link FlowHeaders#TARGET_ID} and exchange property {@value #FOUND}, and the document
 * is the body again.
 */
@ApplicationScoped
@Named("harvestLists")
public class HarvestLists {

    /** The capability's canonical document while a list answers in the body. */
    static final String DOCUMENT = "ledgerbridgeHarvestDocument";
    /** Whether the list held the record looked for. */
    static final String FOUND = "ledgerbridgeHarvestFound";

    private final FlowJson json;

    HarvestLists(FlowJson json) {
        this.json = json;
    }

    /** Keeps the canonical document of the body while a list answers. */
    public void keep(Exchange exchange) {
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
    }

    /** Takes Harvest's clients: the one named as the deal's client (case aside) is the deal's, no second one. */
    public void clientNamed(Exchange exchange) {
        String name = document(exchange).path("client").path("name").asText();
        found(exchange, "clients", client -> name.equalsIgnoreCase(client.path("name").asText()));
    }

    /** Takes Harvest's users: the one with the person's email (case aside) is them, no second account. */
    public void userWithEmail(Exchange exchange) {
        String email = document(exchange).path("email").asText();
        found(exchange, "users", user -> email.equalsIgnoreCase(user.path("email").asText()));
    }

    /** The paths of the user assignments in the body (an array of project and assignment, Harvest's ids). */
    public List<String> userAssignmentPaths(Exchange exchange) {
        List<String> paths = new ArrayList<>();
        json.read(exchange.getMessage().getBody(String.class)).forEach(assignment -> paths.add("/projects/"
                + assignment.path("project").asText() + "/user_assignments/" + assignment.path("assignment").asText()));
        return paths;
    }

    /** The query of one page of a project's time entries from a day to the day before {@code to} (Harvest's is inclusive). */
    public String timeQuery(String project, String from, String to, int page) {
        return "project_id=" + project + "&from=" + from + "&to=" + java.time.LocalDate.parse(to).minusDays(1)
                + "&per_page=2000&page=" + page;
    }

    /** Takes Harvest's projects of the client: the one with the deal's project code is the one already created. */
    public void projectCoded(Exchange exchange) {
        String code = document(exchange).path("project").path("code").asText();
        found(exchange, "projects", project -> code.equals(project.path("code").asText()));
    }

    /**
     * Takes the project's task assignments in Harvest and answers the ones to create for the roles of the kept
     * document (canonical roles to staff: role, the PSA's task id, bill rate) that the project lacks, as Harvest's
     * task assignments (JSON text each).
     */
    public List<String> missingTaskAssignments(Exchange exchange) {
        Set<String> assigned = new HashSet<>();
        for (JsonNode existing : json.read(exchange.getMessage().getBody(String.class)).path("task_assignments")) {
            assigned.add(existing.path("task").path("id").asText());
        }
        List<String> creates = new ArrayList<>();
        for (JsonNode role : document(exchange)) {
            if (!assigned.contains(role.path("taskId").asText())) {
                creates.add(json.write(json.object().put("task_id", Long.parseLong(role.path("taskId").asText()))
                        .put("is_active", true).put("billable", true)
                        .put("hourly_rate", new java.math.BigDecimal(role.path("billRate").asText()))));
            }
        }
        return creates;
    }

    private JsonNode document(Exchange exchange) {
        return json.read(exchange.getProperty(DOCUMENT, String.class));
    }

    private void found(Exchange exchange, String list, java.util.function.Predicate<JsonNode> wanted) {
        Message message = exchange.getMessage();
        JsonNode match = null;
        for (JsonNode item : json.read(message.getBody(String.class)).path(list)) {
            if (wanted.test(item)) {
                match = item;
                break;
            }
        }
        message.setBody(exchange.getProperty(DOCUMENT, String.class));
        exchange.setProperty(FOUND, match != null);
        if (match == null) {
            message.removeHeader(FlowHeaders.TARGET_ID);
        } else {
            message.setHeader(FlowHeaders.TARGET_ID, match.path("id").asText());
        }
    }
}
