using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Remit.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScaleOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_batch_id",
                table: "payouts");

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_batch_id_status",
                table: "payouts",
                columns: new[] { "program_id", "batch_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_payout_commissions_program_id_payout_id",
                table: "payout_commissions",
                columns: new[] { "program_id", "payout_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_batch_id_status",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payout_commissions_program_id_payout_id",
                table: "payout_commissions");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_batch_id",
                table: "payouts",
                columns: new[] { "program_id", "batch_id" });
        }
    }
}
