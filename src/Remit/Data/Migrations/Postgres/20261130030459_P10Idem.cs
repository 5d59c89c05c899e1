using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Remit.Data.Migrations.Postgres
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
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "approved_at",
                table: "payout_batches",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_id",
                table: "payout_batches",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_name",
                table: "payout_batches",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by_type",
                table: "payout_batches",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "created_by_id",
                table: "payout_batches",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "created_by_type",
                table: "payout_batches",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "requires_approval",
                table: "payout_batches",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "clawback_of",
                table: "commissions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "clawed_back_minor",
                table: "commissions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    program_id = table.Column<long>(type: "bigint", nullable: false),
                    key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    content_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    location = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    body = table.Column<byte[]>(type: "bytea", nullable: true)
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
