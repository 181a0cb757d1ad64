package io.ledgerbridge.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.billing.CreditNoteLine;
import io.ledgerbridge.billing.InvoiceLineRecord;
import io.ledgerbridge.close.PeriodClose;
import io.ledgerbridge.close.RevenueJournal;
import io.ledgerbridge.close.RevenueJournalLine;
import io.ledgerbridge.contract.Milestone;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The period extract for a data warehouse: one CSV per fact (time entries and expenses of the period, the invoice
 * lines of its billing runs, the credit note lines planned in it, the journal lines of its closes, the milestones
 * completed in it) and a manifest naming each file's fact, JSON Schema (mappings/schemas/facts/, version in the file
 * name's fact type), rows, SHA-256 and amount total, so that a warehouse loads the numbers the ERP got and can check
 * it loaded all of them. Every row is an object of its fact's schema, its values strings (decimals as decimal
 * strings) or empty for null.
 */
@ApplicationScoped
public class Extracts {

    /** The schema version of every fact: the facts' CloudEvent types end in it ({@code io.ledgerbridge.fact.<fact>.v1}). */
    public static final String VERSION = "1";

    /** One fact's rows, its columns in the order of its schema's {@code required}. */
    public record Fact(String name, String file, String amountColumn, List<String> columns,
            List<Map<String, String>> rows) {

        public String schema() {
            return "mappings/schemas/facts/" + name + ".schema.json";
        }

        public String type() {
            return "io.ledgerbridge.fact." + name + ".v" + VERSION;
        }
    }

    private static final List<String> TIME_ENTRY = List.of("source_system", "source_id", "version", "project_id",
            "project_code", "person", "role", "work_date", "hours", "rate", "amount", "currency", "status",
            "billing_run_id", "invoice_line_id", "credit_note_line_id");
    private static final List<String> EXPENSE = List.of("source_system", "source_id", "version", "project_id",
            "project_code", "person", "category", "spent_date", "amount", "currency", "source_amount",
            "source_currency", "fx_rate", "status", "billing_run_id", "invoice_line_id", "credit_note_line_id");
    private static final List<String> INVOICE_LINE = List.of("billing_run_id", "project_id", "erp_invoice_id",
            "erp_invoice_number", "issue_date", "line_no", "kind", "description", "quantity", "unit_price",
            "line_amount", "currency", "tax_type");
    private static final List<String> CREDIT_NOTE_LINE = List.of("credit_note_id", "project_id", "reference",
            "erp_credit_note_id", "issue_date", "corrects_billing_run_id", "corrects_invoice_line_id", "line_no",
            "kind", "description", "quantity", "unit_price", "line_amount", "currency");
    private static final List<String> JOURNAL_LINE = List.of("period_close_id", "entity", "journal_reference",
            "journal_kind", "journal_date", "erp_journal_id", "line_no", "category", "project_id", "account_code",
            "amount", "currency", "description");
    private static final List<String> MILESTONE = List.of("project_id", "code", "name", "amount", "currency",
            "status", "due_on", "completed_on", "completed_by", "billable_item_id");

    private final ObjectMapper json;

    Extracts(ObjectMapper json) {
        this.json = json;
    }

    /** The facts of a period, read in one transaction. */
    @Transactional
    public List<Fact> facts(YearMonth period) {
        LocalDate from = period.atDay(1);
        LocalDate to = period.atEndOfMonth();
        Map<Long, ProjectRecord> projects = new HashMap<>();
        ProjectRecord.<ProjectRecord>listAll().forEach(p -> projects.put(p.id, p));
        List<BillableItem> work = BillableItem.list("workDate >= ?1 and workDate <= ?2 and kind in ?3 order by id",
                from, to, List.of(BillableItem.Kind.TIME, BillableItem.Kind.EXPENSE));
        List<Map<String, String>> time = new ArrayList<>();
        List<Map<String, String>> expenses = new ArrayList<>();
        for (BillableItem i : work) {
            (i.kind == BillableItem.Kind.TIME ? time : expenses).add(item(i, projects.get(i.projectId)));
        }

        List<Map<String, String>> invoiceLines = new ArrayList<>();
        for (BillingRun run : BillingRun.<BillingRun>list("period = ?1 and status = ?2 order by id", period.toString(),
                BillingRun.Status.INVOICED)) {
            for (InvoiceLineRecord line : InvoiceLineRecord.ofRun(run.id)) {
                invoiceLines.add(invoiceLine(run, line));
            }
        }

        List<Map<String, String>> creditLines = new ArrayList<>();
        for (CreditNote note : CreditNote.<CreditNote>list("period = ?1 order by id", period.toString())) {
            for (CreditNoteLine line : CreditNoteLine.of(note.id)) {
                creditLines.add(creditNoteLine(note, line));
            }
        }

        List<Map<String, String>> journalLines = new ArrayList<>();
        for (PeriodClose close : PeriodClose.<PeriodClose>list("period = ?1 order by id", period.toString())) {
            for (RevenueJournal journal : RevenueJournal.ofClose(close.id)) {
                for (RevenueJournalLine line : RevenueJournalLine.of(journal.id)) {
                    journalLines.add(journalLine(close, journal, line));
                }
            }
        }

        List<Map<String, String>> milestones = new ArrayList<>();
        for (Milestone m : Milestone.<Milestone>list("completedOn >= ?1 and completedOn <= ?2 order by id", from, to)) {
            milestones.add(milestone(m));
        }

        return List.of(new Fact("time-entry", "time-entries.csv", "amount", TIME_ENTRY, time),
                new Fact("expense", "expenses.csv", "amount", EXPENSE, expenses),
                new Fact("invoice-line", "invoice-lines.csv", "line_amount", INVOICE_LINE, invoiceLines),
                new Fact("credit-note-line", "credit-note-lines.csv", "line_amount", CREDIT_NOTE_LINE, creditLines),
                new Fact("journal-line", "journal-lines.csv", "amount", JOURNAL_LINE, journalLines),
                new Fact("milestone", "milestones.csv", "amount", MILESTONE, milestones));
    }

    /** The row of an approved time entry or expense (its billable item): a time-entry or expense fact. */
    public static Map<String, String> item(BillableItem i, ProjectRecord project) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("source_system", i.sourceSystem);
        row.put("source_id", i.sourceId);
        row.put("version", i.sourceVersion);
        row.put("project_id", text(i.projectId));
        row.put("project_code", project == null ? null : project.code);
        row.put("person", i.psaUserId);
        if (i.kind == BillableItem.Kind.TIME) {
            row.put("role", i.role);
            row.put("work_date", text(i.workDate));
            row.put("hours", text(i.quantity));
            row.put("rate", text(i.unitPrice));
        } else {
            row.put("category", i.role);
            row.put("spent_date", text(i.workDate));
        }
        row.put("amount", text(i.amount));
        row.put("currency", i.currency);
        if (i.kind == BillableItem.Kind.EXPENSE) {
            row.put("source_amount", text(i.sourceAmount));
            row.put("source_currency", i.sourceCurrency);
            row.put("fx_rate", text(i.fxRate));
        }
        row.put("status", i.status.name());
        row.put("billing_run_id", text(i.billingRunId));
        row.put("invoice_line_id", text(i.invoiceLineId));
        row.put("credit_note_line_id", text(i.creditNoteLineId));
        return complete(row, i.kind == BillableItem.Kind.TIME ? TIME_ENTRY : EXPENSE);
    }

    /** The row of an invoice line of an invoiced billing run: an invoice-line fact. */
    public static Map<String, String> invoiceLine(BillingRun run, InvoiceLineRecord line) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("billing_run_id", text(run.id));
        row.put("project_id", text(run.projectId));
        row.put("erp_invoice_id", run.erpInvoiceId);
        row.put("erp_invoice_number", run.erpInvoiceNumber);
        row.put("issue_date", text(run.issueDate));
        row.put("line_no", text(line.lineNo));
        row.put("kind", line.kind);
        row.put("description", line.description);
        row.put("quantity", text(line.quantity));
        row.put("unit_price", text(line.unitPrice));
        row.put("line_amount", text(line.lineAmount));
        row.put("currency", run.currency);
        row.put("tax_type", line.taxType);
        return complete(row, INVOICE_LINE);
    }

    /** The row of a credit note line: a credit-note-line fact. */
    public static Map<String, String> creditNoteLine(CreditNote note, CreditNoteLine line) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("credit_note_id", text(note.id));
        row.put("project_id", text(note.projectId));
        row.put("reference", note.reference);
        row.put("erp_credit_note_id", note.erpCreditNoteId);
        row.put("issue_date", text(note.issueDate));
        row.put("corrects_billing_run_id", text(note.correctsRunId));
        row.put("corrects_invoice_line_id", text(line.correctsLineId));
        row.put("line_no", text(line.lineNo));
        row.put("kind", line.kind);
        row.put("description", line.description);
        row.put("quantity", text(line.quantity));
        row.put("unit_price", text(line.unitPrice));
        row.put("line_amount", text(line.lineAmount));
        row.put("currency", note.currency);
        return complete(row, CREDIT_NOTE_LINE);
    }

    /** The row of a revenue journal line of a period close: a journal-line fact. */
    public static Map<String, String> journalLine(PeriodClose close, RevenueJournal journal, RevenueJournalLine line) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("period_close_id", text(close.id));
        row.put("entity", close.entity);
        row.put("journal_reference", journal.reference);
        row.put("journal_kind", journal.kind.name());
        row.put("journal_date", text(journal.journalDate));
        row.put("erp_journal_id", journal.erpJournalId);
        row.put("line_no", text(line.lineNo));
        row.put("category", line.category.name());
        row.put("project_id", text(line.projectId));
        row.put("account_code", line.accountCode);
        row.put("amount", text(line.amount));
        row.put("currency", journal.currency);
        row.put("description", line.description);
        return complete(row, JOURNAL_LINE);
    }

    /** The row of a milestone: a milestone fact. */
    public static Map<String, String> milestone(Milestone m) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("project_id", text(m.projectId));
        row.put("code", m.code);
        row.put("name", m.name);
        row.put("amount", text(m.amount));
        row.put("currency", m.currency);
        row.put("status", m.status.name());
        row.put("due_on", text(m.dueOn));
        row.put("completed_on", text(m.completedOn));
        row.put("completed_by", m.completedBy);
        row.put("billable_item_id", text(m.billableItemId));
        return complete(row, MILESTONE);
    }

    /** The row with every column of its fact, in the fact's order (null where it has no value). */
    private static Map<String, String> complete(Map<String, String> row, List<String> columns) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String column : columns) {
            ordered.put(column, row.get(column));
        }
        return ordered;
    }

    /** The extract as a ZIP: manifest.json and one CSV per fact (RFC 4180, a header row, UTF-8). */
    public byte[] zip(YearMonth period) {
        List<Fact> facts = facts(period);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ObjectNode manifest = json.createObjectNode();
            manifest.put("period", period.toString());
            manifest.put("generatedAt", StoreTime.now().toString());
            manifest.put("schemaVersion", VERSION);
            ArrayNode files = manifest.putArray("files");
            for (Fact fact : facts) {
                byte[] csv = csv(fact).getBytes(StandardCharsets.UTF_8);
                zip.putNextEntry(new ZipEntry(fact.file()));
                zip.write(csv);
                zip.closeEntry();
                ObjectNode entry = files.addObject();
                entry.put("file", fact.file());
                entry.put("fact", fact.name());
                entry.put("type", fact.type());
                entry.put("schema", fact.schema());
                entry.put("rows", fact.rows().size());
                entry.put("sha256", sha256(csv));
                // the sum of the fact's amounts per currency, to check a load against
                ObjectNode totals = entry.putObject("totals");
                Map<String, BigDecimal> sums = new LinkedHashMap<>();
                for (Map<String, String> row : fact.rows()) {
                    String amount = row.get(fact.amountColumn());
                    if (amount != null) {
                        sums.merge(row.get("currency"), new BigDecimal(amount), BigDecimal::add);
                    }
                }
                sums.forEach((currency, sum) -> totals.put(currency, sum.toPlainString()));
            }
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String csv(Fact fact) {
        StringBuilder out = new StringBuilder(String.join(",", fact.columns())).append("\r\n");
        for (Map<String, String> row : fact.rows()) {
            List<String> cells = new ArrayList<>();
            for (String column : fact.columns()) {
                cells.add(cell(row.get(column)));
            }
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString();
    }

    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value.toString();
    }
}
