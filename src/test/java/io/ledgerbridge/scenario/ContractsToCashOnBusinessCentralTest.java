package io.ledgerbridge.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.OnBusinessCentral;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import java.math.BigDecimal;
import java.util.List;

/**
 * Contracts to cash on Business Central: invoices posted (Open), credit memos posted and applied to the invoice,
 * journals posted as general ledger entries, in the company the stub keeps.
 */
@QuarkusTest
@TestProfile(OnBusinessCentral.class)
class ContractsToCashOnBusinessCentralTest extends ContractsToCashScenario {

    private static final String COMPANY = VendorStubs.BC_COMPANY;

    /** The general journal batch of ledgerbridge's own that the period close posts through (set up once by the firm). */
    @BeforeEach
    void journalBatch() {
        BusinessCentralLedger.journalBatch(COMPANY, "LEDGERBRID");
    }

    @Override
    ContractFixtures.ErpRecords erp() {
        return new ContractFixtures.ErpRecords() {
            @Override
            public String client(String name) {
                return BusinessCentralLedger.customer(COMPANY, name);
            }

            @Override
            public String project(String code, String name) {
                return BusinessCentralLedger.project(COMPANY, code, name);
            }

            @Override
            public String consultant(String email, String name) {
                return BusinessCentralLedger.employee(COMPANY, email, name);
            }
        };
    }

    @Override
    void assertIssuedInvoiceInErp(String invoiceId, String net) {
        assertThat(record("salesInvoices", "id", invoiceId)).singleElement().satisfies(invoice -> {
            assertThat(invoice.path("status").asText()).isIn("Open", "Paid");
            assertThat(invoice.path("totalAmountExcludingTax").decimalValue()).isEqualByComparingTo(net);
        });
    }

    @Override
    void assertCreditNoteInErp(String reference, String invoiceId, String net) {
        assertThat(record("salesCreditMemos", "externalDocumentNumber", reference)).singleElement()
                .satisfies(memo -> {
                    assertThat(memo.path("invoiceId").asText()).isEqualTo(invoiceId);
                    assertThat(memo.path("totalAmountExcludingTax").decimalValue()).isEqualByComparingTo(net);
                    // applied in full to the invoice it corrects
                    assertThat(memo.path("status").asText()).isEqualTo("Paid");
                });
    }

    @Override
    void assertJournalInErp(String reference, String debits) {
        List<ObjectNode> entries = record("generalLedgerEntries", "documentNumber", reference);
        assertThat(entries).isNotEmpty();
        BigDecimal debit = entries.stream().map(e -> e.path("debitAmount").decimalValue())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal credit = entries.stream().map(e -> e.path("creditAmount").decimalValue())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(debit).isEqualByComparingTo(debits);
        assertThat(credit).isEqualByComparingTo(debits);
    }

    private static List<ObjectNode> record(String set, String field, String value) {
        return BusinessCentralLedger.records(COMPANY, set).stream().filter(r -> r.path(field).asText().equals(value))
                .toList();
    }
}
