using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayoutTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payout_completed_slots",
                columns: table => new
                {
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    slot = table.Column<long>(type: "bigint", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false),
                    high = table.Column<long>(type: "bigint", nullable: false),
                    low = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_completed_slots", x => new { x.program_id, x.slot });
                    table.ForeignKey(
                        name: "fk_payout_completed_slots_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payout_pending_affiliates",
                columns: table => new
                {
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    affiliate_id = table.Column<long>(type: "bigint", nullable: false),
                    payouts = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_pending_affiliates", x => new { x.program_id, x.affiliate_id });
                    table.ForeignKey(
                        name: "fk_payout_pending_affiliates_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_payout_pending_affiliates_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payout_totals",
                columns: table => new
                {
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    pending_count = table.Column<long>(type: "bigint", nullable: false),
                    pending_high = table.Column<long>(type: "bigint", nullable: false),
                    pending_low = table.Column<long>(type: "bigint", nullable: false),
                    pending_affiliates = table.Column<long>(type: "bigint", nullable: false),
                    processing_count = table.Column<long>(type: "bigint", nullable: false),
                    processing_high = table.Column<long>(type: "bigint", nullable: false),
                    processing_low = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_totals", x => x.program_id);
                    table.ForeignKey(
                        name: "fk_payout_totals_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payout_pending_affiliates_affiliate_id",
                table: "payout_pending_affiliates",
                column: "affiliate_id");

            migrationBuilder.Sql(PayoutTotalsBackfill.Sql(Slot));
            migrationBuilder.Sql(Triggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER payouts_tally_insert ON payouts; DROP TRIGGER payouts_tally_delete ON payouts; DROP TRIGGER payouts_tally_update ON payouts;
                DROP FUNCTION payouts_tally_insert(); DROP FUNCTION payouts_tally_delete(); DROP FUNCTION payouts_tally_update();
                """);

            migrationBuilder.DropTable(
                name: "payout_completed_slots");

            migrationBuilder.DropTable(
                name: "payout_pending_affiliates");

            migrationBuilder.DropTable(
                name: "payout_totals");
        }


        /// <summary>
        /// One statement-level trigger per kind of change, each reading the statement's changed rows at once (transition
        /// tables), so a bulk move of a thousand payouts updates each total once, not a thousand times. An update counts
        /// its old rows out and its new rows in without joining them: each statement is one pass over the rows (a join
        /// of two transition tables, which have no statistics, is a plan the planner can get badly wrong at 100,000
        /// rows), and a change the totals do not read (a reference, a hold) nets to zero and writes nothing. The
        /// program's row is taken first, in program order: every change of a program's payouts queues on it, so the
        /// affiliate and slot rows after it are never locked in two orders by two transactions.
        /// </summary>
        private static string Function(string name, string changes) => $$"""
            CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF NOT EXISTS (
                    SELECT 1 FROM ({{changes}}) d GROUP BY program_id, affiliate_id, status, {{Slot}}
                    HAVING SUM(sign) <> 0 OR SUM(sign * amount_minor) <> 0) THEN
                    RETURN NULL;
                END IF;

                INSERT INTO payout_totals AS t (program_id, pending_count, pending_high, pending_low, pending_affiliates,
                    processing_count, processing_high, processing_low, failed_count)
                SELECT program_id,
                    COALESCE(SUM(sign) FILTER (WHERE status = 'pending'), 0),
                    COALESCE(SUM(sign * (amount_minor / 4294967296)) FILTER (WHERE status = 'pending'), 0),
                    COALESCE(SUM(sign * (amount_minor % 4294967296)) FILTER (WHERE status = 'pending'), 0),
                    0,
                    COALESCE(SUM(sign) FILTER (WHERE status = 'processing'), 0),
                    COALESCE(SUM(sign * (amount_minor / 4294967296)) FILTER (WHERE status = 'processing'), 0),
                    COALESCE(SUM(sign * (amount_minor % 4294967296)) FILTER (WHERE status = 'processing'), 0),
                    COALESCE(SUM(sign) FILTER (WHERE status = 'failed'), 0)
                FROM ({{changes}}) d GROUP BY program_id
                HAVING SUM(sign) FILTER (WHERE status = 'pending') <> 0 OR SUM(sign * amount_minor) FILTER (WHERE status = 'pending') <> 0
                    OR SUM(sign) FILTER (WHERE status = 'processing') <> 0 OR SUM(sign * amount_minor) FILTER (WHERE status = 'processing') <> 0
                    OR SUM(sign) FILTER (WHERE status = 'failed') <> 0
                ORDER BY program_id
                ON CONFLICT (program_id) DO UPDATE SET
                    pending_count = t.pending_count + excluded.pending_count,
                    pending_high = t.pending_high + excluded.pending_high,
                    pending_low = t.pending_low + excluded.pending_low,
                    processing_count = t.processing_count + excluded.processing_count,
                    processing_high = t.processing_high + excluded.processing_high,
                    processing_low = t.processing_low + excluded.processing_low,
                    failed_count = t.failed_count + excluded.failed_count;

                -- An affiliate counts while they have a pending payout: +1 when their count leaves 0, -1 when it reaches 0.
                WITH a AS (
                    SELECT program_id, affiliate_id, SUM(sign) AS n FROM ({{changes}}) d WHERE status = 'pending'
                    GROUP BY program_id, affiliate_id HAVING SUM(sign) <> 0),
                kept AS (
                    INSERT INTO payout_pending_affiliates AS p (program_id, affiliate_id, payouts)
                    SELECT program_id, affiliate_id, n FROM a ORDER BY program_id, affiliate_id
                    ON CONFLICT (program_id, affiliate_id) DO UPDATE SET payouts = p.payouts + excluded.payouts
                    RETURNING p.program_id, p.affiliate_id, p.payouts)
                UPDATE payout_totals t SET pending_affiliates = t.pending_affiliates + c.delta
                FROM (SELECT kept.program_id,
                             SUM(CASE WHEN kept.payouts = 0 THEN -1 WHEN kept.payouts = a.n THEN 1 ELSE 0 END) AS delta
                      FROM kept JOIN a ON a.program_id = kept.program_id AND a.affiliate_id = kept.affiliate_id
                      GROUP BY kept.program_id) c
                WHERE t.program_id = c.program_id AND c.delta <> 0;

                DELETE FROM payout_pending_affiliates p WHERE p.payouts = 0 AND (p.program_id, p.affiliate_id) IN (
                    SELECT program_id, affiliate_id FROM ({{changes}}) d WHERE status = 'pending'
                    GROUP BY program_id, affiliate_id HAVING SUM(sign) < 0);

                INSERT INTO payout_completed_slots AS s (program_id, slot, count, high, low)
                SELECT program_id, {{Slot}}, SUM(sign), SUM(sign * (amount_minor / 4294967296)), SUM(sign * (amount_minor % 4294967296))
                FROM ({{changes}}) d WHERE status = 'completed' AND completed_at IS NOT NULL
                GROUP BY program_id, {{Slot}} HAVING SUM(sign) <> 0 OR SUM(sign * amount_minor) <> 0
                ORDER BY program_id, {{Slot}}
                ON CONFLICT (program_id, slot) DO UPDATE SET
                    count = s.count + excluded.count, high = s.high + excluded.high, low = s.low + excluded.low;
                RETURN NULL;
            END
            $fn$;
            """;

        private const string Slot = "FLOOR(EXTRACT(EPOCH FROM completed_at) / 900)::bigint";
        private const string Columns = "program_id, affiliate_id, status, amount_minor, completed_at";

        private static readonly string Triggers = string.Join("\n",
            Function("payouts_tally_insert", $"SELECT {Columns}, 1 AS sign FROM new_rows"),
            Function("payouts_tally_delete", $"SELECT {Columns}, -1 AS sign FROM old_rows"),
            Function("payouts_tally_update", $"SELECT {Columns}, -1 AS sign FROM old_rows UNION ALL SELECT {Columns}, 1 AS sign FROM new_rows"),
            """
            CREATE TRIGGER payouts_tally_insert AFTER INSERT ON payouts
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_tally_insert();
            CREATE TRIGGER payouts_tally_delete AFTER DELETE ON payouts
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_tally_delete();
            CREATE TRIGGER payouts_tally_update AFTER UPDATE ON payouts
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payouts_tally_update();
            """);
    }
}
