using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class P10Idem : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "approval_threshold_minor",
                table: "programs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "approved_at",
                table: "payout_batches",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_id",
                table: "payout_batches",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_name",
                table: "payout_batches",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_type",
                table: "payout_batches",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "created_by_id",
                table: "payout_batches",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "created_by_type",
                table: "payout_batches",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "requires_approval",
                table: "payout_batches",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "clawback_of",
                table: "commissions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "clawed_back_minor",
                table: "commissions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    status_code = table.Column<int>(type: "INTEGER", nullable: true),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    location = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    body = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_idempotency_keys_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_clawback_of",
                table: "commissions",
                column: "clawback_of");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_program_id_expires_at",
                table: "idempotency_keys",
                columns: new[] { "program_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_program_id_key",
                table: "idempotency_keys",
                columns: new[] { "program_id", "key" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_commissions_commissions_clawback_of",
                table: "commissions",
                column: "clawback_of",
                principalTable: "commissions",
                principalColumn: "id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_commissions_commissions_clawback_of",
                table: "commissions");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "ix_commissions_clawback_of",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "approval_threshold_minor",
                table: "programs");

            migrationBuilder.DropColumn(
                name: "approved_at",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "approved_by_id",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "approved_by_name",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "approved_by_type",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "created_by_id",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "created_by_type",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "requires_approval",
                table: "payout_batches");

            migrationBuilder.DropColumn(
                name: "clawback_of",
                table: "commissions");

            migrationBuilder.DropColumn(
                name: "clawed_back_minor",
                table: "commissions");
        }
    }
}
