package io.ledgerbridge.erp.businesscentral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.flow.SystemCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the Business Central routes (routes/system-business-central.camel.yaml) need besides mappings: OData
 * queries (a {@code $filter} with its literals quoted and escaped), the record a query found, and the ETag an
 * update must send as {@code If-Match}. A capability that reads before it writes keeps its canonical document in
 * an exchange property and takes it back as the body after the read.
 */
@ApplicationScoped
@Named("businessCentral")
public class BusinessCentral {

    /** The query of the next call (see routes/system-business-central.camel.yaml, business-central-api). */
    static final String QUERY = SystemCall.API_QUERY;
    /** The capability's canonical document while a read answers in the body. */
    static final String DOCUMENT = "ledgerbridgeBusinessCentralDocument";
    /** Whether the last list answer held a record (see {@link #found}). */
    static final String FOUND = "ledgerbridgeBusinessCentralFound";
    /** The number of lines of the record found (an invoice), 0 when none was found. */
    static final String LINES = "ledgerbridgeBusinessCentralLines";
    /** The status of the record found (an invoice), Draft when none was found. */
    static final String STATUS = "ledgerbridgeBusinessCentralStatus";
    /** Whether the kept document asks to be posted (a credit note's {@code post}; see {@link #found}). */
    static final String POST = "ledgerbridgeBusinessCentralPost";
    /** The id of the sales document (invoice, credit memo) found or created: its lines, post and read use it. */
    static final String DOCUMENT_ID = "ledgerbridgeBusinessCentralDocumentId";
    /** The id of the general journal batch a journal's lines go to (see {@link #journal}). */
    static final String JOURNAL_ID = "ledgerbridgeBusinessCentralJournalId";
    /** The ids of a journal's lines already in the batch (see {@link #journalLines}). */
    static final String JOURNAL_LINES = "ledgerbridgeBusinessCentralJournalLines";
    /**
     * The resource a call reaches below the API root: {@code companies(<account>)<path>}, or {@code $batch} for a
     * batch of calls (see {@link #batches}).
     */
    static final String RESOURCE = "ledgerbridgeBusinessCentralResource";
    /** Business Central's most operations in one {@code $batch} request. */
    static final int BATCH_SIZE = 100;
    /** Entries of one read-time page: Business Central's default server page is larger, 500 keeps answers small. */
    static final int PAGE_SIZE = 500;

    private final FlowJson json;

    BusinessCentral(FlowJson json) {
        this.json = json;
    }

    /**
     * Keeps the canonical document of the body and sets the query (header {@value #QUERY}) for the records whose
     * {@code field} equals the document's value at {@code pointer} (e.g. the customer numbered with the CRM account
     * id). A document without that value is INTERNAL: the flow's schema should have refused it.
     */
    public void whereEquals(Exchange exchange, String field, String pointer) {
        whereEquals(exchange, field, pointer, 2);
    }

    /** Like {@link #whereEquals(Exchange, String, String)}, for up to {@code top} records (a journal's lines). */
    public void whereEquals(Exchange exchange, String field, String pointer, int top) {
        String value = valueAt(json.read(exchange.getMessage().getBody(String.class)), pointer);
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader(QUERY, "$filter=" + encode(field + " eq " + literal(value)) + "&$top=" + top);
    }

    /** Keeps the canonical document of the body and sets the query for the records whose {@code field} is this value. */
    public void where(Exchange exchange, String field, String value) {
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader(QUERY, "$filter=" + encode(field + " eq " + literal(value)) + "&$top=2");
    }

    /**
     * Takes the answer to the query for the general journal batch of this code: its id is {@value #JOURNAL_ID}; a
     * company without it is TARGET_REJECTED, naming what to do (the batch must be one of the integration's own:
     * posting it posts every line in it).
     */
    public void journal(Exchange exchange, String code) {
        JsonNode batch = json.read(exchange.getMessage().getBody(String.class)).path("value").path(0);
        exchange.getMessage().setBody(exchange.getProperty(DOCUMENT, String.class));
        if (batch.isMissingNode()) {
            throw new FlowFailure(ErrorClass.TARGET_REJECTED, "business-central: the company has no general journal"
                    + " batch " + code + ": create one for ledgerbridge alone (posting it posts every line in it), or"
                    + " set ledgerbridge.erp.business-central.journal");
        }
        exchange.setProperty(JOURNAL_ID, batch.path("id").asText());
    }

    /**
     * Takes the answer to the query for a journal's lines already in the batch (a post that failed after they were
     * added): when they are all there they are kept and none is added ({@value #JOURNAL_LINES} empty, {@value #LINES}
     * their number); when only some are, {@value #JOURNAL_LINES} lists them for removal and all are added again.
     */
    public void journalLines(Exchange exchange) {
        JsonNode lines = json.read(exchange.getMessage().getBody(String.class)).path("value");
        JsonNode document = json.read(exchange.getProperty(DOCUMENT, String.class));
        exchange.getMessage().setBody(exchange.getProperty(DOCUMENT, String.class));
        List<String> partial = new java.util.ArrayList<>();
        if (lines.size() != document.path("lines").size()) {
            lines.forEach(line -> partial.add(line.path("id").asText()));
            exchange.setProperty(LINES, 0);
        } else {
            exchange.setProperty(LINES, lines.size());
        }
        exchange.setProperty(JOURNAL_LINES, partial);
    }

    /** The query of one page of a project's (job's) time registration entries, the end day exclusive. */
    public String timeQuery(String jobId, String from, String to, int page) {
        return "$filter=" + encode("jobId eq " + jobId + " and date ge " + from + " and date lt " + to)
                + "&$top=" + PAGE_SIZE + "&$skip=" + (page - 1) * PAGE_SIZE;
    }

    /**
     * Takes a list answer: its first record's id becomes {@link FlowHeaders#TARGET_ID} and its ETag the
     * {@code If-Match} of an update; the kept document is the body again. Whether a record was found is the
     * exchange property {@value #FOUND} (a bean step, not a predicate: a predicate's bean works on a copy).
     */
    public void found(Exchange exchange) {
        Message message = exchange.getMessage();
        JsonNode first = json.read(message.getBody(String.class)).path("value").path(0);
        message.setBody(exchange.getProperty(DOCUMENT, String.class));
        int lines = 0;
        for (var field = first.fields(); field.hasNext();) {
            var entry = field.next();
            if (entry.getKey().endsWith("Lines") && entry.getValue().isArray()) {
                lines += entry.getValue().size();
            }
        }
        exchange.setProperty(LINES, lines);
        exchange.setProperty(STATUS, first.path("status").asText("Draft"));
        exchange.setProperty(POST, json.read(message.getBody(String.class)).path("post").asBoolean(false));
        exchange.setProperty(FOUND, !first.isMissingNode());
        if (first.isMissingNode()) {
            message.removeHeader(FlowHeaders.TARGET_ID);
            message.removeHeader("If-Match");
            return;
        }
        message.setHeader(FlowHeaders.TARGET_ID, first.path("id").asText());
        message.setHeader("If-Match", first.path("@odata.etag").asText("*"));
    }

    /** A path with the body's value at {@code pointer} in it (e.g. the employee a time entry is posted on). */
    public String path(Exchange exchange, String format, String pointer) {
        return String.format(format, valueAt(json.read(exchange.getMessage().getBody(String.class)), pointer));
    }

    /**
     * The body's JSON array (a document's lines) as the bodies of {@code $batch} requests, one POST per element to
     * the path in header {@value SystemCall#API_PATH} of the company in {@link ErpCall#ERP_ACCOUNT},
     * at most {@value #BATCH_SIZE} a batch: 1 call for up to 100 lines instead of 1 each. Sent with
     * {@code Isolation: snapshot}, each batch is one transaction: its lines are all added or none is.
     */
    public List<String> batches(Exchange exchange) {
        Message message = exchange.getMessage();
        String url = "companies(" + message.getHeader(ErpCall.ERP_ACCOUNT, String.class) + ")"
                + message.getHeader(SystemCall.API_PATH, String.class);
        JsonNode elements = json.read(message.getBody(String.class));
        List<String> batches = new ArrayList<>();
        for (int first = 0; first < elements.size(); first += BATCH_SIZE) {
            ObjectNode batch = JsonNodeFactory.instance.objectNode();
            ArrayNode requests = batch.putArray("requests");
            for (int i = first; i < Math.min(first + BATCH_SIZE, elements.size()); i++) {
                ObjectNode request = requests.addObject().put("id", String.valueOf(i + 1)).put("method", "POST")
                        .put("url", url);
                request.putObject("headers").put("Content-Type", "application/json");
                request.set("body", elements.get(i));
            }
            batches.add(json.write(batch));
        }
        return batches;
    }

    /**
     * The resource of the next call (exchange property {@value #RESOURCE}): {@code $batch} when the path is
     * {@code /$batch} (the batch endpoint is the API's, not a company's), else the path below the company.
     */
    public void resource(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = message.getHeader(SystemCall.API_PATH, String.class);
        exchange.setProperty(RESOURCE, "/$batch".equals(path) ? "$batch"
                : "companies(" + message.getHeader(ErpCall.ERP_ACCOUNT, String.class) + ")" + path);
    }

    /**
     * Takes the answer of a {@code $batch} request: Business Central answers 200 with one response per operation;
     * the first that failed (rolling the batch back) becomes the call's answer, with its status, body and
     * {@code Retry-After}, so it is classified as a single call's would be (400 TARGET_REJECTED quoting the OData
     * message, 429 and 503 retried). A batch whose operations all succeeded answers 200 with the responses.
     */
    public void batchAnswer(Exchange exchange) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status != 200) {
            return;
        }
        JsonNode failed = null;
        for (JsonNode response : json.read(message.getBody(String.class)).path("responses")) {
            int code = response.path("status").asInt(500);
            if (code >= 400 && (failed == null || failed.path("status").asInt() == 424)) {
                failed = response;
            }
        }
        if (failed == null) {
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, failed.path("status").asInt());
        message.setBody(json.write(failed.path("body")));
        JsonNode retryAfter = failed.path("headers").path("retry-after");
        if (retryAfter.isMissingNode()) {
            retryAfter = failed.path("headers").path("Retry-After");
        }
        if (!retryAfter.isMissingNode()) {
            message.setHeader("Retry-After", retryAfter.asText());
        }
    }

    /** Keeps the canonical document of the body while a read answers. */
    public void keep(Exchange exchange) {
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
    }

    /** Takes a single-record answer: its ETag becomes the {@code If-Match} of the update; the document is the body. */
    public void etag(Exchange exchange) {
        Message message = exchange.getMessage();
        JsonNode record = json.read(message.getBody(String.class));
        message.setHeader("If-Match", record.path("@odata.etag").asText("*"));
        message.setBody(exchange.getProperty(DOCUMENT, String.class));
    }

    /**
     * Takes the answer to the employee query of find-user: the employee is the answer; none is a REFERENCE (the
     * consultant must be an employee of the company, with their work email).
     */
    public void employee(Exchange exchange) {
        JsonNode document = json.read(exchange.getProperty(DOCUMENT, String.class));
        String person = document.path("ref").path("id").asText();
        String email = document.path("email").asText();
        found(exchange);
        if (!exchange.getProperty(FOUND, Boolean.class)) {
            throw new ReferenceMissing(List.of("PERSON:hr:" + person), "consultant " + email
                    + " is no employee of the Business Central company: add them with this email, then replay");
        }
        exchange.getMessage().removeHeader("If-Match");
    }

    /** The document's value at the pointer; a document without it is INTERNAL (its schema should have refused it). */
    private static String valueAt(JsonNode document, String pointer) {
        JsonNode value = document.at(pointer);
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new FlowFailure(ErrorClass.INTERNAL, "business-central: the document has no " + pointer);
        }
        return value.asText();
    }

    /** An OData string literal: quoted, a quote inside doubled. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
