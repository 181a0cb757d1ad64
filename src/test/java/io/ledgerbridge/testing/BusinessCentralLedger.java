package io.ledgerbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Business Central company as its standard API behaves for the entities the flows use, kept in memory: customers,
 * projects, employees, time registration entries, sales invoices with lines and the post action, journal lines.
 * Records carry {@code @odata.etag} and an update must send it as {@code If-Match} (412 otherwise); lists take
 * {@code $filter} (clauses {@code field eq|ge|lt value} joined by {@code and}), {@code $top}, {@code $skip} and
 * {@code $expand=salesInvoiceLines}; refusals are OData errors ({@code {"error": {"code", "message"}}}) as Business
 * Central words them. Sales tax is the company's rate on each line's amount. An OData JSON {@code $batch} runs its
 * operations in order, as one transaction with {@code Isolation: snapshot}. Requests reach it after the contract
 * check of {@link VendorStubs}, which checks a batch's every operation.
 */
public final class BusinessCentralLedger implements ResponseDefinitionTransformerV2 {

    static final String NAME = "business-central-ledger";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COLLECTION = Pattern.compile("/companies\\(([^)]+)\\)/(\\w+)");
    private static final Pattern RECORD = Pattern.compile("/companies\\(([^)]+)\\)/(\\w+)\\(([^)]+)\\)");
    private static final Pattern CHILDREN = Pattern.compile("/companies\\(([^)]+)\\)/(\\w+)\\(([^)]+)\\)/(\\w+)");
    private static final Pattern ACTION = Pattern.compile(
            "/companies\\(([^)]+)\\)/(salesInvoices|salesCreditMemos|journals)\\(([^)]+)\\)/Microsoft\\.NAV\\.post");
    private static final Pattern CHILD_RECORD = Pattern.compile("/companies\\(([^)]+)\\)/journals\\(([^)]+)\\)/journalLines\\(([^)]+)\\)");
    private static final Pattern CLAUSE = Pattern.compile("(\\w+) (eq|ge|lt|le|gt) ('(?:[^']|'')*'|\\S+)");

    private static final Map<String, Company> COMPANIES = new ConcurrentHashMap<>();
    private static final AtomicInteger NUMBERS = new AtomicInteger(100000);
    private static final AtomicInteger VERSIONS = new AtomicInteger();
    private static volatile String base = "";
    /** Requests share it; a batch takes it alone, so that its rollback restores only its own changes. */
    private static final java.util.concurrent.locks.ReadWriteLock LOCK = new java.util.concurrent.locks.ReentrantReadWriteLock();

    /** One company's records by entity set and id, and its sales tax rate. */
    static final class Company {
        final String id;
        final Map<String, Map<String, ObjectNode>> sets = new ConcurrentHashMap<>();
        final BigDecimal taxPercent;

        Company(String id, BigDecimal taxPercent) {
            this.id = id;
            this.taxPercent = taxPercent;
        }

        Map<String, ObjectNode> set(String name) {
            return sets.computeIfAbsent(name, n -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
        }
    }

    /** The API's path below the server, e.g. /v2.0/sandbox/api/v1.0. */
    static void base(String path) {
        base = path;
    }

    /** Forgets every company. */
    public static void reset() {
        COMPANIES.clear();
    }

    /** A company with this id, its sales tax rate in percent, and an expense journal with this id. */
    public static void company(String id, String taxPercent, String journalId) {
        Company company = new Company(id, new BigDecimal(taxPercent));
        COMPANIES.put(id, company);
        ObjectNode journal = JSON.createObjectNode().put("id", journalId).put("code", "EXPENSES")
                .put("displayName", "Consultants' expenses");
        company.set("journals").put(journal.path("id").asText(), stamp(journal));
    }

    /** An employee of the company with this work email; answers their id. */
    public static String employee(String company, String email, String name) {
        ObjectNode employee = JSON.createObjectNode().put("id", UUID.randomUUID().toString())
                .put("number", "E" + NUMBERS.incrementAndGet()).put("displayName", name).put("email", email)
                .put("status", "Active");
        COMPANIES.get(company).set("employees").put(employee.path("id").asText(), stamp(employee));
        return employee.path("id").asText();
    }

    /** A customer of the company; answers its id. */
    public static String customer(String company, String name) {
        ObjectNode customer = JSON.createObjectNode().put("id", UUID.randomUUID().toString())
                .put("number", "C" + NUMBERS.incrementAndGet()).put("displayName", name).put("blocked", " ");
        COMPANIES.get(company).set("customers").put(customer.path("id").asText(), stamp(customer));
        return customer.path("id").asText();
    }

    /** A posted (Open) sales invoice to the customer, of this total with tax; answers its id. */
    public static String postedInvoice(String company, String customerId, String total) {
        ObjectNode invoice = JSON.createObjectNode().put("id", UUID.randomUUID().toString())
                .put("number", "S-INV" + NUMBERS.incrementAndGet()).put("customerId", customerId).put("status", "Open")
                .put("totalAmountIncludingTax", new BigDecimal(total)).put("remainingAmount", new BigDecimal(total));
        invoice.set("salesInvoiceLines", JSON.createArrayNode());
        COMPANIES.get(company).set("salesInvoices").put(invoice.path("id").asText(), stamp(invoice));
        return invoice.path("id").asText();
    }

    /** A line of a journal left in the batch (as a post that failed leaves it); answers its id. */
    public static String journalLine(String company, String batchId, String documentNumber, String account,
            String amount) {
        ObjectNode batch = COMPANIES.get(company).set("journals").get(batchId);
        ObjectNode line = JSON.createObjectNode().put("accountType", "G/L Account").put("accountNumber", account)
                .put("documentNumber", documentNumber).put("amount", new BigDecimal(amount))
                .put("postingDate", "2026-10-31T00:00:00Z");
        return journalLine(COMPANIES.get(company), batch, line).path("id").asText();
    }

    /** A project (job) of the company with this number; answers its id. */
    public static String project(String company, String number, String name) {
        ObjectNode project = JSON.createObjectNode().put("id", UUID.randomUUID().toString()).put("number", number)
                .put("displayName", name);
        COMPANIES.get(company).set("projects").put(project.path("id").asText(), stamp(project));
        return project.path("id").asText();
    }

    /** Someone registers time in Business Central itself; answers the entry's id. */
    public static String timeEntry(String company, String employeeId, String jobId, String date, String hours) {
        ObjectNode entry = JSON.createObjectNode().put("id", UUID.randomUUID().toString()).put("employeeId", employeeId)
                .put("jobId", jobId).put("date", date).put("quantity", new BigDecimal(hours)).put("status", "Open");
        COMPANIES.get(company).set("timeRegistrationEntries").put(entry.path("id").asText(), stamp(entry));
        return entry.path("id").asText();
    }

    /** Someone deletes the record in Business Central. */
    public static void remove(String company, String set, String id) {
        COMPANIES.get(company).set(set).remove(id);
    }

    /** The company's records of an entity set, as they are now (copies). */
    public static List<ObjectNode> records(String company, String set) {
        List<ObjectNode> records = new ArrayList<>();
        synchronized (COMPANIES.get(company).set(set)) {
            COMPANIES.get(company).set(set).values().forEach(record -> records.add(record.deepCopy()));
        }
        return records;
    }

    /** The customer receives a payment of this amount on the posted invoice (Paid when nothing remains). */
    public static void pay(String company, String invoiceId, String amount) {
        ObjectNode invoice = COMPANIES.get(company).set("salesInvoices").get(invoiceId);
        synchronized (invoice) {
            BigDecimal remaining = invoice.path("remainingAmount").decimalValue().subtract(new BigDecimal(amount));
            invoice.put("remainingAmount", remaining);
            invoice.put("status", remaining.signum() == 0 ? "Paid" : "Open");
            stamp(invoice);
        }
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String url = request.getUrl();
        String path = URLDecoder.decode(url.contains("?") ? url.substring(0, url.indexOf('?')) : url,
                StandardCharsets.UTF_8).substring(base.length());
        if ("POST".equals(request.getMethod().getName()) && "/$batch".equals(path)) {
            return batch(request.getBodyAsString(), "snapshot".equalsIgnoreCase(request.getHeader("Isolation")));
        }
        LOCK.readLock().lock();
        try {
            return respond(request.getMethod().getName(), url, path, request.getBodyAsString(),
                    request.getHeader("If-Match"));
        } finally {
            LOCK.readLock().unlock();
        }
    }

    private ResponseDefinition respond(String method, String url, String path, String body, String ifMatch) {
        try {
            return answer(method, path, query(url), body, ifMatch);
        } catch (Refused refused) {
            return odataError(refused.status, refused.code, refused.getMessage());
        } catch (java.io.IOException unreadable) {
            return odataError(400, "BadRequest", "Invalid Request Body: " + unreadable.getMessage());
        } catch (RuntimeException bug) {
            System.err.println("business-central ledger stub failed on " + method + " " + url);
            bug.printStackTrace();
            return odataError(500, "Stub_Failure", bug.toString());
        }
    }

    /**
     * An OData JSON batch: its operations in order, each answered as it would be alone (id, status, body). With
     * {@code Isolation: snapshot} the batch is one transaction: after an operation fails the rest are not run (424)
     * and every change the batch made is rolled back, as Business Central does. Batches run one at a time.
     */
    private ResponseDefinition batch(String body, boolean transaction) {
        LOCK.writeLock().lock();
        try {
            JsonNode operations = JSON.readTree(body).path("requests");
            Map<String, Map<String, Map<String, ObjectNode>>> before = transaction ? snapshot() : null;
            ArrayNode responses = JSON.createArrayNode();
            boolean failed = false;
            for (JsonNode operation : operations) {
                ObjectNode response = responses.addObject().put("id", operation.path("id").asText());
                if (failed && transaction) {
                    response.put("status", 424).putObject("body").putObject("error").put("code", "FailedDependency")
                            .put("message", "The operation was not run: an earlier operation of the batch failed.");
                    continue;
                }
                String url = "/" + operation.path("url").asText();
                String path = URLDecoder.decode(url.contains("?") ? url.substring(0, url.indexOf('?')) : url,
                        StandardCharsets.UTF_8);
                ResponseDefinition answer = respond(operation.path("method").asText(), url, path,
                        operation.has("body") ? operation.path("body").toString() : null,
                        operation.path("headers").path("If-Match").asText(null));
                response.put("status", answer.getStatus());
                response.putObject("headers");
                if (answer.getBody() != null && !answer.getBody().isEmpty()) {
                    response.set("body", JSON.readTree(answer.getBody()));
                }
                failed |= answer.getStatus() >= 400;
            }
            if (failed && transaction) {
                restore(before);
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.set("responses", responses);
            return ok(answer);
        } catch (java.io.IOException unreadable) {
            return odataError(400, "BadRequest", "Invalid Request Body: " + unreadable.getMessage());
        } finally {
            LOCK.writeLock().unlock();
        }
    }

    /** Every company's records, copied (a transactional batch's state before it ran). */
    private static Map<String, Map<String, Map<String, ObjectNode>>> snapshot() {
        Map<String, Map<String, Map<String, ObjectNode>>> copy = new LinkedHashMap<>();
        COMPANIES.forEach((id, company) -> company.sets.forEach((set, records) -> {
            Map<String, ObjectNode> copied = new LinkedHashMap<>();
            synchronized (records) {
                records.forEach((key, record) -> copied.put(key, record.deepCopy()));
            }
            copy.computeIfAbsent(id, c -> new LinkedHashMap<>()).put(set, copied);
        }));
        return copy;
    }

    private static void restore(Map<String, Map<String, Map<String, ObjectNode>>> snapshot) {
        COMPANIES.forEach((id, company) -> company.sets.forEach((set, records) -> {
            synchronized (records) {
                records.clear();
                records.putAll(snapshot.getOrDefault(id, Map.of()).getOrDefault(set, Map.of()));
            }
        }));
    }

    private ResponseDefinition answer(String method, String path, Map<String, String> query, String content,
            String ifMatch) throws java.io.IOException {
        Matcher m;
        if ("POST".equals(method) && (m = ACTION.matcher(path)).matches()) {
            Company company = company(m.group(1));
            ObjectNode document = find(company, m.group(2), m.group(3));
            switch (m.group(2)) {
                case "salesInvoices" -> postInvoice(document);
                case "salesCreditMemos" -> postCreditMemo(company, document);
                default -> postJournal(company, document);
            }
            return new ResponseDefinition(204, "");
        }
        if ((m = CHILD_RECORD.matcher(path)).matches()) {
            Company company = company(m.group(1));
            find(company, "journals", m.group(2));
            find(company, "journalLines", m.group(3));
            if (!"DELETE".equals(method)) {
                throw new Refused(405, "BadRequest_MethodNotAllowed", "'" + method + "' is not allowed here");
            }
            company.set("journalLines").remove(m.group(3));
            return new ResponseDefinition(204, "");
        }
        if ((m = CHILDREN.matcher(path)).matches()) {
            Company company = company(m.group(1));
            ObjectNode parent = find(company, m.group(2), m.group(3));
            if ("GET".equals(method) && "journalLines".equals(m.group(4))) {
                ObjectNode answer = list(company, "journalLines", query);
                ArrayNode inBatch = JSON.createArrayNode();
                answer.path("value").forEach(line -> {
                    if (line.path("journalDisplayName").asText().equals(parent.path("code").asText())) {
                        inBatch.add(line);
                    }
                });
                answer.set("value", inBatch);
                return ok(answer);
            }
            if (!"POST".equals(method)) {
                throw new Refused(405, "BadRequest_MethodNotAllowed", "'" + method + "' is not allowed here");
            }
            ObjectNode body = body(content);
            return switch (m.group(4)) {
                case "timeRegistrationEntries" -> created(timeEntry(company, parent, body));
                case "salesInvoiceLines" -> created(documentLine(company, parent, "salesInvoiceLines", body));
                case "salesCreditMemoLines" -> created(documentLine(company, parent, "salesCreditMemoLines", body));
                case "journalLines" -> created(journalLine(company, parent, body));
                default -> throw new Refused(404, "BadRequest_NotFound", "Resource not found for the segment '"
                        + m.group(4) + "'.");
            };
        }
        if ((m = RECORD.matcher(path)).matches()) {
            Company company = company(m.group(1));
            ObjectNode record = find(company, m.group(2), m.group(3));
            if ("GET".equals(method)) {
                return ok(view(company, record, query));
            }
            if ("PATCH".equals(method)) {
                synchronized (record) {
                    if (ifMatch == null || !("*".equals(ifMatch) || ifMatch.equals(record.path("@odata.etag").asText()))) {
                        throw new Refused(412, "Request_EntityChanged", "Could not save the changes because another"
                                + " user has changed the record.");
                    }
                    body(content).fields().forEachRemaining(field -> {
                        if (!"id".equals(field.getKey())) {
                            record.set(field.getKey(), field.getValue());
                        }
                    });
                    stamp(record);
                    return ok(record.deepCopy());
                }
            }
            throw new Refused(405, "BadRequest_MethodNotAllowed", "'" + method + "' is not allowed here");
        }
        if ((m = COLLECTION.matcher(path)).matches()) {
            Company company = company(m.group(1));
            String set = m.group(2);
            if ("GET".equals(method)) {
                return ok(list(company, set, query));
            }
            if ("POST".equals(method)) {
                ObjectNode body = body(content);
                return created(switch (set) {
                    case "customers" -> customer(company, body);
                    case "projects" -> project(company, body);
                    case "salesInvoices" -> invoice(company, body);
                    case "salesCreditMemos" -> creditMemo(company, body);
                    default -> throw new Refused(405, "BadRequest_MethodNotAllowed", "'POST' is not allowed on "
                            + set + " here");
                });
            }
        }
        throw new Refused(404, "BadRequest_NotFound", "No HTTP resource was found that matches the request URI.");
    }

    private static ObjectNode customer(Company company, ObjectNode body) {
        required(body, "displayName", "Customer");
        unique(company, "customers", body, "number", "Customer");
        body.put("id", UUID.randomUUID().toString());
        if (!body.hasNonNull("number")) {
            body.put("number", "C" + NUMBERS.incrementAndGet());
        }
        body.put("blocked", " ");
        return insert(company, "customers", body);
    }

    private static ObjectNode project(Company company, ObjectNode body) {
        required(body, "number", "Job");
        unique(company, "projects", body, "number", "Job");
        body.put("id", UUID.randomUUID().toString());
        return insert(company, "projects", body);
    }

    private static ObjectNode timeEntry(Company company, ObjectNode employee, ObjectNode body) {
        String jobId = body.path("jobId").asText("");
        ObjectNode job = company.set("projects").get(jobId);
        if (job == null) {
            throw new Refused(400, "Internal_RecordNotFound", "The Job does not exist. Identification fields and"
                    + " values: Id='" + jobId + "'");
        }
        if (!body.path("quantity").isNumber() || body.path("quantity").decimalValue().signum() <= 0) {
            throw new Refused(400, "BadRequest", "Quantity must be positive.");
        }
        body.put("id", UUID.randomUUID().toString());
        body.put("employeeId", employee.path("id").asText());
        body.put("employeeNumber", employee.path("number").asText());
        body.put("jobNumber", job.path("number").asText());
        body.put("status", "Open");
        return insert(company, "timeRegistrationEntries", body);
    }

    private static ObjectNode invoice(Company company, ObjectNode body) {
        body.put("remainingAmount", BigDecimal.ZERO.setScale(2));
        return salesDocument(company, "salesInvoices", "S-INV", "salesInvoiceLines", body);
    }

    /** A draft sales document (invoice, credit memo) to an existing customer, numbered, with no lines yet. */
    private static ObjectNode salesDocument(Company company, String set, String prefix, String lines, ObjectNode body) {
        String customerId = body.path("customerId").asText("");
        ObjectNode customer = company.set("customers").get(customerId);
        if (customer == null) {
            throw new Refused(400, "Internal_RecordNotFound", "The Customer does not exist. Identification fields"
                    + " and values: Id='" + customerId + "'");
        }
        body.put("id", UUID.randomUUID().toString());
        body.put("number", prefix + NUMBERS.incrementAndGet());
        body.put("customerNumber", customer.path("number").asText());
        body.put("customerName", customer.path("displayName").asText());
        body.put("status", "Draft");
        body.put("totalAmountExcludingTax", BigDecimal.ZERO.setScale(2));
        body.put("totalTaxAmount", BigDecimal.ZERO.setScale(2));
        body.put("totalAmountIncludingTax", BigDecimal.ZERO.setScale(2));
        body.set(lines, JSON.createArrayNode());
        return insert(company, set, body);
    }

    private static ObjectNode documentLine(Company company, ObjectNode invoice, String lines, ObjectNode line) {
        if (!"Account".equals(line.path("lineType").asText()) || line.path("lineDetails").path("number").asText("").isEmpty()) {
            throw new Refused(400, "BadRequest", "An account line needs lineDetails.number (the G/L account).");
        }
        synchronized (invoice) {
            if (!"Draft".equals(invoice.path("status").asText())) {
                throw new Refused(400, "Internal_DocumentStatusError", "Status must be equal to 'Draft' in Sales Header.");
            }
            BigDecimal amount = line.path("quantity").decimalValue().multiply(line.path("unitPrice").decimalValue())
                    .setScale(2, RoundingMode.HALF_UP);
            BigDecimal tax = amount.multiply(company.taxPercent).movePointLeft(2).setScale(2, RoundingMode.HALF_UP);
            line.put("id", invoice.path("id").asText() + "-" + (invoice.path(lines).size() + 1) * 10000);
            line.put("documentId", invoice.path("id").asText());
            line.put("amountExcludingTax", amount);
            line.put("taxPercent", company.taxPercent);
            line.put("totalTaxAmount", tax);
            line.put("amountIncludingTax", amount.add(tax));
            ((ArrayNode) invoice.path(lines)).add(line);
            invoice.put("totalAmountExcludingTax", invoice.path("totalAmountExcludingTax").decimalValue().add(amount));
            invoice.put("totalTaxAmount", invoice.path("totalTaxAmount").decimalValue().add(tax));
            invoice.put("totalAmountIncludingTax", invoice.path("totalAmountIncludingTax").decimalValue()
                    .add(amount).add(tax));
            stamp(invoice);
            return stamp(line.deepCopy());
        }
    }

    private static ObjectNode journalLine(Company company, ObjectNode journal, ObjectNode line) {
        required(line, "accountNumber", "Gen. Journal Line");
        if (!line.path("amount").isNumber()) {
            throw new Refused(400, "BadRequest", "Amount must have a value in Gen. Journal Line.");
        }
        line.put("id", UUID.randomUUID().toString());
        line.put("journalDisplayName", journal.path("code").asText());
        return insert(company, "journalLines", line);
    }

    private static ObjectNode list(Company company, String set, Map<String, String> query) {
        List<ObjectNode> matching = new ArrayList<>();
        List<String[]> clauses = clauses(query.get("$filter"));
        for (ObjectNode record : records(company.id, set)) {
            if (clauses.stream().allMatch(clause -> holds(record, clause))) {
                matching.add(record);
            }
        }
        int skip = Integer.parseInt(query.getOrDefault("$skip", "0"));
        int top = Integer.parseInt(query.getOrDefault("$top", "20000"));
        ArrayNode value = JSON.createArrayNode();
        matching.stream().skip(skip).limit(top).forEach(record -> value.add(view(company, record, query)));
        ObjectNode answer = JSON.createObjectNode();
        answer.set("value", value);
        return answer;
    }

    private static ObjectNode view(Company company, ObjectNode record, Map<String, String> query) {
        ObjectNode view = record.deepCopy();
        for (String lines : List.of("salesInvoiceLines", "salesCreditMemoLines")) {
            if (!lines.equals(query.get("$expand"))) {
                view.remove(lines);
            }
        }
        return view;
    }

    private static void postInvoice(ObjectNode invoice) {
        synchronized (invoice) {
            if (!"Draft".equals(invoice.path("status").asText())) {
                throw new Refused(400, "Internal_DocumentStatusError", "Status must be equal to 'Draft' in Sales"
                        + " Header: Document Type=Invoice, No.=" + invoice.path("number").asText());
            }
            if (invoice.path("totalAmountExcludingTax").decimalValue().signum() == 0) {
                throw new Refused(400, "Internal_ErrorFieldTooLong", "There is nothing to post.");
            }
            invoice.put("status", "Open");
            invoice.put("remainingAmount", invoice.path("totalAmountIncludingTax").decimalValue());
            stamp(invoice);
        }
    }

    /** Posts a credit memo and applies it against the posted invoice it names, up to what remains of either. */
    private static void postCreditMemo(Company company, ObjectNode memo) {
        synchronized (memo) {
            if (!"Draft".equals(memo.path("status").asText())) {
                throw new Refused(400, "Internal_DocumentStatusError", "Status must be equal to 'Draft' in Sales"
                        + " Header: Document Type=Credit Memo, No.=" + memo.path("number").asText());
            }
            if (memo.path("totalAmountExcludingTax").decimalValue().signum() == 0) {
                throw new Refused(400, "Internal_ErrorFieldTooLong", "There is nothing to post.");
            }
            BigDecimal credit = memo.path("totalAmountIncludingTax").decimalValue();
            String invoiceId = memo.path("invoiceId").asText("");
            if (!invoiceId.isEmpty()) {
                ObjectNode invoice = company.set("salesInvoices").get(invoiceId);
                if (invoice == null || !"Open".equals(invoice.path("status").asText())) {
                    throw new Refused(400, "Internal_RecordNotFound", "The invoice to apply the credit memo to is"
                            + " not an open posted invoice. Identification fields and values: Id='" + invoiceId + "'");
                }
                synchronized (invoice) {
                    BigDecimal applied = credit.min(invoice.path("remainingAmount").decimalValue());
                    BigDecimal remaining = invoice.path("remainingAmount").decimalValue().subtract(applied);
                    invoice.put("remainingAmount", remaining);
                    invoice.put("status", remaining.signum() == 0 ? "Paid" : "Open");
                    stamp(invoice);
                    credit = credit.subtract(applied);
                }
            }
            memo.put("status", credit.signum() == 0 ? "Paid" : "Open");
            stamp(memo);
        }
    }

    /**
     * Posts every line of the batch: each document number must balance (else nothing is posted), each line becomes a
     * G/L entry (debit or credit) and leaves the batch.
     */
    private static void postJournal(Company company, ObjectNode batch) {
        synchronized (company.set("journalLines")) {
            List<ObjectNode> lines = company.set("journalLines").values().stream()
                    .filter(line -> line.path("journalDisplayName").asText().equals(batch.path("code").asText()))
                    .toList();
            if (lines.isEmpty()) {
                throw new Refused(400, "Internal_ErrorFieldTooLong", "There is nothing to post.");
            }
            Map<String, BigDecimal> balances = new LinkedHashMap<>();
            lines.forEach(line -> balances.merge(line.path("documentNumber").asText(), line.path("amount").decimalValue(),
                    BigDecimal::add));
            balances.forEach((document, balance) -> {
                if (balance.signum() != 0) {
                    throw new Refused(400, "Internal_ErrorFieldTooLong", "Document No. " + document + " is out of"
                            + " balance by " + balance.setScale(2).toPlainString() + ". Please check that Posting Date,"
                            + " Document Type, Document No. and Amount are correct for each line.");
                }
            });
            for (ObjectNode line : lines) {
                BigDecimal amount = line.path("amount").decimalValue();
                ObjectNode entry = JSON.createObjectNode().put("id", String.valueOf(NUMBERS.incrementAndGet()))
                        .put("postingDate", line.path("postingDate").asText())
                        .put("documentNumber", line.path("documentNumber").asText()).put("documentType", " ")
                        .put("accountNumber", line.path("accountNumber").asText())
                        .put("description", line.path("description").asText())
                        .put("debitAmount", amount.max(BigDecimal.ZERO)).put("creditAmount", amount.negate().max(BigDecimal.ZERO));
                insert(company, "generalLedgerEntries", entry);
                company.set("journalLines").remove(line.path("id").asText());
            }
        }
    }

    private static ObjectNode creditMemo(Company company, ObjectNode body) {
        return salesDocument(company, "salesCreditMemos", "S-CR", "salesCreditMemoLines", body);
    }

    /** A general journal batch of the company with this code (ledgerbridge's own); answers its id. */
    public static String journalBatch(String company, String code) {
        ObjectNode journal = JSON.createObjectNode().put("id", UUID.randomUUID().toString()).put("code", code)
                .put("displayName", "ledgerbridge");
        COMPANIES.get(company).set("journals").put(journal.path("id").asText(), stamp(journal));
        return journal.path("id").asText();
    }

    private static List<String[]> clauses(String filter) {
        List<String[]> clauses = new ArrayList<>();
        if (filter == null || filter.isBlank()) {
            return clauses;
        }
        for (String clause : filter.split(" and ")) {
            Matcher m = CLAUSE.matcher(clause.trim());
            if (!m.matches()) {
                throw new Refused(400, "BadRequest", "Invalid filter expression: " + clause);
            }
            String value = m.group(3).startsWith("'")
                    ? m.group(3).substring(1, m.group(3).length() - 1).replace("''", "'") : m.group(3);
            clauses.add(new String[] {m.group(1), m.group(2), value});
        }
        return clauses;
    }

    private static boolean holds(ObjectNode record, String[] clause) {
        String actual = record.path(clause[0]).asText("");
        if ("eq".equals(clause[1])) {
            return actual.equalsIgnoreCase(clause[2]);
        }
        int order = actual.substring(0, Math.min(10, actual.length())).compareTo(clause[2]);
        return switch (clause[1]) {
            case "ge" -> order >= 0;
            case "gt" -> order > 0;
            case "lt" -> order < 0;
            default -> order <= 0;
        };
    }

    private static void required(ObjectNode body, String field, String table) {
        if (body.path(field).asText("").isBlank()) {
            throw new Refused(400, "BadRequest", field + " must have a value in " + table + ".");
        }
    }

    private static void unique(Company company, String set, ObjectNode body, String field, String table) {
        String value = body.path(field).asText("");
        if (!value.isEmpty() && company.set(set).values().stream().anyMatch(r -> value.equals(r.path(field).asText()))) {
            throw new Refused(400, "Internal_EntityWithSameKeyExists", "The record in table " + table
                    + " already exists. Identification fields and values: No.='" + value + "'");
        }
    }

    private static ObjectNode insert(Company company, String set, ObjectNode record) {
        stamp(record);
        company.set(set).put(record.path("id").asText(), record);
        return record.deepCopy();
    }

    private static ObjectNode stamp(ObjectNode record) {
        record.put("@odata.etag", "W/\"JzE5OzEyMzQ1Njc4OTA" + VERSIONS.incrementAndGet() + "Oyc=\"");
        record.put("lastModifiedDateTime", Instant.now().toString());
        return record;
    }

    private static Company company(String id) {
        Company company = COMPANIES.get(id);
        if (company == null) {
            throw new Refused(404, "BadRequest_NotFound", "The company '" + id + "' does not exist.");
        }
        return company;
    }

    private static ObjectNode find(Company company, String set, String id) {
        ObjectNode record = company.set(set).get(id);
        if (record == null) {
            throw new Refused(404, "BadRequest_NotFound", "The " + set + " with id '" + id + "' does not exist.");
        }
        return record;
    }

    private static ObjectNode body(String content) throws java.io.IOException {
        JsonNode body = JSON.readTree(content == null ? "" : content);
        if (!(body instanceof ObjectNode object)) {
            throw new Refused(400, "BadRequest", "The request body is not a JSON object.");
        }
        return object;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> query = new LinkedHashMap<>();
        if (url.contains("?")) {
            for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static ResponseDefinition ok(ObjectNode body) {
        return json(200, body);
    }

    private static ResponseDefinition created(ObjectNode body) {
        return json(201, body);
    }

    private static ResponseDefinition json(int status, ObjectNode body) {
        try {
            HttpHeaders headers = new HttpHeaders(new HttpHeader("Content-Type", "application/json; odata.metadata=minimal"));
            if (body.has("@odata.etag")) {
                headers = headers.plus(new HttpHeader("ETag", body.path("@odata.etag").asText()));
            }
            return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
                    .withHeaders(headers).withBody(JSON.writeValueAsString(body)).build();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResponseDefinition odataError(int status, String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("code", code).put("message", message);
        return json(status, error);
    }

    /** A refusal as Business Central words it. */
    private static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
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
