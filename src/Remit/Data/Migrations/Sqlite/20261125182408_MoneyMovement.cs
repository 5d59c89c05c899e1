using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MoneyMovement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ach_company_id",
                table: "programs",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_company_name",
                table: "programs",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_entry_description",
                table: "programs",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_immediate_destination",
                table: "programs",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_immediate_destination_name",
                table: "programs",
                type: "TEXT",
                maxLength: 23,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_immediate_origin",
                table: "programs",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_immediate_origin_name",
                table: "programs",
                type: "TEXT",
                maxLength: 23,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ach_odfi_routing",
                table: "programs",
                type: "TEXT",
                maxLength: 9,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "paypal_client_id",
                table: "programs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "paypal_client_secret",
                table: "programs",
                type: "TEXT",
                maxLength: 800,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "paypal_environment",
                table: "programs",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "sandbox");

            migrationBuilder.AddColumn<string>(
                name: "paypal_webhook_id",
                table: "programs",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_last4",
                table: "payouts",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_secret",
                table: "payouts",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_type",
                table: "payouts",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "batch_id",
                table: "payouts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "holder_name",
                table: "payouts",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "holder_type",
                table: "payouts",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "network",
                table: "payouts",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "return_code",
                table: "payouts",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "return_date",
                table: "payouts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "return_reason",
                table: "payouts",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "returned_at",
                table: "payouts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "routing_number",
                table: "payouts",
                type: "TEXT",
                maxLength: 9,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_last4",
                table: "affiliates",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_secret",
                table: "affiliates",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "account_type",
                table: "affiliates",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "holder_name",
                table: "affiliates",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "holder_type",
                table: "affiliates",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "network",
                table: "affiliates",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "routing_number",
                table: "affiliates",
                type: "TEXT",
                maxLength: 9,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payout_batches",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    total_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    provider_batch_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    send_started_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    sent_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_batches", x => x.id);
                    table.ForeignKey(
                        name: "fk_payout_batches_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_batch_id",
                table: "payouts",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_batch_id",
                table: "payouts",
                columns: new[] { "program_id", "batch_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payout_batches_program_id_created_at",
                table: "payout_batches",
                columns: new[] { "program_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payout_batches_provider_batch_id",
                table: "payout_batches",
                column: "provider_batch_id",
                unique: true,
                filter: "provider_batch_id IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_payouts_payout_batches_batch_id",
                table: "payouts",
                column: "batch_id",
                principalTable: "payout_batches",
                principalColumn: "id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_payouts_payout_batches_batch_id",
                table: "payouts");

            migrationBuilder.DropTable(
                name: "payout_batches");

            migrationBuilder.DropIndex(
                name: "ix_payouts_batch_id",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_program_id_batch_id",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "ach_company_id",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_company_name",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_entry_description",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_immediate_destination",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_immediate_destination_name",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_immediate_origin",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_immediate_origin_name",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "ach_odfi_routing",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "paypal_client_id",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "paypal_client_secret",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "paypal_environment",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "paypal_webhook_id",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "account_last4",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "account_secret",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "account_type",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "batch_id",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "holder_name",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "holder_type",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "network",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "return_code",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "return_date",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "return_reason",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "returned_at",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "routing_number",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "account_last4",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "account_secret",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "account_type",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "holder_name",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "holder_type",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "network",
                table: "affiliates");

            migrationBuilder.DropColumn(
                name: "routing_number",
                table: "affiliates");
        }
    }
}
