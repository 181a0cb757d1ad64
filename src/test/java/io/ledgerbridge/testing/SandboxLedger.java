package io.ledgerbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.common.url.PathParams;
import com.github.tomakehurst.wiremock.extension.AdminApiExtension;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sandbox's vendors hold, so that reading back answers what was written (the tests' stubs answer each call
 * on its own): Xero's time entries per project as the service created them (under Xero's Idempotency-Key rule),
 * Xero's invoices as {@link VendorStubs.XeroInvoices} created them, and Harvest's approved time entries of the
 * walkthrough's example file. A reconciliation in the sandbox so compares real state.
 * <p>
 * Its admin routes stand in for what people do in the vendors' own screens: {@code POST /__admin/sandbox/invoices/{id}/pay}
 * (the customer pays the whole invoice) and {@code POST /__admin/sandbox/time-entries/{id}} with
 * {@code {"duration": minutes}} (someone edits a time entry in Xero).
 */
public final class SandboxLedger implements ResponseTransformerV2, AdminApiExtension {

    public static final String NAME = "sandbox-ledger";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern XERO_TIME = Pattern.compile(VendorStubs.XERO_BASE + "/Projects/([^/]+)/Time");
    private static final Pattern XERO_INVOICE = Pattern.compile(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/([^/]+)");
    private static final Map<String, List<ObjectNode>> TIME_BY_PROJECT = new ConcurrentHashMap<>();
    private static final Map<String, ObjectNode> TIME_BY_KEY = new ConcurrentHashMap<>();
    private static final Map<String, ObjectNode> PAID = new ConcurrentHashMap<>();

    private final Path harvestTimeEntries;

    /** Harvest answers the approved entries of this file (Harvest's own shape: an array of time entries). */
    public SandboxLedger(Path harvestTimeEntries) {
        this.harvestTimeEntries = harvestTimeEntries;
    }

    @Override
    public Response transform(Response response, ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        Matcher time = XERO_TIME.matcher(path);
        Matcher invoice = XERO_INVOICE.matcher(path);
        JsonNode answer;
        if (time.matches() && RequestMethod.POST.equals(request.getMethod())) {
            answer = createTime(time.group(1), request);
        } else if (time.matches()) {
            answer = timePage(time.group(1), request);
        } else if (invoice.matches()) {
            answer = invoice(invoice.group(1));
        } else if (path.equals(VendorStubs.HARVEST_BASE + "/time_entries")) {
            answer = harvestPage(request);
        } else {
            throw new IllegalStateException("the sandbox ledger does not answer " + request.getMethod() + " " + path);
        }
        return Response.Builder.like(response).but().status(answer == null ? 404 : 200)
                .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json")))
                .body(answer == null ? "{\"Message\":\"not found\"}" : answer.toString()).build();
    }

    /** Xero's createTimeEntry: a new entry, or the one created before under the same Idempotency-Key. */
    private static JsonNode createTime(String project, Request request) {
        String key = request.getHeader("Idempotency-Key");
        java.util.function.Function<String, ObjectNode> create = k -> {
            ObjectNode entry = (ObjectNode) read(request.getBodyAsString());
            entry.put("timeEntryId", UUID.randomUUID().toString());
            entry.put("projectId", project);
            entry.put("status", "ACTIVE");
            TIME_BY_PROJECT.computeIfAbsent(project, p -> new CopyOnWriteArrayList<>()).add(entry);
            return entry;
        };
        return key == null ? create.apply(null) : TIME_BY_KEY.computeIfAbsent(key, create);
    }

    /** One page of a project's entries (Xero's pagination; everything on page 1). */
    private static JsonNode timePage(String project, Request request) {
        List<ObjectNode> entries = TIME_BY_PROJECT.getOrDefault(project, List.of());
        int number = query(request, "page") == null ? 1 : Integer.parseInt(query(request, "page"));
        ObjectNode page = JSON.createObjectNode();
        page.putObject("pagination").put("page", number).put("pageSize", 500).put("pageCount", 1)
                .put("itemCount", entries.size());
        ArrayNode items = page.putArray("items");
        if (number == 1) {
            entries.forEach(items::add);
        }
        return page;
    }

    /** The invoice as it was created, with its status (paid when the sandbox's admin route said so). */
    private static JsonNode invoice(String id) {
        ObjectNode created = PAID.getOrDefault(id, VendorStubs.XeroInvoices.created(id));
        return created == null ? null : JSON.createObjectNode().set("Invoices", JSON.createArrayNode().add(created));
    }

    /** Harvest's approved entries of the example file, of the project and dates asked for. */
    private JsonNode harvestPage(Request request) {
        String project = query(request, "project_id");
        LocalDate from = query(request, "from") == null ? LocalDate.MIN : LocalDate.parse(query(request, "from"));
        LocalDate to = query(request, "to") == null ? LocalDate.MAX : LocalDate.parse(query(request, "to"));
        ObjectNode page = JSON.createObjectNode();
        ArrayNode entries = page.putArray("time_entries");
        try {
            for (JsonNode entry : JSON.readTree(Files.readString(harvestTimeEntries))) {
                LocalDate spent = LocalDate.parse(entry.path("spent_date").asText());
                if ((project == null || project.equals(entry.path("project").path("id").asText()))
                        && !spent.isBefore(from) && !spent.isAfter(to)) {
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        page.put("per_page", 2000).put("total_pages", 1).put("total_entries", entries.size()).putNull("next_page")
                .put("page", 1);
        return page;
    }

    @Override
    public void contributeAdminApiRoutes(Router router) {
        router.add(RequestMethod.POST, "/sandbox/invoices/{id}/pay", (admin, event, params) -> pay(params));
        router.add(RequestMethod.POST, "/sandbox/time-entries/{id}", (admin, event, params) -> edit(event, params));
    }

    private static ResponseDefinition pay(PathParams params) {
        ObjectNode created = VendorStubs.XeroInvoices.created(params.get("id"));
        if (created == null) {
            return ResponseDefinition.notFound();
        }
        ObjectNode paid = created.deepCopy();
        paid.put("Status", "PAID");
        paid.put("AmountPaid", paid.path("Total").decimalValue());
        paid.put("AmountDue", 0);
        paid.put("FullyPaidOnDate", "/Date(" + Instant.now().toEpochMilli() + "+0000)/");
        PAID.put(params.get("id"), paid);
        return ResponseDefinition.okForJson(Map.of("InvoiceID", params.get("id"), "Status", "PAID"));
    }

    private static ResponseDefinition edit(ServeEvent event, PathParams params) {
        JsonNode change = read(event.getRequest().getBodyAsString());
        for (List<ObjectNode> entries : TIME_BY_PROJECT.values()) {
            for (ObjectNode entry : entries) {
                if (entry.path("timeEntryId").asText().equals(params.get("id"))) {
                    change.fields().forEachRemaining(field -> entry.set(field.getKey(), field.getValue()));
                    return ResponseDefinition.okForJson(entry);
                }
            }
        }
        return ResponseDefinition.notFound();
    }

    private static String query(Request request, String name) {
        var parameter = request.queryParameter(name);
        return parameter.isPresent() ? parameter.firstValue() : null;
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
