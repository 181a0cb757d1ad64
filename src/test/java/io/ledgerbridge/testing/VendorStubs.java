package io.ledgerbridge.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real HTTP stand-ins for the vendors' SaaS (Xero Projects and Accounting, Xero identity, Business Central and its
 * Entra identity, Harvest) on a free port. Every request to
 * a vendor API is checked against the vendor's published OpenAPI contract; a violating request is answered 400 and
 * recorded, so a mapping that drifts from the contract fails its test.
 */
public class VendorStubs implements QuarkusTestResourceLifecycleManager {

    public static final String XERO_BASE = "/projects.xro/2.0";
    public static final String XERO_ACCOUNTING_BASE = "/api.xro/2.0";
    public static final String HARVEST_BASE = "/v2";
    /** The CRM (Salesforce REST) publishes no contract here: its stub answers without a check. */
    public static final String CRM_BASE = "/services/data/v61.0";
    public static final String TENANT = "3c2b6a1e-64a6-4f0e-9a57-7f4c1a2b3c4d";
    /** Business Central's API below its server, as the published contract's sandbox server names it. */
    public static final String BC_BASE = "/v2.0/sandbox/api/v1.0";
    /** The Business Central company the test profiles post to (20 % sales tax), and its expense journal. */
    public static final String BC_COMPANY = "7d4e2f10-5a6b-4c8d-9e0f-1a2b3c4d5e6f";
    public static final String BC_EXPENSE_JOURNAL = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
    private static volatile WireMockServer server;
    private final boolean journal;
    private final com.github.tomakehurst.wiremock.extension.Extension[] extensions;

    /** The stubs as the test suites use them: every request kept for assertions. */
    public VendorStubs() {
        this(true);
    }

    /** Without a request journal (a benchmark counts calls itself instead of keeping 100,000 requests). */
    public VendorStubs(boolean journal) {
        this(journal, new com.github.tomakehurst.wiremock.extension.Extension[0]);
    }

    /** With further WireMock extensions (e.g. a fault-injecting ERP for chaos runs), named in a test's own stubs. */
    public VendorStubs(boolean journal, com.github.tomakehurst.wiremock.extension.Extension... extensions) {
        this.journal = journal;
        this.extensions = extensions;
    }

    @Override
    public Map<String, String> start() {
        List<ContractCheck> contracts = List.of(
                new ContractCheck("xero-projects.yaml", XERO_BASE),
                new ContractCheck("xero_accounting.p2c-subset.yaml", XERO_ACCOUNTING_BASE),
                new ContractCheck("harvest-openapi.yaml", HARVEST_BASE),
                new ContractCheck("business-central-v1.0.yaml", BC_BASE));
        BusinessCentralLedger.base(BC_BASE);
        com.github.tomakehurst.wiremock.core.WireMockConfiguration options = wireMockConfig().dynamicPort()
                .extensions(new ContractFilter(contracts), new XeroInvoices(), new XeroDocuments(), new Held(), new BusinessCentralLedger()).extensions(extensions);
        server = new WireMockServer(journal ? options : options.disableRequestJournal().containerThreads(24));
        server.start();
        reset();
        String base = "http://127.0.0.1:" + server.port();
        return Map.ofEntries(
                Map.entry("ledgerbridge.erp.xero.base-url", base + XERO_BASE),
                Map.entry("ledgerbridge.erp.xero.tenant-id", TENANT),
                Map.entry("ledgerbridge.erp.xero.accounting-url", base + XERO_ACCOUNTING_BASE),
                Map.entry("ledgerbridge.crm.base-url", base + CRM_BASE),
                Map.entry("ledgerbridge.crm.token", "test-crm-token"),
                Map.entry("quarkus.oidc-client.xero.auth-server-url", base),
                Map.entry("quarkus.oidc-client.xero.client-id", "test-client"),
                Map.entry("quarkus.oidc-client.xero.credentials.client-secret.value", "test-secret"),
                Map.entry("ledgerbridge.sources.harvest.base-url", base + HARVEST_BASE),
                Map.entry("ledgerbridge.sources.harvest.account-id", "123456"),
                Map.entry("ledgerbridge.sources.harvest.token", "test-harvest-token"),
                // the stubs enforce no call limits (unless a test makes them): the budgets do not hold the suites back
                Map.entry("ledgerbridge.erp.budgets.xero.calls", "100000"),
                Map.entry("ledgerbridge.erp.budgets.xero.window", "1s"),
                Map.entry("ledgerbridge.erp.budgets.xero.burst", "1000"),
                Map.entry("ledgerbridge.erp.budgets.xero.per-day", "0"),
                Map.entry("ledgerbridge.erp.budgets.xero.concurrent", "64"),
                Map.entry("ledgerbridge.erp.budgets.business-central.calls", "100000"),
                Map.entry("ledgerbridge.erp.budgets.business-central.window", "1s"),
                Map.entry("ledgerbridge.erp.budgets.business-central.burst", "1000"),
                Map.entry("ledgerbridge.erp.budgets.business-central.concurrent", "64"),
                Map.entry("ledgerbridge.erp.business-central.base-url", base + "/v2.0"),
                Map.entry("ledgerbridge.erp.business-central.environment", "sandbox"),
                Map.entry("ledgerbridge.erp.business-central.api-version", "v1.0"),
                Map.entry("ledgerbridge.erp.business-central.company-id", BC_COMPANY),
                Map.entry("ledgerbridge.erp.business-central.expense-journal-id", BC_EXPENSE_JOURNAL),
                Map.entry("quarkus.oidc-client.business-central.auth-server-url", base + "/bc-identity"),
                Map.entry("quarkus.oidc-client.business-central.token-path", "/test-tenant/oauth2/v2.0/token"),
                Map.entry("quarkus.oidc-client.business-central.client-id", "test-bc-client"),
                Map.entry("quarkus.oidc-client.business-central.credentials.client-secret.value", "test-bc-secret"));
    }

    /** The running stub server. */
    public static WireMockServer server() {
        return server;
    }

    /** Contract violations seen since the last {@link #reset()}. */
    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    /** Forgets requests and scenario stubs; the default answers of a healthy Xero are back. */
    public static void reset() {
        Held.gate.countDown();
        server.resetAll();
        VIOLATIONS.clear();
        server.stubFor(post(urlPathEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"xero-token-{{randomValue length=12 type='ALPHANUMERIC'}}\","
                        + "\"expires_in\":1800,\"token_type\":\"Bearer\"}").withTransformers("response-template")));
        // Business Central: the Entra token endpoint, and the company's ledger behind the API
        server.stubFor(post(urlPathEqualTo("/bc-identity/test-tenant/oauth2/v2.0/token"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("grant_type=client_credentials"))
                .willReturn(okJson("{\"access_token\":\"bc-token-{{randomValue length=12 type='ALPHANUMERIC'}}\","
                        + "\"expires_in\":3599,\"token_type\":\"Bearer\"}").withTransformers("response-template")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching(BC_BASE + "/.*")).atPriority(10)
                .willReturn(aResponse().withTransformers(BusinessCentralLedger.NAME)));
        BusinessCentralLedger.reset();
        BusinessCentralLedger.company(BC_COMPANY, "20", BC_EXPENSE_JOURNAL);
        server.stubFor(post(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Time")).atPriority(10)
                .willReturn(timeEntryCreated()));
        server.stubFor(put(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Time/[^/]+")).atPriority(10)
                .willReturn(aResponse().withStatus(204)));
        // Xero Accounting: created documents answer with a fresh id and the request echoed
        server.stubFor(put(urlPathEqualTo(XERO_ACCOUNTING_BASE + "/Receipts")).atPriority(10).willReturn(okJson(
                "{\"Receipts\":[{\"ReceiptID\":\"{{randomValue type='UUID'}}\",\"Status\":\"DRAFT\"}]}")
                .withTransformers("response-template")));
        server.stubFor(put(urlPathEqualTo(XERO_ACCOUNTING_BASE + "/BankTransactions")).atPriority(10).willReturn(okJson(
                "{\"BankTransactions\":[{\"BankTransactionID\":\"{{randomValue type='UUID'}}\",\"Type\":\"SPEND\","
                        + "\"Status\":\"AUTHORISED\"}]}").withTransformers("response-template")));
        server.stubFor(put(urlPathEqualTo(XERO_ACCOUNTING_BASE + "/Invoices")).atPriority(10)
                .willReturn(aResponse().withTransformers(XeroInvoices.NAME)));
        XeroDocuments.reset();
        XeroInvoices.ARCHIVED.clear();
        for (String documents : List.of("/CreditNotes", "/CreditNotes/[^/]+/Allocations", "/ManualJournals")) {
            server.stubFor(put(urlPathMatching(XERO_ACCOUNTING_BASE + documents)).atPriority(10)
                    .willReturn(aResponse().withTransformers(XeroDocuments.NAME)));
        }
        // an invoice as Xero holds it: as created, less the credit allocated to it
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(XERO_ACCOUNTING_BASE + "/Invoices/[^/]+"))
                .atPriority(10).willReturn(aResponse().withTransformers(XeroDocuments.NAME)));
        server.stubFor(post(urlPathEqualTo(HARVEST_BASE + "/invoices")).atPriority(10).willReturn(okJson(
                "{\"id\":{{randomInt lower=100000 upper=999999}} ,\"number\":\"{{jsonPath request.body '$.number'}}\"}")
                .withStatus(201).withTransformers("response-template")));
        server.stubFor(post(urlPathMatching(HARVEST_BASE + "/invoices/[0-9]+/payments")).atPriority(10).willReturn(okJson(
                "{\"id\":{{randomInt lower=100000 upper=999999}} }").withStatus(201).withTransformers("response-template")));
        server.stubFor(put(urlPathEqualTo(XERO_ACCOUNTING_BASE + "/Contacts")).atPriority(10).willReturn(okJson(
                "{\"Contacts\":[{\"ContactID\":\"{{randomValue type='UUID'}}\","
                        + "\"Name\":\"{{jsonPath request.body '$.Contacts[0].Name'}}\"}]}")
                .withTransformers("response-template")));
        server.stubFor(post(urlPathEqualTo(XERO_BASE + "/Projects")).atPriority(10).willReturn(okJson(
                "{\"projectId\":\"{{randomValue type='UUID'}}\",\"name\":\"{{jsonPath request.body '$.name'}}\","
                        + "\"status\":\"INPROGRESS\"}").withStatus(201).withTransformers("response-template")));
        server.stubFor(post(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Tasks")).atPriority(10).willReturn(okJson(
                "{\"taskId\":\"{{randomValue type='UUID'}}\",\"name\":\"{{jsonPath request.body '$.name'}}\"}")
                .withStatus(201).withTransformers("response-template")));
        server.stubFor(post(urlPathEqualTo(HARVEST_BASE + "/clients")).atPriority(10).willReturn(okJson(
                "{\"id\":{{randomInt lower=100000 upper=999999}} ,\"name\":\"{{jsonPath request.body '$.name'}}\"}")
                .withStatus(201).withTransformers("response-template")));
        server.stubFor(post(urlPathEqualTo(HARVEST_BASE + "/projects")).atPriority(10).willReturn(okJson(
                "{\"id\":{{randomInt lower=10000000 upper=99999999}} ,\"name\":\"{{jsonPath request.body '$.name'}}\"}")
                .withStatus(201).withTransformers("response-template")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching(CRM_BASE + "/.*"))
                .atPriority(10).willReturn(aResponse().withStatus(204)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(HARVEST_BASE + "/clients"))
                .atPriority(10).willReturn(okJson("{\"clients\":[],\"per_page\":2000,\"total_pages\":1,\"page\":1}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(HARVEST_BASE + "/projects"))
                .atPriority(10).willReturn(okJson("{\"projects\":[],\"per_page\":2000,\"total_pages\":1,\"page\":1}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(HARVEST_BASE + "/projects/[0-9]+/task_assignments"))
                .atPriority(10).willReturn(okJson("{\"task_assignments\":[],\"per_page\":2000,\"total_pages\":1,\"page\":1}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(HARVEST_BASE + "/time_entries"))
                .atPriority(10).willReturn(okJson("{\"time_entries\":[],\"per_page\":2000,\"total_pages\":1,"
                        + "\"next_page\":null,\"page\":1}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Time"))
                .atPriority(10).willReturn(okJson("{\"pagination\":{\"page\":1,\"pageSize\":500,\"pageCount\":1,"
                        + "\"itemCount\":0},\"items\":[]}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(HARVEST_BASE + "/users"))
                .atPriority(10).willReturn(okJson("{\"users\":[],\"per_page\":2000,\"total_pages\":1,\"page\":1}")));
        server.stubFor(post(urlPathEqualTo(HARVEST_BASE + "/users")).atPriority(10).willReturn(okJson(
                "{\"id\":{{randomInt lower=1000000 upper=9999999}} ,\"email\":\"{{jsonPath request.body '$.email'}}\"}")
                .withStatus(201).withTransformers("response-template")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching(HARVEST_BASE + "/.*"))
                .atPriority(10).willReturn(okJson("{\"id\":1}")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(XERO_BASE + "/ProjectsUsers"))
                .atPriority(10).willReturn(okJson("{\"pagination\":{\"page\":1,\"pageSize\":50,\"pageCount\":1,"
                        + "\"itemCount\":0},\"items\":[]}")));
        server.stubFor(post(urlPathMatching(HARVEST_BASE + "/projects/[0-9]+/task_assignments")).atPriority(10)
                .willReturn(okJson("{\"id\":{{randomInt lower=100000 upper=999999}} }").withStatus(201)
                        .withTransformers("response-template")));
    }

    /**
     * Xero holds its answers to time entries of this ERP project until the returned action runs (or a minute has
     * passed, or {@link #reset()}): the message posting it stays in flight for as long as a test needs.
     */
    public static Runnable holdTimeEntries(String erpProjectId) {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        Held.gate = gate;
        server.stubFor(post(urlPathEqualTo(XERO_BASE + "/Projects/" + erpProjectId + "/Time")).atPriority(1)
                .willReturn(timeEntryCreated().withTransformers("response-template", Held.NAME)));
        return gate::countDown;
    }

    /** Xero's answer to a created time entry: a new id and the request's fields. */
    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder timeEntryCreated() {
        return okJson("{\"timeEntryId\":\"{{randomValue type='UUID'}}\",\"userId\":\"{{jsonPath request.body '$.userId'}}\","
                + "\"taskId\":\"{{jsonPath request.body '$.taskId'}}\","
                + "\"dateUtc\":\"{{jsonPath request.body '$.dateUtc'}}\","
                + "\"duration\":{{jsonPath request.body '$.duration'}},\"status\":\"ACTIVE\"}")
                .withTransformers("response-template");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Holds a response until the test opens the gate (see {@link #holdTimeEntries}). */
    public static final class Held implements com.github.tomakehurst.wiremock.extension.ResponseTransformerV2 {

        static final String NAME = "held";
        static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

        @Override
        public com.github.tomakehurst.wiremock.http.Response transform(com.github.tomakehurst.wiremock.http.Response response,
                ServeEvent event) {
            try {
                gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return response;
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }
    }

    /**
     * Xero's PUT /Invoices as Xero computes it: each line amount is quantity x unit amount rounded to the cent, the
     * sub-total their sum, and a tax of 20% per line; the answer carries a new InvoiceID and number. The same
     * Idempotency-Key answers the same invoice, as Xero does.
     */
    public static final class XeroInvoices implements com.github.tomakehurst.wiremock.extension.ResponseTransformerV2 {

        static final String NAME = "xero-invoices";
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
        private static final Map<String, Answer> BY_KEY = new java.util.concurrent.ConcurrentHashMap<>();
        private static final Map<String, com.fasterxml.jackson.databind.node.ObjectNode> BY_ID =
                new java.util.concurrent.ConcurrentHashMap<>();
        private static final java.util.concurrent.atomic.AtomicInteger NUMBERS = new java.util.concurrent.atomic.AtomicInteger(1000);

        /** Contacts archived in the organisation: Xero refuses new invoices to them. */
        private static final java.util.Set<String> ARCHIVED = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** The answer to a request: its status and body. */
        private record Answer(int status, String body) {
        }

        /** Archives a contact: invoices to it are refused with Xero's validation message. */
        public static void archive(String contactId) {
            ARCHIVED.add(contactId);
        }

        @Override
        public com.github.tomakehurst.wiremock.http.Response transform(com.github.tomakehurst.wiremock.http.Response response,
                ServeEvent event) {
            String key = event.getRequest().getHeader("Idempotency-Key");
            boolean summarize = !event.getRequest().getUrl().contains("summarizeErrors=false");
            Answer answer = key == null ? answer(event.getRequest().getBodyAsString(), summarize)
                    : BY_KEY.computeIfAbsent(key, k -> answer(event.getRequest().getBodyAsString(), summarize));
            return com.github.tomakehurst.wiremock.http.Response.Builder.like(response).but().status(answer.status())
                    .headers(new com.github.tomakehurst.wiremock.http.HttpHeaders(
                            new com.github.tomakehurst.wiremock.http.HttpHeader("Content-Type", "application/json")))
                    .body(answer.body()).build();
        }

        /**
         * Every invoice of the request created (numbered, its amounts and tax worked out) unless refused: as Xero
         * does, with summarizeErrors=false each invoice is answered with its own errors and the others are created;
         * else one refused invoice refuses the request (400 ValidationException) and none is created.
         */
        private static Answer answer(String request, boolean summarize) {
            try {
                var invoices = JSON.readTree(request).path("Invoices");
                var answered = JSON.createArrayNode();
                boolean refused = false;
                for (var element : invoices) {
                    var invoice = (com.fasterxml.jackson.databind.node.ObjectNode) element.deepCopy();
                    String contact = invoice.path("Contact").path("ContactID").asText();
                    if (ARCHIVED.contains(contact)) {
                        refused = true;
                        invoice.put("HasErrors", true).put("StatusAttributeString", "ERROR");
                        invoice.putArray("ValidationErrors").addObject().put("Message",
                                "This contact has been archived and cannot be used on new transactions.");
                    }
                    answered.add(invoice);
                }
                if (refused && summarize) {
                    var error = JSON.createObjectNode().put("ErrorNumber", 10).put("Type", "ValidationException")
                            .put("Message", "A validation exception occurred");
                    error.set("Elements", answered);
                    return new Answer(400, JSON.writeValueAsString(error));
                }
                for (var invoice : answered) {
                    if (!invoice.path("HasErrors").asBoolean(false)) {
                        create((com.fasterxml.jackson.databind.node.ObjectNode) invoice, summarize);
                    }
                }
                return new Answer(200, JSON.writeValueAsString(JSON.createObjectNode().set("Invoices", answered)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void create(com.fasterxml.jackson.databind.node.ObjectNode invoice, boolean summarize) {
            java.math.BigDecimal subTotal = java.math.BigDecimal.ZERO;
            java.math.BigDecimal tax = java.math.BigDecimal.ZERO;
            for (var line : invoice.path("LineItems")) {
                java.math.BigDecimal amount = line.path("Quantity").decimalValue()
                        .multiply(line.path("UnitAmount").decimalValue())
                        .setScale(2, java.math.RoundingMode.HALF_UP);
                ((com.fasterxml.jackson.databind.node.ObjectNode) line).put("LineAmount", amount);
                java.math.BigDecimal lineTax = amount.multiply(new java.math.BigDecimal("0.20"))
                        .setScale(2, java.math.RoundingMode.HALF_UP);
                ((com.fasterxml.jackson.databind.node.ObjectNode) line).put("TaxAmount", lineTax);
                subTotal = subTotal.add(amount);
                tax = tax.add(lineTax);
            }
            invoice.put("InvoiceID", java.util.UUID.randomUUID().toString());
            if (!"ACCPAY".equals(invoice.path("Type").asText())) {
                // Xero numbers sales invoices; a bill carries its supplier's number, if any
                invoice.put("InvoiceNumber", "INV-" + NUMBERS.incrementAndGet());
            }
            invoice.put("SubTotal", subTotal);
            invoice.put("TotalTax", tax);
            invoice.put("Total", subTotal.add(tax));
            if (!summarize) {
                invoice.put("HasErrors", false).put("StatusAttributeString", "OK");
            }
            BY_ID.put(invoice.path("InvoiceID").asText(), invoice);
        }

        /** How many invoices Xero created with this reference (an invoice sent twice would be two). */
        public static long createdWithReference(String reference) {
            return BY_ID.values().stream().filter(i -> reference.equals(i.path("Reference").asText())).count();
        }

        /** The invoice created with this id, as it was answered (a copy), or null. */
        public static com.fasterxml.jackson.databind.node.ObjectNode created(String id) {
            var invoice = BY_ID.get(id);
            return invoice == null ? null : invoice.deepCopy();
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

    /** Answers 400 to any request that violates its vendor's contract, and records the violation. */
    static final class ContractFilter implements StubRequestFilterV2 {

        private final List<ContractCheck> contracts;

        ContractFilter(List<ContractCheck> contracts) {
            this.contracts = contracts;
        }

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            String path = request.getUrl();
            for (ContractCheck contract : contracts) {
                if (contract.covers(path)) {
                    List<String> violations;
                    try {
                        violations = contract.violations(request);
                    } catch (RuntimeException unreadable) {
                        violations = List.of("the contract check failed: " + unreadable);
                    }
                    if (!violations.isEmpty()) {
                        String described = request.getMethod() + " " + path + ": " + violations;
                        VIOLATIONS.add(described);
                        System.err.println("vendor contract violation: " + described);
                        return RequestFilterAction.stopWith(new ResponseDefinition(400, described));
                    }
                }
            }
            return RequestFilterAction.continueWith(request);
        }

        @Override
        public String getName() {
            return "vendor-contract-check";
        }
    }
}
