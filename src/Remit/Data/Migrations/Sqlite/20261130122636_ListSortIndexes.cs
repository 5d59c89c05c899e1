using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_id",
                table: "payouts",
                columns: new[] { "program_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_affiliates_program_id_name_id",
                table: "affiliates",
                columns: new[] { "program_id", "name", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_id",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_affiliates_program_id_name_id",
                table: "affiliates");
        }
    }
}
