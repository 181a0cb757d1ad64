package io.ledgerbridge.erp.xero;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * Which Xero document an approved expense becomes. Xero retires its Receipts and Expense Claims endpoints in
 * February 2027 and recommends instead: a bill (ACCPAY invoice) to the consultant for an expense they paid and are
 * reimbursed, a spend-money bank transaction for one paid with the firm's card (the legal entity's companyCard
 * categories, mappings/entities.json). The former receipts stay available behind
 * {@code ledgerbridge.erp.xero.expense-receipts} until the retirement date, and are not used from that day.
 */
@ApplicationScoped
@Named("xeroExpenses")
public class XeroExpenses {

    /** The header naming the document: {@code bill}, {@code spend-money} or {@code receipt}. */
    public static final String DOCUMENT = "ledgerbridgeXeroExpenseDocument";
    /** The first day Xero no longer takes receipts. */
    public static final LocalDate RECEIPTS_RETIRED = LocalDate.of(2027, 2, 1);
    private static final Logger LOG = Logger.getLogger(XeroExpenses.class);

    private final FlowJson json;
    private final boolean receipts;
    private final Clock clock;
    private final AtomicBoolean warned = new AtomicBoolean();

    @jakarta.inject.Inject
    XeroExpenses(FlowJson json, LedgerbridgeConfig config) {
        this(json, config.erp().xero().expenseReceipts(), Clock.systemUTC());
    }

    XeroExpenses(FlowJson json, boolean receipts, Clock clock) {
        this.json = json;
        this.receipts = receipts;
        this.clock = clock;
    }

    /** Sets header {@value #DOCUMENT} for the priced canonical expense of the body. */
    public void document(Exchange exchange) {
        JsonNode expense = json.read(exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader(DOCUMENT, documentFor(expense.path("booking").path("paymentMethod").asText()));
    }

    String documentFor(String paymentMethod) {
        if (receipts) {
            if (LocalDate.now(clock).isBefore(RECEIPTS_RETIRED)) {
                return "receipt";
            }
            if (warned.compareAndSet(false, true)) {
                LOG.warnf("ledgerbridge.erp.xero.expense-receipts is set, but Xero retired receipts on %s: expenses "
                        + "are posted as bills and spend-money transactions", RECEIPTS_RETIRED);
            }
        }
        return "COMPANY_CARD".equals(paymentMethod) ? "spend-money" : "bill";
    }
}
