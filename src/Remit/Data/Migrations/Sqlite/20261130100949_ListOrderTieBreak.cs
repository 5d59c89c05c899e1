using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListOrderTieBreak : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_created_at",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_status_created_at",
                table: "payouts");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_created_at_id",
                table: "payouts",
                columns: new[] { "program_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_status_created_at_id",
                table: "payouts",
                columns: new[] { "program_id", "status", "created_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_created_at_id",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_status_created_at_id",
                table: "payouts");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_created_at",
                table: "payouts",
                columns: new[] { "program_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_status_created_at",
                table: "payouts",
                columns: new[] { "program_id", "status", "created_at" });
        }
    }
}
