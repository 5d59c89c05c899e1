using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Remit.Data.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    tax_year = table.Column<int>(type: "integer", nullable: false),
                    affiliate_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    receipt_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    filed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
