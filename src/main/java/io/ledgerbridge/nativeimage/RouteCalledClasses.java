package io.ledgerbridge.nativeimage;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the routes reach by name at run time, registered for reflection so a native image keeps it: the beans the
 * YAML routes call ({@code bean: ref: … method: …}, {@code method: ref: …}, {@code onRedeliveryRef}), the beans the
 * configuration names ({@code #outboundHeaders}), and classes it instantiates by name ({@code #class:…}). In JVM mode
 * this changes nothing. {@code NativeReadinessTest} fails when a route or setting names a bean missing here, or this
 * lists one nothing names any more.
 */
@RegisterForReflection(fields = false, targets = {
        io.ledgerbridge.billing.Billables.class,
        io.ledgerbridge.billing.BillingRuns.class,
        io.ledgerbridge.billing.BillingBatches.class,
        io.ledgerbridge.billing.CreditNotes.class,
        io.ledgerbridge.billing.InvoiceStatus.class,
        io.ledgerbridge.deadletter.DeadLetterEvents.class,
        io.ledgerbridge.deadletter.DeadLetterRecorder.class,
        io.ledgerbridge.deadletter.RedeliveryCounter.class,
        io.ledgerbridge.close.PeriodCloses.class,
        io.ledgerbridge.contract.MilestoneCompletions.class,
        io.ledgerbridge.deal.Deals.class,
        io.ledgerbridge.erp.ErpGateway.class,
        io.ledgerbridge.erp.ErpResponses.class,
        io.ledgerbridge.erp.Journals.class,
        io.ledgerbridge.erp.OutboundHeaders.class,
        io.ledgerbridge.erp.xero.XeroTokens.class,
        io.ledgerbridge.erp.xero.XeroUsers.class,
        io.ledgerbridge.erp.xero.XeroExpenses.class,
        io.ledgerbridge.erp.xero.XeroCreditNotes.class,
        io.ledgerbridge.erp.businesscentral.BusinessCentral.class,
        io.ledgerbridge.erp.businesscentral.BusinessCentralTokens.class,
        io.ledgerbridge.erp.budget.CallBudgets.class,
        io.ledgerbridge.psa.harvest.HarvestLists.class,
        io.ledgerbridge.expense.Expenses.class,
        io.ledgerbridge.flow.ErrorClasses.class,
        io.ledgerbridge.intake.Inbox.class,
        io.ledgerbridge.intake.KafkaBatches.class,
        io.ledgerbridge.intake.KafkaCommits.class,
        io.ledgerbridge.intake.SourceWebhook.class,
        io.ledgerbridge.intake.Sources.class,
        io.ledgerbridge.intake.WebhookSignatures.class,
        io.ledgerbridge.people.People.class,
        io.ledgerbridge.psa.harvest.HarvestPoll.class,
        io.ledgerbridge.problem.Problems.class,
        io.ledgerbridge.project.Staffing.class,
        io.ledgerbridge.reconcile.Reconciliations.class,
        io.ledgerbridge.sync.SyncRecords.class,
        io.ledgerbridge.timeentry.TimeEntries.class,
        io.ledgerbridge.warehouse.Facts.class,
        org.apache.camel.component.kafka.serde.ToStringKafkaHeaderDeserializer.class,
})
public final class RouteCalledClasses {

    private RouteCalledClasses() {
    }
}
