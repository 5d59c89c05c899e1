using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Remit.Data.Migrations.Postgres
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
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "tax_include_paypal_in_1099",
                table: "programs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "tax_iris_tcc",
                table: "programs",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_address_line1",
                table: "programs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_address_line2",
                table: "programs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_city",
                table: "programs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_name",
                table: "programs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_phone",
                table: "programs",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_state",
                table: "programs",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_tin_last4",
                table: "programs",
                type: "character varying(4)",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_tin_secret",
                table: "programs",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tax_payer_zip",
                table: "programs",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "tax_require_form",
                table: "programs",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateTable(
                name: "tax_forms",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    affiliate_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    revision = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    fields = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    secret_fields = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    tin_type = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    tin_last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    signer_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    signed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    signer_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    signer_user_agent = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    digest_secret = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    recorded_by_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    recorded_by_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateOnly>(type: "date", nullable: true),
                    expiry_notice_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    superseded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    superseded_by_id = table.Column<long>(type: "bigint", nullable: true),
                    invalidated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    invalid_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    tin_match = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    tin_match_code = table.Column<int>(type: "integer", nullable: true),
                    tin_matched_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
