package io.ledgerbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.contract.ContractTerm;
import io.ledgerbridge.contract.ContractType;
import io.ledgerbridge.contract.Contracts;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.money.FxRates;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.RateCards;
import io.ledgerbridge.legalentity.LegalEntities.LegalEntity;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.AssignmentRecord;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.GroupCommit;
import io.ledgerbridge.store.ReferenceCache;
import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.sync.SyncRecords;
import io.ledgerbridge.warehouse.Extracts;
import io.ledgerbridge.warehouse.FactEvent;
import io.ledgerbridge.warehouse.Facts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;

/**
 * The business rules and pricing of approved time and expenses, and their billable items: the project must be active
 * and the person assigned on the business date (REFERENCE), the rate card version of the work date prices time
 * (RATE), the FX rate of the business date converts (FX).
 */
@ApplicationScoped
@Named("billables")
public class Billables {

    /** The most completions or pricings one transaction takes (a flow has at most lanes x consumers in flight). */
    private static final int MAX_GROUP = 100;

    private final FlowJson json;
    private final RateCards rateCards;
    private final FxRates fxRates;
    private final Regions regions;
    private final SyncRecords syncRecords;
    private final int maxDaysAhead;
    private final GroupCommit<Completion> completions;
    private final GroupCommit<Pricing> pricings;

    private final Facts facts;
    private final ReferenceCache references;

    Billables(FlowJson json, RateCards rateCards, FxRates fxRates, Regions regions, SyncRecords syncRecords,
            LedgerbridgeConfig config, MeterRegistry registry, Facts facts, ReferenceCache references) {
        this.facts = facts;
        this.references = references;
        int concurrent = config.store().concurrentGroups();
        Duration linger = config.store().groupLinger();
        this.completions = new GroupCommit<>("completions", MAX_GROUP, concurrent, linger, this::completeAll, registry);
        this.pricings = new GroupCommit<>("pricings", MAX_GROUP, concurrent, linger, this::priceAll, registry);
        this.maxDaysAhead = config.time().maxDaysAhead();
        this.json = json;
        this.rateCards = rateCards;
        this.fxRates = fxRates;
        this.regions = regions;
        this.syncRecords = syncRecords;
    }

    /** The project and assignment behind a record on a business date. */
    private record Staffed(ProjectRecord project, AssignmentRecord assignment) {
    }

    /** What prices a time entry: its staffing, the rate card version of the work date, the FX rate (or null). */
    private record Priced(Staffed staffed, RateCards.Rates rates, BigDecimal fx, ContractType contract) {
    }

    /**
     * Adds {@code billing} to a canonical time entry: role from the assignment of the work date, bill rate of the rate
     * card version in force that day, converted to the project's currency at that day's rate, and the line amount;
     * header {@link ErpCall#LEGAL_ENTITY}: the project's legal entity, whose ERP the entry goes to.
     */
    public String priceTime(Exchange exchange) {
        ObjectNode entry = read(exchange);
        String system = entry.path("sourceSystem").asText();
        String approval = entry.path("approval").path("state").asText();
        if (!"APPROVED".equals(approval)) {
            throw new FlowFailure(ErrorClass.VALIDATION, "the entry is " + approval
                    + ", not APPROVED: only approved time goes to the ERP");
        }
        LocalDate workDate = LocalDate.parse(entry.path("workDate").asText());
        LocalDate latest = LocalDate.now(java.time.ZoneOffset.UTC).plusDays(maxDaysAhead);
        if (workDate.isAfter(latest)) {
            throw new FlowFailure(ErrorClass.VALIDATION, "work date " + workDate + " is more than " + maxDaysAhead
                    + " days ahead (ledgerbridge.time.max-days-ahead); approved time is billed for work done");
        }
        // the reference data of the work date, read with that of concurrent flows in one transaction
        Pricing pricing = new Pricing(system, entry.path("project").path("sourceId").asText(),
                entry.path("resource").path("sourceId").asText(), workDate);
        try {
            pricings.commit(pricing);
        } catch (RuntimeException groupFailed) {
            if (pricing.refused == null) {
                throw groupFailed;
            }
        }
        if (pricing.refused != null) {
            throw pricing.refused;
        }
        Priced priced = pricing.priced;
        Staffed staffed = priced.staffed();
        ProjectRecord project = staffed.project();
        RateCards.Rates rates = priced.rates();
        BigDecimal hours = entry.path("hours").decimalValue();
        Money rate = rates.billRate();
        BigDecimal fx = priced.fx();
        if (fx != null) {
            rate = rate.convert(fx, Currency.getInstance(project.currency));
        }
        ObjectNode billing = entry.putObject("billing");
        billing.put("projectKey", project.id);
        // the contract of the work date: on a fixed fee the hour is effort (progress and cost), not a billable line
        billing.put("contractType", priced.contract().name());
        billing.put("role", staffed.assignment().role);
        billing.put("rateCard", rates.card());
        billing.put("rateVersion", rates.version());
        billing.put("currency", project.currency);
        billing.put("unitPrice", rate.amount());
        billing.put("amount", entry.path("billable").asBoolean(true) ? rate.times(hours).amount()
                : BigDecimal.ZERO.setScale(Money.minorUnits(rate.currency())));
        billing.put("sourceCurrency", rates.billRate().currency().getCurrencyCode());
        billing.put("sourceUnitPrice", rates.billRate().amount());
        if (fx != null) {
            billing.put("fxRate", fx);
        }
        exchange.getMessage().setHeader(ErpCall.LEGAL_ENTITY, regions.of(project.region).entity());
        return json.write(exchange, entry);
    }

    /** One time entry's reference data to read: its staffing, rates and FX rate on its work date. */
    private static final class Pricing {
        final String system;
        final String psaProjectId;
        final String psaUserId;
        final LocalDate workDate;
        Priced priced;
        FlowFailure refused;

        Pricing(String system, String psaProjectId, String psaUserId, LocalDate workDate) {
            this.system = system;
            this.psaProjectId = psaProjectId;
            this.psaUserId = psaUserId;
            this.workDate = workDate;
        }
    }

    /**
     * Reads the reference data of a group of time entries in one transaction, from this instance's
     * {@link ReferenceCache} while the store's reference generation has not moved, else from the store: the projects
     * not kept in one query, the people's assignments in another, each rate card version and FX rate once; an entry
     * whose data is missing or inactive gets its own failure, the others are priced.
     */
    private void priceAll(List<Pricing> group) {
        ReferenceCache.Generation refs = references.current();
        Set<String> projectIds = new HashSet<>();
        Set<List<String>> staffing = new HashSet<>();
        group.forEach(pricing -> {
            projectIds.add(pricing.psaProjectId);
            staffing.add(List.of(pricing.psaProjectId, pricing.psaUserId));
        });
        Map<String, ProjectRecord> projects = projects(refs, projectIds);
        Map<List<String>, List<AssignmentRecord>> assignments = assignments(refs, staffing);
        Map<Long, List<ContractTerm>> terms = refs.getAll("contract-terms",
                projects.values().stream().map(p -> p.id).toList(), ids -> {
                    Map<Long, List<ContractTerm>> byProject = new HashMap<>();
                    ContractTerm.ofProjects(ids).forEach(t -> byProject.computeIfAbsent(t.projectId,
                            k -> new ArrayList<>()).add(t));
                    ids.forEach(id -> byProject.putIfAbsent(id, List.of()));
                    return byProject;
                });
        for (Pricing pricing : group) {
            pricing.priced = null;
            pricing.refused = null;
            try {
                Staffed staffed = staffed(pricing.system, pricing.psaProjectId, pricing.psaUserId, pricing.workDate,
                        Optional.ofNullable(projects.get(pricing.psaProjectId)),
                        assignments.getOrDefault(List.of(pricing.psaProjectId, pricing.psaUserId), List.of()));
                String card = staffed.project().rateCard;
                String role = staffed.assignment().role;
                RateCards.Rates rate = refs.<RateCards.Rates>get("rates", List.of(card, role, pricing.workDate),
                        () -> rateCards.findRatesOn(card, role, pricing.workDate).orElse(null));
                if (rate == null) {
                    throw RateCards.noRate(card, role, pricing.workDate);
                }
                String from = rate.billRate().currency().getCurrencyCode();
                String to = staffed.project().currency;
                BigDecimal fx = from.equals(to) ? null : fxRate(refs, from, to, pricing.workDate);
                pricing.priced = new Priced(staffed, rate, fx, Contracts.typeOn(
                        terms.getOrDefault(staffed.project().id, List.of()), staffed.project(), pricing.workDate));
            } catch (FlowFailure refused) {
                pricing.refused = refused;
            }
        }
    }

    /** The projects of the PSA ids (those known), from the reference cache or in one query. */
    private static Map<String, ProjectRecord> projects(ReferenceCache.Generation refs, Set<String> psaIds) {
        return refs.getAll("projects", psaIds, missing -> {
            Map<String, ProjectRecord> found = new HashMap<>();
            ProjectRecord.byPsaIds(missing).forEach(project -> found.put(project.psaId, project));
            return found;
        });
    }

    /** The assignments of each (PSA project, PSA person), newest first, from the reference cache or in one query. */
    private static Map<List<String>, List<AssignmentRecord>> assignments(ReferenceCache.Generation refs,
            Set<List<String>> staffing) {
        return refs.getAll("assignments", staffing, missing -> {
            Map<List<String>, List<AssignmentRecord>> found = new HashMap<>();
            missing.forEach(pair -> found.put(pair, new ArrayList<>()));
            AssignmentRecord.ofAny(missing.stream().map(pair -> pair.get(0)).collect(Collectors.toSet()),
                    missing.stream().map(pair -> pair.get(1)).collect(Collectors.toSet())).forEach(a -> {
                        List<AssignmentRecord> of = found.get(List.of(a.psaProjectId, a.psaUserId));
                        if (of != null) {
                            of.add(a);
                        }
                    });
            return found;
        });
    }

    /** Units of {@code to} per unit of {@code from} on the date, from the reference cache or the store. */
    private BigDecimal fxRate(ReferenceCache.Generation refs, String from, String to, LocalDate on) {
        BigDecimal rate = refs.get("fx", List.of(from, to, on), () -> fxRates.findRateOn(from, to, on).orElse(null));
        if (rate == null) {
            throw FxRates.noRate(from, to, on);
        }
        return rate;
    }

    /**
     * Adds {@code billing} and {@code erp} to a canonical expense: its amount converted at the FX rate of the spent
     * date into the project's currency (what is billed) and the currency of the project's legal entity (what its ERP
     * books), and the entity's expense tax type and account; header {@link ErpCall#LEGAL_ENTITY} says which ERP.
     */
    public String priceExpense(Exchange exchange) {
        ObjectNode expense = read(exchange);
        String system = expense.path("ref").path("system").asText();
        LocalDate spent = LocalDate.parse(expense.path("spentDate").asText());
        Staffed staffed = QuarkusTransaction.requiringNew().call(() -> staffed(system,
                expense.path("project").path("id").asText(), expense.path("resource").path("id").asText(), spent));
        ProjectRecord project = staffed.project();
        // canonical money is a decimal string (never a float): read it as text
        Money paid = new Money(new BigDecimal(expense.path("amount").path("amount").asText()),
                Currency.getInstance(expense.path("amount").path("currency").asText()));
        Money billed = fxRates.convert(paid, project.currency, spent);
        LegalEntity entity = regions.entityOf(project.region);
        exchange.getMessage().setHeader(ErpCall.LEGAL_ENTITY, entity.code());
        Money booked = fxRates.convert(paid, entity.currency().getCurrencyCode(), spent);

        ObjectNode billing = expense.putObject("billing");
        billing.put("projectKey", project.id);
        billing.put("currency", project.currency);
        billing.put("unitPrice", billed.amount());
        billing.put("amount", expense.path("billable").asBoolean(true) ? billed.amount()
                : BigDecimal.ZERO.setScale(Money.minorUnits(billed.currency())));
        billing.put("sourceCurrency", paid.currency().getCurrencyCode());
        billing.put("sourceAmount", paid.amount());
        if (!paid.currency().equals(billed.currency())) {
            billing.put("fxRate", fxRates.rateOn(paid.currency().getCurrencyCode(), project.currency, spent));
        }
        ObjectNode erp = expense.putObject("booking");
        erp.put("currency", booked.currency().getCurrencyCode());
        erp.put("amount", booked.amount());
        erp.put("taxType", entity.expenseTaxType());
        erp.put("accountCode", entity.expenseAccount());
        // who paid: the firm's card (spent from its bank account) or the consultant (reimbursed to them)
        boolean card = entity.paidByCard(expense.path("category").asText(null));
        erp.put("paymentMethod", card ? "COMPANY_CARD" : "REIMBURSABLE");
        if (card) {
            erp.put("bankAccountCode", entity.cardAccount());
        }
        erp.put("legalEntity", entity.name());
        exchange.getMessage().setHeader(FlowHeaders.ERP_PROJECT_ID, project.erpProjectId);
        return json.write(exchange, expense);
    }

    private Staffed staffed(String system, String psaProjectId, String psaUserId, LocalDate date) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            ReferenceCache.Generation refs = references.current();
            return staffed(system, psaProjectId, psaUserId, date,
                    Optional.ofNullable(projects(refs, Set.of(psaProjectId)).get(psaProjectId)),
                    assignments(refs, Set.of(List.of(psaProjectId, psaUserId)))
                            .getOrDefault(List.of(psaProjectId, psaUserId), List.of()));
        });
    }

    /** The project, active on the date, and the person's assignment to it covering the date (newest first). */
    private static Staffed staffed(String system, String psaProjectId, String psaUserId, LocalDate date,
            Optional<ProjectRecord> found, List<AssignmentRecord> assignments) {
        ProjectRecord project = found.orElseThrow(() -> new ReferenceMissing(
                List.of("PROJECT:" + system + ":" + psaProjectId),
                "project " + system + ":" + psaProjectId + " is unknown: no deal-won set-up or loaded project"));
        if (!project.activeOn(date)) {
            throw new FlowFailure(ErrorClass.REFERENCE, "project " + system + ":" + psaProjectId + " ("
                    + project.name + ") is not active on " + date + ": " + project.status + " from "
                    + project.startsOn + (project.endsOn == null ? "" : " to " + project.endsOn));
        }
        AssignmentRecord assignment = assignments.stream().filter(a -> a.coversDay(date)).findFirst()
                .orElseThrow(() -> new ReferenceMissing(
                        List.of("ASSIGNMENT:" + system + ":" + psaProjectId + ":" + psaUserId),
                        "person " + system + ":" + psaUserId + " is not assigned to project " + system + ":"
                                + psaProjectId + " on " + date));
        return new Staffed(project, assignment);
    }

    /**
     * The posting of {@code canonical} (the priced record of {@code kind} TIME or EXPENSE) is done: marks its sync record
     * posted (target id and action) and keeps the priced record as a billable item, in one transaction (the
     * exchange only lends the record's one parse). A newer version replaces an unbilled item; once billed, the difference becomes a new item.
     * Completions of concurrent flows are committed together ({@link GroupCommit}): one transaction, one query for
     * the billable items of the whole group and one batch of updates, instead of a transaction per posting.
     */
    public void complete(Exchange exchange, String kind, String canonical, Long syncRecordId, String targetId,
            String action) {
        JsonNode record = json.read(exchange, canonical);
        completions.commit(new Completion(BillableItem.Kind.valueOf(kind), record,
                new SyncRecords.Posted(syncRecordId, targetId, action)));
    }

    /** One finished posting: the priced record and its sync record. */
    private record Completion(BillableItem.Kind kind, JsonNode record, SyncRecords.Posted posted) {
        boolean time() {
            return kind == BillableItem.Kind.TIME;
        }

        // canonical time entries name their source flat, canonical expenses in a ref
        String system() {
            return time() ? record.path("sourceSystem").asText() : record.path("ref").path("system").asText();
        }

        String sourceId() {
            return time() ? record.path("sourceId").asText() : record.path("ref").path("id").asText();
        }
    }

    /** Where a billable item comes from (a source system's items of a kind, with a null source id). */
    private record SourceKey(BillableItem.Kind kind, String system, String sourceId) {
    }

    /** A group's completions, inside the group commit's transaction. */
    private void completeAll(List<Completion> group) {
        // the billable items of every source in the group: one query per kind and source system
        Map<SourceKey, List<BillableItem>> existing = new HashMap<>();
        Map<SourceKey, List<String>> sourceIds = new LinkedHashMap<>();
        for (Completion completion : group) {
            existing.put(new SourceKey(completion.kind(), completion.system(), completion.sourceId()),
                    new ArrayList<>());
            sourceIds.computeIfAbsent(new SourceKey(completion.kind(), completion.system(), null),
                    k -> new ArrayList<>()).add(completion.sourceId());
        }
        // the items of the sources that have any (a new entry has none: a plain select says so)
        sourceIds.replaceAll((system, ids) -> List.copyOf(StoreSql.present("billable_item", "source_id",
                "kind = ? and source_system = ?", new Object[] {system.kind(), system.system()}, ids)));
        sourceIds.forEach((system, ids) -> BillableItem.ofSources(system.kind(), system.system(), ids)
                .forEach(item -> existing.get(new SourceKey(item.kind, item.sourceSystem, item.sourceId)).add(item)));
        List<SyncRecords.Posted> posted = new ArrayList<>(group.size());
        List<BillableItem> kept = new ArrayList<>(group.size());
        List<BillableItem> created = new ArrayList<>(group.size());
        for (Completion completion : group) {
            BillableItem item = keep(completion, existing.get(new SourceKey(completion.kind(), completion.system(),
                    completion.sourceId())), created);
            if (item != null) {
                kept.add(item);
            }
            posted.add(completion.posted());
        }
        // the group's new items in one JDBC batch (an item of a source completed twice in the group: its last state)
        StoreSql.insertAll("billable_item", "kind, source_system, source_id, source_version, project_id, "
                + "psa_user_id, role, work_date, quantity, unit_price, rate_card, rate_version, source_currency, "
                + "source_amount, fx_rate, amount, currency, description, status, created_at, updated_at", created,
                i -> new Object[] {i.kind, i.sourceSystem, i.sourceId, i.sourceVersion, i.projectId, i.psaUserId,
                        i.role, i.workDate, i.quantity, i.unitPrice, i.rateCard, i.rateVersion, i.sourceCurrency,
                        i.sourceAmount, i.fxRate, i.amount, i.currency, i.description, i.status, i.createdAt,
                        i.updatedAt});
        syncRecords.markPosted(posted);
        // the warehouse feed: each entry as kept, in this transaction, with its project as pricing read it (or newer)
        Set<Long> projectIds = kept.stream().map(i -> i.projectId).collect(Collectors.toSet());
        Map<Long, ProjectRecord> projects = projectIds.isEmpty() ? Map.of()
                : references.latest().getAll("projects-by-key", projectIds, missing -> {
                    Map<Long, ProjectRecord> found = new HashMap<>();
                    ProjectRecord.<ProjectRecord>list("id in ?1", missing).forEach(p -> found.put(p.id, p));
                    return found;
                });
        List<FactEvent> recorded = new ArrayList<>(kept.size());
        for (BillableItem item : kept) {
            recorded.add(facts.event(item.kind == BillableItem.Kind.TIME ? "time-entry" : "expense",
                    item.sourceSystem + ":" + item.sourceId, Extracts.item(item, projects.get(item.projectId))));
        }
        facts.recordAll(recorded);
    }

    /**
     * Keeps one completion's billable item; {@code existing} holds its source's items and is kept up to date, a new
     * item goes to {@code created} (to be inserted with the group's). Answers the item kept (null when nothing is
     * open for the source any more).
     */
    private BillableItem keep(Completion completion, List<BillableItem> existing, List<BillableItem> created) {
        JsonNode record = completion.record();
        JsonNode billing = record.path("billing");
        boolean time = completion.time();
        BigDecimal quantity = time ? record.path("hours").decimalValue() : BigDecimal.ONE;
        BigDecimal amount = billing.path("amount").decimalValue();
        if (!record.path("billable").asBoolean(true)) {
            quantity = BigDecimal.ZERO;
        }
        BillableItem item = existing.stream().filter(Billables::open).findFirst().orElse(null);
        // what invoices hold for the source (a credited item was reversed by its credit note: the source's open item
        // carries its whole value again)
        BigDecimal billedQuantity = existing.stream().filter(i -> !open(i) && i.status != BillableItem.Status.CREDITED)
                .map(i -> i.quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal billedAmount = existing.stream().filter(i -> !open(i) && i.status != BillableItem.Status.CREDITED)
                .map(i -> i.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        // time under a fixed fee (the contract of its work date) is effort: kept, never billed
        BillableItem.Status status = time && !ContractType.valueOf(billing.path("contractType")
                .asText(ContractType.TIME_AND_MATERIALS.name())).billsTime()
                ? BillableItem.Status.EFFORT : BillableItem.Status.UNBILLED;
        BigDecimal openQuantity = quantity.subtract(billedQuantity);
        BigDecimal openAmount = amount.subtract(billedAmount);
        Instant now = StoreTime.now();
        if (openQuantity.signum() == 0 && openAmount.signum() == 0) {
            if (item != null) {
                if (!created.remove(item)) {
                    item.delete();
                }
                existing.remove(item);
            }
            return null;
        }
        if (item == null) {
            item = new BillableItem();
            item.kind = completion.kind();
            item.sourceSystem = completion.system();
            item.sourceId = completion.sourceId();
            item.createdAt = now;
            existing.add(item);
            created.add(item);
        }
        item.status = status;
        item.sourceVersion = record.path("version").asText();
        item.projectId = billing.path("projectKey").asLong();
        item.psaUserId = record.path("resource").path(time ? "sourceId" : "id").asText();
        item.role = time ? billing.path("role").asText() : record.path("category").asText(null);
        item.workDate = LocalDate.parse(record.path(time ? "workDate" : "spentDate").asText());
        item.quantity = openQuantity;
        item.unitPrice = billing.path("unitPrice").decimalValue();
        item.rateCard = time ? billing.path("rateCard").asText() : null;
        item.rateVersion = time ? billing.path("rateVersion").asInt() : null;
        item.sourceCurrency = billing.path("sourceCurrency").asText(null);
        item.sourceAmount = time ? billing.path("sourceUnitPrice").decimalValue()
                : billing.path("sourceAmount").decimalValue();
        item.fxRate = billing.hasNonNull("fxRate") ? billing.path("fxRate").decimalValue() : null;
        item.amount = openAmount;
        item.currency = billing.path("currency").asText();
        item.description = record.path("notes").asText(null);
        item.updatedAt = now;
        return item;
    }

    /**
     * Whether an item still follows its source's changes: not on an invoice nor written off (unbilled, effort, or
     * held beyond a cap: a new version is weighed against the cap again at the next billing).
     */
    private static boolean open(BillableItem item) {
        return item.status == BillableItem.Status.UNBILLED || item.status == BillableItem.Status.EFFORT
                || item.status == BillableItem.Status.HELD;
    }

    /** The record of the body, to be priced: this step changes it. */
    private ObjectNode read(Exchange exchange) {
        JsonNode node = json.take(exchange, exchange.getMessage().getBody(String.class));
        if (!(node instanceof ObjectNode object)) {
            throw new FlowFailure(ErrorClass.VALIDATION, "expected a JSON object");
        }
        return object;
    }
}
