using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TaxForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "tax_contact_email",
                table: "programs",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "tax_include_paypal_in_1099",
                table: "programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "tax_iris_tcc",
                table: "programs",
                type: "TEXT",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_address_line1",
                table: "programs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_address_line2",
                table: "programs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_city",
                table: "programs",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_name",
                table: "programs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_phone",
                table: "programs",
                type: "TEXT",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_state",
                table: "programs",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_tin_last4",
                table: "programs",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_tin_secret",
                table: "programs",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_zip",
                table: "programs",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "tax_require_form",
                table: "programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateTable(
                name: "tax_forms",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    revision = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    fields = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    secret_fields = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    tin_type = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    tin_last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    signer_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    signed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    signer_ip = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    signer_user_agent = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    digest_secret = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    recorded_by_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    recorded_by_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    expiry_notice_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    superseded_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    superseded_by_id = table.Column<long>(type: "INTEGER", nullable: true),
                    invalidated_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    invalid_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    tin_match = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    tin_match_code = table.Column<int>(type: "INTEGER", nullable: true),
                    tin_matched_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tax_forms", x => x.id);
                    table.ForeignKey(
                        name: "fk_tax_forms_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_tax_forms_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tax_forms_affiliate_id",
                table: "tax_forms",
                column: "affiliate_id");

            migrationBuilder.CreateIndex(
                name: "ix_tax_forms_program_id_affiliate_id",
                table: "tax_forms",
                columns: new[] { "program_id", "affiliate_id" },
                unique: true,
                filter: "superseded_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tax_forms_program_id_affiliate_id_signed_at",
                table: "tax_forms",
                columns: new[] { "program_id", "affiliate_id", "signed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_tax_forms_program_id_expires_at",
                table: "tax_forms",
                columns: new[] { "program_id", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tax_forms");

            migrationBuilder.DropColumn(
                name: "tax_contact_email",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_include_paypal_in_1099",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_iris_tcc",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_address_line1",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_address_line2",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_city",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_name",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_phone",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_state",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_tin_last4",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_tin_secret",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_payer_zip",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "tax_require_form",
                table: "programs");
        }
    }
}
