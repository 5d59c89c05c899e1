using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Tests.Dashboard;

namespace Remit.Tests.Data;

/// <summary>
/// Every query of program data names its program — what a deployment sharded by program id (README, "Running more
/// than one process") needs to send each query to one shard. Read from the model and the source, no database.
/// </summary>
public sealed partial class TenancyTests
{
    /// <summary>
    /// The only queries that leave the program filter, and why: each looks a row up by a key unique across programs
    /// before the program is known, or works across programs on purpose. On a sharded deployment they are the ones
    /// that go to every shard (or to a table kept on each). A new one fails here until it is added with its reason.
    /// </summary>
    private static readonly Dictionary<string, (int Count, string Why)> CrossProgram = new()
    {
        ["Api/TokenAuth.cs"] = (2, "a token by its hash, then its last use by id: the token says the program"),
        ["Dashboard/DashboardSetup.cs"] = (4, "a user by email at sign-in, the guess count and session check by user id: the user says the program"),
        ["Batches/PayPalPayouts.cs"] = (1, "a PayPal webhook names PayPal's batch id, which says the program"),
        ["Programs/ProgramAdmin.cs"] = (3, "operator commands given a program id, filtered by it explicitly"),
        ["Security/SecretRotation.cs"] = (4, "`remit secrets rotate` re-encrypts every program's secrets (affiliates, payouts, webhook endpoints)"),
        ["Api/IdempotencyKey.cs"] = (4, "the key's own program id, named explicitly: the key is claimed before the request's unit of work knows its program"),
        ["Webhooks/WebhookDeliverer.cs"] = (3, "a claimed delivery by its id (its lease renewed, then read) and its endpoint: the deliverer serves every program, and the delivery says which"),
        ["Tax/TaxForms.cs"] = (2, "the daily W-8 expiry reminder runs once over every program's forms"),
        ["Portal/PortalSetup.cs"] = (1, "the affiliate of a portal session, matched to the session's program explicitly"),
    };

    /// <summary>
    /// Tables of program data without the program filter: the affiliate portal's, found by a hash unique across
    /// programs (a sign-in link's token, a session's key) before the program is known; their other queries name the
    /// affiliate, whose id is unique across programs. Sharded, these need the program added or a global lookup.
    /// </summary>
    private static readonly string[] Unfiltered = ["portal_links", "portal_sessions"];

    private static readonly string[] ProgramTables =
        ["affiliates", "commissions", "payouts", "payout_commissions", "payout_totals", "payout_pending_affiliates", "payout_completed_slots", "payout_requests", "api_tokens", "users", "audit_events", "payout_batches",
         "portal_links", "portal_sessions", "tax_forms", "nec_filings", "idempotency_keys", "schedule_runs",
         "webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts"];

    [Fact]
    public void Every_entity_with_a_program_id_is_filtered_by_it_on_both_providers_but_the_known_ones()
    {
        foreach (RemitDb db in new RemitDb[] { new SqliteDesignFactory().CreateDbContext([]), new PostgresDesignFactory().CreateDbContext([]) })
        {
            using (db)
            {
                var tenants = db.Model.GetEntityTypes().Where(e => e.FindProperty("ProgramId") is not null).ToList();
                Assert.Equal(ProgramTables.Order(), tenants.Select(e => e.GetTableName()!).Order());
                Assert.Equal(Unfiltered, tenants.Where(e => e.GetDeclaredQueryFilters().Count == 0).Select(e => e.GetTableName()!).Order());
                foreach (var entity in tenants.Where(e => !Unfiltered.Contains(e.GetTableName())))
                {
                    var filter = Assert.Single(entity.GetDeclaredQueryFilters());
                    Assert.Contains(".ProgramId == ", filter.Expression!.Body.ToString());
                }
            }
        }
    }

    [GeneratedRegex(@"\bIgnoreQueryFilters\(\)")]
    private static partial Regex IgnoreFilters();

    // A SQL text in the source: a raw or interpolated string literal holding a statement.
    [GeneratedRegex("(\\$*\"\"\"[\\s\\S]*?\"\"\"|\\$*@?\"(?:[^\"\\\\\\n]|\\\\.)*\")")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b(?:FROM|INTO|UPDATE|JOIN)\s+(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex SqlTable();

    [Fact]
    public void Queries_outside_the_program_filter_are_the_known_ones_and_raw_sql_names_the_program()
    {
        var src = Path.Combine(Site.RepoRoot(), "src", "Remit");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(src, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllLines);

        var ignoring = files
            .Select(f => (File: f.Key, Count: f.Value.Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).Sum(l => IgnoreFilters().Count(l))))
            .Where(f => f.Count > 0).ToDictionary(f => f.File, f => f.Count);
        Assert.Equal(CrossProgram.ToDictionary(c => c.Key, c => c.Value.Count).OrderBy(c => c.Key), ignoring.OrderBy(c => c.Key));

        var statements = files.SelectMany(f => StringLiteral().Matches(string.Join('\n', f.Value))
                .Select(m => (File: f.Key, Sql: m.Value))
                .Where(s => SqlTable().Matches(s.Sql).Any(t => ProgramTables.Contains(t.Groups[1].Value))))
            .ToList();
        Assert.NotEmpty(statements); // the set-based batch moves and the bulk demo are raw SQL
        Assert.All(statements, s => Assert.True(s.Sql.Contains("program_id", StringComparison.Ordinal),
            $"{s.File}: raw SQL on program data without program_id:\n{s.Sql}"));
    }
}
