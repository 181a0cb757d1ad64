package io.ledgerbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.erp.ErpGateway;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.TargetRejected;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Billing many runs at once (the schedule at month end): the planned runs of a legal entity whose ERP takes many
 * invoices in one call (the capability create-invoices: Xero's PUT /Invoices with an array) go in batches of up to
 * {@code ledgerbridge.billing.batch-size}, one call each instead of one per invoice. A batch is kept in the store as
 * it is sent (io.ledgerbridge.billing.BillingBatch) under its own idempotency key, and every run in it names it: a
 * retry, a replay of the batch, or a single run of it billed again (billing-run) sends the same request under the same
 * key, so the ERP answers what it created the first time and nothing is invoiced twice. An invoice the ERP refused
 * leaves its batch and fails alone (TARGET_REJECTED with the ERP's reasons, a dead letter of its run); its replay
 * sends it alone under the run's own key.
 */
@ApplicationScoped
@Named("billingBatches")
public class BillingBatches {

    /** Header: the key of the billing batch whose request a run's invoice is sent in (billing-run). */
    public static final String BATCH = "ledgerbridgeBillingBatch";
    /** A batch not answered for this long, with no dead letter saying why, is sent again by the schedule. */
    static final Duration STALLED = Duration.ofMinutes(15);

    private final FlowJson json;
    private final ErpGateway erp;
    private final LedgerbridgeConfig config;
    private final Regions regions;
    private final BillingRuns billingRuns;

    BillingBatches(FlowJson json, ErpGateway erp, LedgerbridgeConfig config, Regions regions, BillingRuns billingRuns) {
        this.json = json;
        this.erp = erp;
        this.config = config;
        this.regions = regions;
        this.billingRuns = billingRuns;
    }

    /**
     * Takes the run requests just planned (billing-run-plan) and forms the batches: the runs planned and not yet sent,
     * per legal entity whose ERP can create-invoices, up to the batch size, each claimed for its batch (a run another
     * billing of the period claimed a moment ago stays its). Answers what to send: {@code {"batch": <key>}} for each
     * batch, and the request ({@code {"projectId", "period"}}) of each run sent alone, or already sent (billing-run
     * sends it again the way it was claimed).
     */
    public List<String> form(List<String> requests) {
        Map<String, List<BillingRun>> byEntity = new LinkedHashMap<>();
        List<String> sendings = new ArrayList<>();
        for (String request : requests) {
            JsonNode asked = json.read(request);
            BillingRun run = QuarkusTransaction.requiringNew().call(() -> BillingRun.of(
                    asked.path("projectId").asLong(), asked.path("period").asText()).orElse(null));
            if (run == null || run.status != BillingRun.Status.PLANNED) {
                continue; // nothing to bill, failed planning (its dead letter), or invoiced
            }
            String entity = QuarkusTransaction.requiringNew().call(() -> regions.of(ProjectRecord
                    .<ProjectRecord>findByIdOptional(run.projectId).orElseThrow().region).entity());
            if (run.batchKey == null && erp.can(entity, "create-invoices")) {
                byEntity.computeIfAbsent(String.valueOf(entity), e -> new ArrayList<>()).add(run);
            } else {
                sendings.add(request(run));
            }
        }
        int size = Math.max(1, config.billing().batchSize());
        for (Map.Entry<String, List<BillingRun>> entity : byEntity.entrySet()) {
            List<BillingRun> runs = entity.getValue();
            for (int first = 0; first < runs.size(); first += size) {
                List<BillingRun> chunk = runs.subList(first, Math.min(first + size, runs.size()));
                if (chunk.size() == 1) {
                    sendings.add(request(chunk.get(0)));
                    continue;
                }
                String entityName = "null".equals(entity.getKey()) ? null : entity.getKey();
                List<BillingRun> claimed = store(entityName, chunk);
                if (!claimed.isEmpty()) {
                    sendings.add(json.write(json.object().put("batch", claimed.get(0).batchKey)));
                }
                chunk.stream().filter(run -> !claimed.contains(run)).forEach(run -> sendings.add(request(run)));
            }
        }
        return sendings;
    }

    private String request(BillingRun run) {
        return json.write(json.object().put("projectId", run.projectId).put("period", run.period));
    }

    /**
     * Claims the runs for a new batch (those another billing claimed meanwhile stay out) and keeps the batch as it
     * will be sent; answers the runs in it.
     */
    private List<BillingRun> store(String entity, List<BillingRun> runs) {
        return QuarkusTransaction.requiringNew().call(() -> {
            String key = "billing-batch-" + digest(runs.stream().map(r -> String.valueOf(r.id))
                    .collect(Collectors.joining(",")));
            List<BillingRun> claimed = new ArrayList<>();
            ArrayNode invoices = json.object().arrayNode();
            for (BillingRun run : runs) {
                if (BillingRun.update("batchKey = ?1 where id = ?2 and batchKey is null and status = ?3", key, run.id,
                        BillingRun.Status.PLANNED) == 1) {
                    run.batchKey = key;
                    claimed.add(run);
                    invoices.add(billingRuns.invoice(ProjectRecord.findById(run.projectId), run));
                }
            }
            if (claimed.isEmpty()) {
                return claimed;
            }
            BillingBatch batch = new BillingBatch();
            batch.key = key;
            batch.legalEntity = entity;
            batch.runIds = claimed.stream().map(r -> String.valueOf(r.id)).collect(Collectors.joining(","));
            batch.invoices = json.write(invoices);
            batch.createdAt = StoreTime.now();
            batch.persist();
            return claimed;
        });
    }

    /**
     * The batch the body names ({@code {"batch": <key>}}) as it was first sent: the invoices become the body, its key
     * the idempotency key, its legal entity the ledger. A batch whose runs are all invoiced (or left it) is SKIP.
     */
    public void load(Exchange exchange) {
        Message in = exchange.getMessage();
        String key = json.read(in.getBody(String.class)).path("batch").asText();
        FlowIdentity.identify(in, "ledgerbridge", key, null, "billing:" + key);
        BillingBatch batch = QuarkusTransaction.requiringNew().call(() -> BillingBatch.findById(key));
        if (batch == null) {
            throw new FlowFailure(ErrorClass.VALIDATION, "no billing batch " + key);
        }
        long open = QuarkusTransaction.requiringNew().call(() -> BillingRun.count(
                "batchKey = ?1 and status = ?2", key, BillingRun.Status.PLANNED));
        if (open == 0) {
            in.setHeader(FlowHeaders.SYNC_ACTION, "SKIP");
            in.setHeader(FlowHeaders.SKIP_REASON, "every run of billing batch " + key + " is invoiced or was sent alone");
            return;
        }
        in.setHeader(FlowHeaders.SYNC_ACTION, "CREATE");
        in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, key);
        in.setHeader(ErpCall.LEGAL_ENTITY, batch.legalEntity);
        in.setHeader(BATCH, key);
        in.setBody(batch.invoices);
    }

    /**
     * The ERP's answers to a batch (create-invoices), one per run in the order sent, each as the body of the run's
     * own completion: {@code {"runId", "projectId", "period", "answer"}}.
     */
    public List<String> answers(Exchange exchange) {
        Message in = exchange.getMessage();
        BillingBatch batch = QuarkusTransaction.requiringNew().call(() -> BillingBatch.findById(
                in.getHeader(BATCH, String.class)));
        JsonNode answers = json.read(in.getBody(String.class));
        List<Long> ids = runIds(batch);
        if (!answers.isArray() || answers.size() != ids.size()) {
            throw new FlowFailure(ErrorClass.INTERNAL, "billing batch " + batch.key + " of " + ids.size()
                    + " invoices was answered with " + answers.size() + " answers");
        }
        Map<Long, BillingRun> runs = QuarkusTransaction.requiringNew().call(() -> BillingRun.<BillingRun>list(
                "id in ?1", ids).stream().collect(Collectors.toMap(r -> r.id, r -> r)));
        List<String> each = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            BillingRun run = runs.get(ids.get(i));
            each.add(json.write(json.object().put("runId", run.id).put("projectId", run.projectId)
                    .put("period", run.period).set("answer", answers.get(i))));
        }
        return each;
    }

    /**
     * One run's share of a batch's answer (body {@code {"runId", "projectId", "period", "answer"}}): the run becomes
     * the exchange's (its request the payload a dead letter replays), and its answer the body for
     * billingRuns.complete; a run invoiced already (the batch was sent again) is SKIP. An invoice the ERP refused
     * leaves the batch and fails as TARGET_REJECTED with the ERP's reasons.
     */
    public void invoiced(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode share = json.read(in.getBody(String.class));
        long runId = share.path("runId").asLong();
        String request = json.write(json.object().put("projectId", share.path("projectId").asLong())
                .put("period", share.path("period").asText()));
        exchange.setProperty(FlowHeaders.ORIGINAL_PAYLOAD, request);
        FlowIdentity.identify(in, "ledgerbridge", share.path("projectId").asText() + ":" + share.path("period").asText(),
                null, BillingRuns.businessKey(share.path("projectId").asText(), share.path("period").asText()));
        in.setHeader(InvoiceStatus.BILLING_RUN_ID, runId);
        BillingRun run = QuarkusTransaction.requiringNew().call(() -> BillingRun.findById(runId));
        if (run.status == BillingRun.Status.INVOICED) {
            in.setHeader(FlowHeaders.SYNC_ACTION, "SKIP");
            in.setHeader(FlowHeaders.SKIP_REASON, "billing run " + runId + " is invoiced as " + run.erpInvoiceNumber);
            return;
        }
        in.setHeader(FlowHeaders.SYNC_ACTION, "CREATE");
        take(in, run, share.path("answer"));
    }

    /**
     * A single run whose invoice is in a batch, billed again (billing-run): its answer among the batch's (header
     * {@value #BATCH}), as {@link #invoiced} takes it.
     */
    public void pick(Exchange exchange) {
        Message in = exchange.getMessage();
        long runId = in.getHeader(InvoiceStatus.BILLING_RUN_ID, Long.class);
        BillingBatch batch = QuarkusTransaction.requiringNew().call(() -> BillingBatch.findById(
                in.getHeader(BATCH, String.class)));
        int index = runIds(batch).indexOf(runId);
        JsonNode answers = json.read(in.getBody(String.class));
        if (index < 0 || index >= answers.size()) {
            throw new FlowFailure(ErrorClass.INTERNAL, "billing batch " + batch.key + " has no answer for run " + runId);
        }
        take(in, QuarkusTransaction.requiringNew().call(() -> BillingRun.findById(runId)), answers.get(index));
    }

    private void take(Message in, BillingRun run, JsonNode answer) {
        if (answer.has("error")) {
            // the ERP did not create it: it leaves the batch, and its replay sends it alone under its own key
            QuarkusTransaction.requiringNew().run(() -> BillingRun.update("batchKey = null where id = ?1", run.id));
            throw new TargetRejected("the ERP refused the invoice of billing run " + run.id + " (billing batch "
                    + run.batchKey + "): " + answer.path("error").asText());
        }
        in.setBody(json.write(answer));
        in.setHeader(FlowHeaders.TARGET_ID, answer.path("id").asText());
    }

    /**
     * Batches with a run still planned that nobody is dealing with: not answered for {@link #STALLED} (the instance
     * stopped between forming and sending it) and no open dead letter of the batch or of that run. The schedule
     * sends them again ({@code {"batch": <key>}}).
     */
    public List<String> stalled() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> keys = new ArrayList<>();
            for (BillingBatch batch : BillingBatch.<BillingBatch>list("select b from BillingBatch b where b.createdAt"
                    + " < ?1 and exists (select 1 from BillingRun r where r.batchKey = b.key and r.status = ?2)",
                    StoreTime.now().minus(STALLED), BillingRun.Status.PLANNED)) {
                boolean batchLetter = !DeadLetter.openByBusinessKey("billing:" + batch.key).isEmpty();
                boolean waiting = BillingRun.<BillingRun>list("batchKey = ?1 and status = ?2", batch.key,
                        BillingRun.Status.PLANNED).stream().anyMatch(run -> DeadLetter.openByBusinessKey(
                                BillingRuns.businessKey(run.projectId, run.period)).isEmpty());
                if (!batchLetter && waiting) {
                    keys.add(json.write(json.object().put("batch", batch.key)));
                }
            }
            return keys;
        });
    }

    private static List<Long> runIds(BillingBatch batch) {
        return Arrays.stream(batch.runIds.split(",")).map(Long::valueOf).toList();
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
