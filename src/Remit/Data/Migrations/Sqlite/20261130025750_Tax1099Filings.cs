using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Tax1099Filings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "nec_filings",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    tax_year = table.Column<int>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    amount_cents = table.Column<long>(type: "INTEGER", nullable: false),
                    receipt_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    filed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_nec_filings", x => x.id);
                    table.ForeignKey(
                        name: "fk_nec_filings_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_nec_filings_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_nec_filings_affiliate_id",
                table: "nec_filings",
                column: "affiliate_id");

            migrationBuilder.CreateIndex(
                name: "ix_nec_filings_program_id_tax_year_affiliate_id_sequence",
                table: "nec_filings",
                columns: new[] { "program_id", "tax_year", "affiliate_id", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "nec_filings");
        }
    }
}
