using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Remit.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "programs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    plan = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    time_zone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    payout_frequency = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    payout_day = table.Column<int>(type: "INTEGER", nullable: false),
                    min_payout_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    allow_early_requests = table.Column<bool>(type: "INTEGER", nullable: false),
                    auto_create_payouts = table.Column<bool>(type: "INTEGER", nullable: false),
                    hold_days = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_programs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "affiliates",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    payout_method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    pay_pal_email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    search_text = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_affiliates", x => x.id);
                    table.ForeignKey(
                        name: "fk_affiliates_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    token_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    scopes = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_used_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_tokens_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    actor_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    actor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    actor_name = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    entity_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    entity_id = table.Column<long>(type: "INTEGER", nullable: false),
                    from_status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    to_status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_audit_events_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    failed_sign_ins = table.Column<int>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_users_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payout_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    rejection_reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    payout_id = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_payout_requests_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_payout_requests_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payouts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    destination = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    request_id = table.Column<long>(type: "INTEGER", nullable: true),
                    period_start = table.Column<DateTime>(type: "TEXT", nullable: true),
                    period_end = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    processing_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    failed_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payouts", x => x.id);
                    table.ForeignKey(
                        name: "fk_payouts_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_payouts_payout_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "payout_requests",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_payouts_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "commissions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false),
                    affiliate_id = table.Column<long>(type: "INTEGER", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    earned_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    voided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    payout_id = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commissions", x => x.id);
                    table.ForeignKey(
                        name: "fk_commissions_affiliates_affiliate_id",
                        column: x => x.affiliate_id,
                        principalTable: "affiliates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_commissions_payouts_payout_id",
                        column: x => x.payout_id,
                        principalTable: "payouts",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_commissions_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payout_commissions",
                columns: table => new
                {
                    payout_id = table.Column<long>(type: "INTEGER", nullable: false),
                    commission_id = table.Column<long>(type: "INTEGER", nullable: false),
                    program_id = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_commissions", x => new { x.payout_id, x.commission_id });
                    table.ForeignKey(
                        name: "fk_payout_commissions_commissions_commission_id",
                        column: x => x.commission_id,
                        principalTable: "commissions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_payout_commissions_payouts_payout_id",
                        column: x => x.payout_id,
                        principalTable: "payouts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_payout_commissions_programs_program_id",
                        column: x => x.program_id,
                        principalTable: "programs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_affiliates_program_id_search_text",
                table: "affiliates",
                columns: new[] { "program_id", "search_text" });

            migrationBuilder.CreateIndex(
                name: "ix_affiliates_program_id_status",
                table: "affiliates",
                columns: new[] { "program_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_program_id",
                table: "api_tokens",
                column: "program_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_token_hash",
                table: "api_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_program_id_entity_type_entity_id_at",
                table: "audit_events",
                columns: new[] { "program_id", "entity_type", "entity_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_affiliate_id",
                table: "commissions",
                column: "affiliate_id");

            migrationBuilder.CreateIndex(
                name: "ix_commissions_payout_id",
                table: "commissions",
                column: "payout_id");

            migrationBuilder.CreateIndex(
                name: "ix_commissions_program_id_affiliate_id_payout_id_voided_at_earned_at",
                table: "commissions",
                columns: new[] { "program_id", "affiliate_id", "payout_id", "voided_at", "earned_at" });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_program_id_earned_at",
                table: "commissions",
                columns: new[] { "program_id", "earned_at" });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_program_id_payout_id_voided_at_earned_at",
                table: "commissions",
                columns: new[] { "program_id", "payout_id", "voided_at", "earned_at" });

            migrationBuilder.CreateIndex(
                name: "ix_commissions_program_id_reference",
                table: "commissions",
                columns: new[] { "program_id", "reference" },
                unique: true,
                filter: "reference IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payout_commissions_commission_id",
                table: "payout_commissions",
                column: "commission_id");

            migrationBuilder.CreateIndex(
                name: "ix_payout_commissions_program_id_commission_id",
                table: "payout_commissions",
                columns: new[] { "program_id", "commission_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payout_requests_affiliate_id",
                table: "payout_requests",
                column: "affiliate_id");

            migrationBuilder.CreateIndex(
                name: "ix_payout_requests_program_id_affiliate_id",
                table: "payout_requests",
                columns: new[] { "program_id", "affiliate_id" },
                unique: true,
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_payout_requests_program_id_status_id",
                table: "payout_requests",
                columns: new[] { "program_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_affiliate_id",
                table: "payouts",
                column: "affiliate_id");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_affiliate_id_status",
                table: "payouts",
                columns: new[] { "program_id", "affiliate_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_amount_minor",
                table: "payouts",
                columns: new[] { "program_id", "amount_minor" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_completed_at",
                table: "payouts",
                columns: new[] { "program_id", "completed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_created_at",
                table: "payouts",
                columns: new[] { "program_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_method_status",
                table: "payouts",
                columns: new[] { "program_id", "method", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_program_id_status_created_at",
                table: "payouts",
                columns: new[] { "program_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_request_id",
                table: "payouts",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_email",
                table: "users",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_program_id",
                table: "users",
                column: "program_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "payout_commissions");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "commissions");

            migrationBuilder.DropTable(
                name: "payouts");

            migrationBuilder.DropTable(
                name: "payout_requests");

            migrationBuilder.DropTable(
                name: "affiliates");

            migrationBuilder.DropTable(
                name: "programs");
        }
    }
}
