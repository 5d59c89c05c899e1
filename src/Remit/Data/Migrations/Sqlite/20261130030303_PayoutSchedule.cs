using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayoutSchedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "schedule_since",
                table: "programs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "schedule_date",
                table: "payouts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "schedule_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    payout_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    skipped = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_schedule_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_schedule_runs_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_affiliate_id_schedule_date",
                table: "payouts",
                columns: new[] { "program_id", "affiliate_id", "schedule_date" },
                unique: true,
                filter: "schedule_date IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_schedule_date",
                table: "payouts",
                columns: new[] { "program_id", "schedule_date" });

            migrationBuilder.CreateIndex(
                name: "ix_schedule_runs_program_id_payout_date",
                table: "schedule_runs",
                columns: new[] { "program_id", "payout_date" },
                unique: true);

            // A program that had auto_create_payouts on before the schedule existed starts its schedule now: no payout
            // day before this release is made up.
            migrationBuilder.Sql("UPDATE programs SET schedule_since = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE auto_create_payouts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "schedule_runs");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_affiliate_id_schedule_date",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_schedule_date",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "schedule_since",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "schedule_date",
                table: "payouts");
        }
    }
}
