namespace Remit.Data.Migrations;

/// <summary>
/// The running totals of the payouts already there when migration PayoutTotals runs, before its triggers keep them
/// (both providers; only the quarter-hour slot of a completion is said differently).
/// </summary>
internal static class PayoutTotalsBackfill
{
    public static string Sql(string slotOfCompletedAt) => $"""
        INSERT INTO payout_totals (program_id, pending_count, pending_high, pending_low, pending_affiliates,
            processing_count, processing_high, processing_low, failed_count)
        SELECT program_id,
            SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
            SUM(CASE WHEN status = 'pending' THEN amount_minor / 4294967296 ELSE 0 END),
            SUM(CASE WHEN status = 'pending' THEN amount_minor % 4294967296 ELSE 0 END),
            0,
            SUM(CASE WHEN status = 'processing' THEN 1 ELSE 0 END),
            SUM(CASE WHEN status = 'processing' THEN amount_minor / 4294967296 ELSE 0 END),
            SUM(CASE WHEN status = 'processing' THEN amount_minor % 4294967296 ELSE 0 END),
            SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)
        FROM payouts GROUP BY program_id;

        INSERT INTO payout_pending_affiliates (program_id, affiliate_id, payouts)
        SELECT program_id, affiliate_id, COUNT(*) FROM payouts WHERE status = 'pending' GROUP BY program_id, affiliate_id;

        UPDATE payout_totals SET pending_affiliates =
            (SELECT COUNT(*) FROM payout_pending_affiliates a WHERE a.program_id = payout_totals.program_id);

        INSERT INTO payout_completed_slots (program_id, slot, count, high, low)
        SELECT program_id, {slotOfCompletedAt}, COUNT(*), SUM(amount_minor / 4294967296), SUM(amount_minor % 4294967296)
        FROM payouts WHERE status = 'completed' AND completed_at IS NOT NULL
        GROUP BY program_id, {slotOfCompletedAt};
        """;

    /// <summary>Completed payouts already there when migration PayoutCompletedCount runs, before its triggers count them.</summary>
    public const string CompletedCount = """
        INSERT INTO payout_totals (program_id, pending_count, pending_high, pending_low, pending_affiliates,
            processing_count, processing_high, processing_low, failed_count, completed_count)
        SELECT program_id, 0, 0, 0, 0, 0, 0, 0, 0, COUNT(*) FROM payouts WHERE status = 'completed' GROUP BY program_id
        ON CONFLICT (program_id) DO UPDATE SET completed_count = excluded.completed_count;
        """;
}
