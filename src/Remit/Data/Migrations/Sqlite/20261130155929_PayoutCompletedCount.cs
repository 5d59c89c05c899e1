using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayoutCompletedCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "completed_count",
                table: "payout_totals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql(PayoutTotalsBackfill.CompletedCount);
            migrationBuilder.Sql(Triggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER payouts_count_completed_insert; DROP TRIGGER payouts_count_completed_delete; DROP TRIGGER payouts_count_completed_update;");

            migrationBuilder.DropColumn(
                name: "completed_count",
                table: "payout_totals");
        }

        /// <summary>
        /// Completed payouts of all time, for the payout list's total (PayoutQuery.CountFromTotalsAsync): row triggers
        /// beside PayoutTotals' own, which stay as they were. Like those, a later migration that rebuilds the payouts
        /// table must create them again (PayoutTotalsTests fails otherwise).
        /// </summary>
        private const string Triggers = """
            CREATE TRIGGER payouts_count_completed_insert AFTER INSERT ON payouts WHEN NEW.status = 'completed' BEGIN
                INSERT INTO payout_totals (program_id, pending_count, pending_high, pending_low, pending_affiliates,
                        processing_count, processing_high, processing_low, failed_count, completed_count)
                    VALUES (NEW.program_id, 0, 0, 0, 0, 0, 0, 0, 0, 1)
                    ON CONFLICT (program_id) DO UPDATE SET completed_count = completed_count + 1;
            END;
            CREATE TRIGGER payouts_count_completed_delete AFTER DELETE ON payouts WHEN OLD.status = 'completed' BEGIN
                UPDATE payout_totals SET completed_count = completed_count - 1 WHERE program_id = OLD.program_id;
            END;
            CREATE TRIGGER payouts_count_completed_update AFTER UPDATE OF program_id, status ON payouts
                WHEN (OLD.status = 'completed' OR NEW.status = 'completed')
                    AND (OLD.status IS NOT NEW.status OR OLD.program_id IS NOT NEW.program_id) BEGIN
                UPDATE payout_totals SET completed_count = completed_count - 1
                    WHERE OLD.status = 'completed' AND program_id = OLD.program_id;
                INSERT INTO payout_totals (program_id, pending_count, pending_high, pending_low, pending_affiliates,
                        processing_count, processing_high, processing_low, failed_count, completed_count)
                    SELECT NEW.program_id, 0, 0, 0, 0, 0, 0, 0, 0, 1 WHERE NEW.status = 'completed'
                    ON CONFLICT (program_id) DO UPDATE SET completed_count = completed_count + 1;
            END;
            """;
    }
}
