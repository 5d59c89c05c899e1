using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Remit.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "schedule_date",
                table: "payouts",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "schedule_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    payout_date = table.Column<DateOnly>(type: "date", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    skipped = table.Column<string>(type: "text", nullable: false)
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
            migrationBuilder.Sql("UPDATE programs SET schedule_since = now() WHERE auto_create_payouts");

            // The scheduler's clustered store (Quartz.NET's ADO job store) lives in the same database.
            migrationBuilder.Sql(QuartzTables.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in QuartzTables.Names)
                migrationBuilder.DropTable(name: table);

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
