using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
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
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    slot = table.Column<long>(type: "INTEGER", nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false),
                    high = table.Column<long>(type: "INTEGER", nullable: false),
                    low = table.Column<long>(type: "INTEGER", nullable: false)
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
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    payouts = table.Column<long>(type: "INTEGER", nullable: false)
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
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_count = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_high = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_low = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_affiliates = table.Column<long>(type: "INTEGER", nullable: false),
                    processing_count = table.Column<long>(type: "INTEGER", nullable: false),
                    processing_high = table.Column<long>(type: "INTEGER", nullable: false),
                    processing_low = table.Column<long>(type: "INTEGER", nullable: false),
                    failed_count = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.Sql(PayoutTotalsBackfill.Sql("CAST(strftime('%s', completed_at) AS INTEGER) / 900"));
            migrationBuilder.Sql(Triggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER payouts_tally_insert; DROP TRIGGER payouts_tally_delete; DROP TRIGGER payouts_tally_update;");

            migrationBuilder.DropTable(
                name: "payout_completed_slots");

            migrationBuilder.DropTable(
                name: "payout_pending_affiliates");

            migrationBuilder.DropTable(
                name: "payout_totals");
        }


        /// <summary>
        /// Row triggers (SQLite has no statement triggers): a change takes its old row out of the totals and puts its new
        /// row in. Nothing races here: SQLite runs one writer at a time. A later migration that rebuilds the payouts
        /// table (EF does, on SQLite, for some column changes) drops these triggers with the old table and must create
        /// them again: PayoutTotalsTests fails otherwise.
        /// </summary>
        private static string Remove(string row) => Tally(row, "-") + $"""
            UPDATE payout_pending_affiliates SET payouts = payouts - 1
                WHERE {row}.status = 'pending' AND program_id = {row}.program_id AND affiliate_id = {row}.affiliate_id;
            UPDATE payout_totals SET pending_affiliates = pending_affiliates - 1
                WHERE program_id = {row}.program_id AND EXISTS (SELECT 1 FROM payout_pending_affiliates a
                    WHERE {row}.status = 'pending' AND a.program_id = {row}.program_id AND a.affiliate_id = {row}.affiliate_id AND a.payouts = 0);
            DELETE FROM payout_pending_affiliates
                WHERE {row}.status = 'pending' AND program_id = {row}.program_id AND affiliate_id = {row}.affiliate_id AND payouts = 0;
            UPDATE payout_completed_slots SET count = count - 1,
                    high = high - {row}.amount_minor / 4294967296, low = low - {row}.amount_minor % 4294967296
                WHERE {row}.status = 'completed' AND {row}.completed_at IS NOT NULL
                    AND program_id = {row}.program_id AND slot = {Slot(row)};
            """;

        private static string Add(string row) => Tally(row, "+") + $"""
            UPDATE payout_totals SET pending_affiliates = pending_affiliates + 1
                WHERE program_id = {row}.program_id AND {row}.status = 'pending' AND NOT EXISTS (SELECT 1 FROM payout_pending_affiliates a
                    WHERE a.program_id = {row}.program_id AND a.affiliate_id = {row}.affiliate_id);
            INSERT INTO payout_pending_affiliates (program_id, affiliate_id, payouts)
                SELECT {row}.program_id, {row}.affiliate_id, 1 WHERE {row}.status = 'pending'
                ON CONFLICT (program_id, affiliate_id) DO UPDATE SET payouts = payouts + 1;
            INSERT INTO payout_completed_slots (program_id, slot, count, high, low)
                SELECT {row}.program_id, {Slot(row)}, 1, {row}.amount_minor / 4294967296, {row}.amount_minor % 4294967296
                WHERE {row}.status = 'completed' AND {row}.completed_at IS NOT NULL
                ON CONFLICT (program_id, slot) DO UPDATE SET
                    count = count + excluded.count, high = high + excluded.high, low = low + excluded.low;
            """;

        private static string Tally(string row, string sign) => $"""
            INSERT INTO payout_totals (program_id, pending_count, pending_high, pending_low, pending_affiliates,
                    processing_count, processing_high, processing_low, failed_count)
                VALUES ({row}.program_id, 0, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (program_id) DO NOTHING;
            UPDATE payout_totals SET
                    pending_count = pending_count {sign} ({row}.status = 'pending'),
                    pending_high = pending_high {sign} IIF({row}.status = 'pending', {row}.amount_minor / 4294967296, 0),
                    pending_low = pending_low {sign} IIF({row}.status = 'pending', {row}.amount_minor % 4294967296, 0),
                    processing_count = processing_count {sign} ({row}.status = 'processing'),
                    processing_high = processing_high {sign} IIF({row}.status = 'processing', {row}.amount_minor / 4294967296, 0),
                    processing_low = processing_low {sign} IIF({row}.status = 'processing', {row}.amount_minor % 4294967296, 0),
                    failed_count = failed_count {sign} ({row}.status = 'failed')
                WHERE program_id = {row}.program_id;

            """;

        /// <summary>completed_at is stored as text ('yyyy-MM-dd HH:mm:ss.FFFFFFF', UTC); strftime('%s') reads it as UTC.</summary>
        private static string Slot(string row) => $"CAST(strftime('%s', {row}.completed_at) AS INTEGER) / 900";

        private static readonly string Triggers = $"""
            CREATE TRIGGER payouts_tally_insert AFTER INSERT ON payouts BEGIN
            {Add("NEW")}
            END;
            CREATE TRIGGER payouts_tally_delete AFTER DELETE ON payouts BEGIN
            {Remove("OLD")}
            END;
            CREATE TRIGGER payouts_tally_update AFTER UPDATE OF program_id, affiliate_id, status, amount_minor, completed_at ON payouts
                WHEN OLD.program_id IS NOT NEW.program_id OR OLD.affiliate_id IS NOT NEW.affiliate_id OR OLD.status IS NOT NEW.status
                    OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.completed_at IS NOT NEW.completed_at BEGIN
            {Remove("OLD")}
            {Add("NEW")}
            END;
            """;
    }
}
