package io.ledgerbridge.erp;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;

/**
 * The check every ERP's post-journal route makes before its first call: a canonical journal
 * (mappings/schemas/journal.schema.json) whose debits and credits differ by a cent is refused as VALIDATION, naming
 * both sums, instead of being sent and refused, or worse, booked out of balance.
 */
@ApplicationScoped
@Named("journals")
public class Journals {

    private final FlowJson json;

    Journals(FlowJson json) {
        this.json = json;
    }

    /** Refuses a journal that does not balance to the cent, or has no debit or no credit. */
    public void requireBalanced(String body) {
        JsonNode journal = json.read(body);
        BigDecimal debits = BigDecimal.ZERO;
        BigDecimal credits = BigDecimal.ZERO;
        for (JsonNode line : journal.path("lines")) {
            BigDecimal amount;
            try {
                amount = new BigDecimal(line.path("amount").asText());
            } catch (NumberFormatException notAnAmount) {
                throw new FlowFailure(ErrorClass.VALIDATION, "journal " + journal.path("reference").asText()
                        + ": line amount '" + line.path("amount").asText() + "' is not a decimal amount");
            }
            if (amount.scale() > 2) {
                throw new FlowFailure(ErrorClass.VALIDATION, "journal " + journal.path("reference").asText()
                        + ": line amount " + amount.toPlainString() + " has more than two decimals");
            }
            if (amount.signum() > 0) {
                debits = debits.add(amount);
            } else {
                credits = credits.add(amount.negate());
            }
        }
        if (debits.signum() == 0 || credits.signum() == 0 || debits.compareTo(credits) != 0) {
            throw new FlowFailure(ErrorClass.VALIDATION, "journal " + journal.path("reference").asText()
                    + " does not balance: debits " + debits.setScale(2).toPlainString() + ", credits "
                    + credits.setScale(2).toPlainString());
        }
    }
}
