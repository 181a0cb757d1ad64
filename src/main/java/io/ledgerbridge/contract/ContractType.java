package io.ledgerbridge.contract;

/** How a contract bills: the contract types of the CRM deal (mappings/schemas/contract.schema.json). */
public enum ContractType {
    /** Approved time at the rate card, expenses at cost; with a cap, not beyond it. */
    TIME_AND_MATERIALS,
    /** A fixed fee billed as its milestones complete; time is effort and cost, never a billable line. */
    FIXED_FEE,
    /** A fixed fee whose revenue is recognised milestone by milestone; billed as FIXED_FEE. */
    MILESTONE,
    /** A fixed amount per period in advance with included hours. */
    RETAINER;

    /**
     * Whether approved time is billed hour by hour (else it is effort: kept for cost and progress; on a retainer the
     * hours beyond the period's allowance are billed as overage).
     */
    public boolean billsTime() {
        return this == TIME_AND_MATERIALS;
    }

    /** Whether the fee is split into milestones, each billed when it is completed. */
    public boolean hasMilestones() {
        return this == FIXED_FEE || this == MILESTONE;
    }
}
