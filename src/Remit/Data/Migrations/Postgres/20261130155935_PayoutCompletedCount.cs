using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Postgres
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql(PayoutTotalsBackfill.CompletedCount);
            migrationBuilder.Sql(Triggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER payouts_count_completed_insert ON payouts; DROP TRIGGER payouts_count_completed_delete ON payouts;
                DROP TRIGGER payouts_count_completed_update ON payouts; DROP FUNCTION payouts_count_completed_insert();
                DROP FUNCTION payouts_count_completed_delete(); DROP FUNCTION payouts_count_completed_update();
                """);

            migrationBuilder.DropColumn(
                name: "completed_count",
                table: "payout_totals");
        }

        /// <summary>
        /// Completed payouts of all time, for the payout list's total (PayoutQuery.CountFromTotalsAsync): statement-level
        /// triggers beside PayoutTotals' own, which stay as they were, one pass over a statement's changed rows each.
        /// They fire before those (PostgreSQL fires a table's triggers in name order) and take the program's totals row
        /// as those do, in program order, so the row locks keep one order.
        /// </summary>
        private static string Function(string name, string changes) => $$"""
            CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                INSERT INTO payout_totals AS t (program_id, pending_count, pending_high, pending_low, pending_affiliates,
                    processing_count, processing_high, processing_low, failed_count, completed_count)
                SELECT program_id, 0, 0, 0, 0, 0, 0, 0, 0, SUM(sign)
                FROM ({{changes}}) d GROUP BY program_id HAVING SUM(sign) <> 0
                ORDER BY program_id
                ON CONFLICT (program_id) DO UPDATE SET completed_count = t.completed_count + excluded.completed_count;
                RETURN NULL;
            END
            $fn$;
            """;

        private static readonly string Triggers = string.Join("\n",
            Function("payouts_count_completed_insert", "SELECT program_id, 1 AS sign FROM new_rows WHERE status = 'completed'"),
            Function("payouts_count_completed_delete", "SELECT program_id, -1 AS sign FROM old_rows WHERE status = 'completed'"),
            Function("payouts_count_completed_update",
                "SELECT program_id, -1 AS sign FROM old_rows WHERE status = 'completed' UNION ALL SELECT program_id, 1 AS sign FROM new_rows WHERE status = 'completed'"),
            """
            CREATE TRIGGER payouts_count_completed_insert AFTER INSERT ON payouts
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_count_completed_insert();
            CREATE TRIGGER payouts_count_completed_delete AFTER DELETE ON payouts
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_count_completed_delete();
            CREATE TRIGGER payouts_count_completed_update AFTER UPDATE ON payouts
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_count_completed_update();
            """);
    }
}
