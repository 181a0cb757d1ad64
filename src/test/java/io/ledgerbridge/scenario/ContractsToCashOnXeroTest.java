package io.ledgerbridge.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.testing.XeroDocuments;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.util.List;

/** Contracts to cash on Xero: invoices AUTHORISED, credit notes allocated, manual journals posted, as Xero keeps them. */
@QuarkusTest
class ContractsToCashOnXeroTest extends ContractsToCashScenario {

    private static final BigDecimal TAX = new BigDecimal("1.2");

    @Override
    ContractFixtures.ErpRecords erp() {
        return ContractFixtures.XERO;
    }

    @Override
    void assertIssuedInvoiceInErp(String invoiceId, String net) {
        ObjectNode invoice = VendorStubs.XeroInvoices.created(invoiceId);
        assertThat(invoice).as("Xero invoice " + invoiceId).isNotNull();
        assertThat(invoice.path("Status").asText()).isEqualTo("AUTHORISED");
        assertThat(invoice.path("SubTotal").decimalValue()).isEqualByComparingTo(net);
    }

    @Override
    void assertCreditNoteInErp(String reference, String invoiceId, String net) {
        List<ObjectNode> notes = XeroDocuments.creditNotes().stream()
                .filter(n -> n.path("Reference").asText().equals(reference)).toList();
        assertThat(notes).singleElement().satisfies(note -> {
            assertThat(note.path("Type").asText()).isEqualTo("ACCRECCREDIT");
            assertThat(note.path("SubTotal").decimalValue()).isEqualByComparingTo(net);
            // all of it allocated to the invoice it corrects: nothing remains
            assertThat(note.path("RemainingCredit").decimalValue()).isEqualByComparingTo("0");
        });
        assertThat(XeroDocuments.invoice(invoiceId).path("AmountCredited").decimalValue())
                .isEqualByComparingTo(new BigDecimal(net).multiply(TAX));
    }

    @Override
    void assertJournalInErp(String reference, String debits) {
        List<ObjectNode> journals = XeroDocuments.journals().stream()
                .filter(j -> j.path("Narration").asText().endsWith("[" + reference + "]")).toList();
        assertThat(journals).singleElement().satisfies(journal -> {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal debit = BigDecimal.ZERO;
            for (JsonNode line : journal.path("JournalLines")) {
                BigDecimal amount = line.path("LineAmount").decimalValue();
                sum = sum.add(amount);
                debit = amount.signum() > 0 ? debit.add(amount) : debit;
            }
            assertThat(sum).isEqualByComparingTo("0");
            assertThat(debit).isEqualByComparingTo(debits);
        });
    }
}
