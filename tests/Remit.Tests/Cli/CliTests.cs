using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Remit.Api;

namespace Remit.Tests.Cli;

using Remit.Tests.Infrastructure;
using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The operator commands, run as a script would: the real `remit` executable in a subprocess, configured only through
/// environment variables, over a fresh database that the in-process API then serves.
/// </summary>
public sealed class CliTests
{
    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public string Out => Stdout.Trim();
    }

    private static async Task<Run> RemitAsync(string connectionString, string? stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "remit.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the app's build output should be copied next to the tests.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Remit"] = connectionString;
        // A command is a short process: the JIT's profile-guided tier only costs it start-up time (test speed only).
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["Remit__Database__Provider"] = TestDatabase.Provider;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        // A hang guard, not a speed check: a command takes seconds, but a loaded 2-core machine once took over a minute.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<Run> OkAsync(string connectionString, params string[] args) =>
        Ok(await RemitAsync(connectionString, null, args));

    private static Run Ok(Run run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stdout: {run.Stdout}; stderr: {run.Stderr}");
        return run;
    }

    [Fact]
    public async Task Programs_and_tokens_made_by_the_cli_work_against_the_api()
    {
        await using var app = new TestApp { Database = await TestDatabase.CreateAsync() };
        var cs = app.Database.ConnectionString;

        var created = await OkAsync(cs, "programs", "create", "--name", "Cli Shop", "--plan", "basic", "--time-zone", "Europe/Berlin");
        Assert.Matches(@"^\d+$", created.Out);
        var programId = long.Parse(created.Out);

        var token = (await OkAsync(cs, "tokens", "create", "--program", programId.ToString(), "--name", "reporting", "--scopes", "payouts:read")).Out;
        Assert.DoesNotContain('\n', token);
        Assert.True(token.Length >= 20, token);

        using var http = app.ClientWith(token);
        var program = await Api.GetAsync(http, "/v1/program");
        Assert.Equal(programId, program["data"]!["id"]!.GetValue<long>());
        Assert.Equal("Cli Shop", program["data"]!["name"]!.GetValue<string>());
        Assert.Equal("basic", program["data"]!["plan"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", program["data"]!["time_zone"]!.GetValue<string>());
        await Api.GetAsync(http, "/v1/payouts");
        // Only the scope it was given.
        await Api.ErrorAsync(await http.GetAsync("/v1/affiliates"), 403, "FORBIDDEN");
        await Api.ErrorAsync(await http.PostAsync("/v1/payouts/bulk-processing", null), 403, "FORBIDDEN");

        var list = await OkAsync(cs, "tokens", "list", "--program", programId.ToString());
        Assert.Contains("reporting", list.Stdout);
        Assert.Contains("payouts:read", list.Stdout);
        Assert.Contains("active", list.Stdout);
        Assert.DoesNotContain(token, list.Stdout);
        var listJson = await OkAsync(cs, "tokens", "list", "--program", programId.ToString(), "--json");
        Assert.DoesNotContain(token, listJson.Stdout);
        var tokens = JsonNode.Parse(listJson.Out)!.AsArray();
        var entry = Assert.Single(tokens)!;
        Assert.Equal("reporting", entry["name"]!.GetValue<string>());
        Assert.Null(entry["revoked_at"]);
        var tokenId = entry["id"]!.GetValue<long>();

        var revoked = await OkAsync(cs, "tokens", "revoke", "--program", programId.ToString(), "--token-id", tokenId.ToString());
        Assert.Equal("revoked", revoked.Out);
        // A revocation made outside this process reaches it once its token cache entry lapses (README: Tokens).
        app.Clock.Advance(TokenCache.Lifetime);
        await Api.ErrorAsync(await http.GetAsync("/v1/payouts"), 401, "UNAUTHORIZED");
        var afterRevoke = await OkAsync(cs, "tokens", "list", "--program", programId.ToString());
        Assert.Contains("revoked", afterRevoke.Stdout);

        var set = await OkAsync(cs, "programs", "set", "--program", programId.ToString(), "--plan", "custom");
        Assert.Equal(programId.ToString(), set.Out);
        using var admin = app.ClientWith(await app.TokenAsync(programId, Scopes.All));
        var changed = (await Api.GetAsync(admin, "/v1/program"))["data"]!;
        Assert.Equal("custom", changed["plan"]!.GetValue<string>());
        Assert.Equal("Cli Shop", changed["name"]!.GetValue<string>());
        Assert.Contains("crypto", changed["payout_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task Refused_input_is_exit_code_2_with_the_reason_on_stderr()
    {
        await using var db = await TestDatabase.CreateAsync();
        var cs = db.ConnectionString;

        var plan = await RemitAsync(cs, null, "programs", "create", "--name", "X", "--plan", "platinum");
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("plan", plan.Stderr);
        Assert.Equal("", plan.Out);

        var programJson = (await OkAsync(cs, "programs", "create", "--name", "X", "--plan", "nano", "--json")).Out;
        var json = JsonNode.Parse(programJson)!;
        Assert.Equal("nano", json["plan"]!.GetValue<string>());
        Assert.Equal("X", json["name"]!.GetValue<string>());
        var id = json["id"]!.GetValue<long>().ToString();

        var scope = await RemitAsync(cs, null, "tokens", "create", "--program", id, "--name", "n", "--scopes", "payouts:read,payouts:admin");
        Assert.Equal(2, scope.ExitCode);
        Assert.Contains("payouts:admin", scope.Stderr);
        Assert.Equal("", scope.Out);

        var password = await RemitAsync(cs, "short\n", "users", "create", "--program", id, "--email", "boss@example.com");
        Assert.Equal(2, password.ExitCode);
        Assert.Contains("password", password.Stderr, StringComparison.OrdinalIgnoreCase);

        await using var check = db.Open();
        Assert.Equal(1, await check.Programs.CountAsync());
        Assert.Equal(0, await check.ApiTokens.IgnoreQueryFilters().CountAsync());
        Assert.Equal(0, await check.Users.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task Users_create_reads_the_password_from_stdin()
    {
        await using var db = await TestDatabase.CreateAsync();
        var cs = db.ConnectionString;
        var programId = long.Parse((await OkAsync(cs, "programs", "create", "--name", "X", "--plan", "standard")).Out);
        const string secret = "correct horse battery staple";

        var run = Ok(await RemitAsync(cs, secret + "\n", "users", "create", "--program", programId.ToString(), "--email", "Boss@Example.com", "--role", "viewer"));

        Assert.DoesNotContain(secret, run.Stdout + run.Stderr);
        await using var check = db.Open(programId);
        var user = await check.Users.SingleAsync();
        Assert.Equal(long.Parse(run.Out), user.Id);
        Assert.Equal("boss@example.com", user.Email);
        Assert.Equal("viewer", user.Role);
        Assert.NotEqual(secret, user.PasswordHash);
        var hasher = new PasswordHasher<DashboardUser>();
        Assert.NotEqual(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(user, user.PasswordHash, secret));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(user, user.PasswordHash, secret + "\n"));
    }

    [Fact]
    public async Task Demo_adds_exactly_the_commissions_asked_for()
    {
        await using var db = await TestDatabase.CreateAsync();
        var cs = db.ConnectionString;
        var programId = long.Parse((await OkAsync(cs, "programs", "create", "--name", "Bulk", "--plan", "basic")).Out);

        var run = await OkAsync(cs, "demo", "--program", programId.ToString(), "--affiliates", "10", "--commissions", "5000", "--json");

        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(10, json["affiliates"]!.GetValue<int>());
        Assert.Equal(5000, json["commissions"]!.GetValue<int>());
        await using var check = db.Open(programId);
        Assert.Equal(10, await check.Affiliates.CountAsync());
        // Written by the driver's bulk path, not by EF: each reads back as an active affiliate the search finds.
        Assert.All(await check.Affiliates.AsNoTracking().ToListAsync(), a =>
        {
            Assert.Equal(Remit.Affiliates.AffiliateStatus.Active, a.Status);
            Assert.Equal(Remit.Affiliates.Affiliate.Normalise($"{a.Name} {a.Email}"), a.SearchText);
            Assert.Equal(a.Email, a.PayPalEmail);
        });
        Assert.Equal(5000, await check.Commissions.CountAsync());
        Assert.Equal(5000, await check.Commissions.IgnoreQueryFilters().CountAsync());
        // Every commission belongs to one of the program's affiliates, in its currency, with a positive amount.
        var affiliateIds = await check.Affiliates.Select(a => a.Id).ToListAsync();
        Assert.Equal(5000, await check.Commissions.CountAsync(c => affiliateIds.Contains(c.AffiliateId) && c.Currency == "USD" && c.AmountMinor > 0));
    }

    [Fact]
    public async Task Migrate_prints_migrated_and_creates_the_schema_on_an_empty_database()
    {
        var (connectionString, drop) = await EmptyDatabaseAsync();
        try
        {
            var run = await OkAsync(connectionString, "migrate");

            Assert.Equal("migrated", run.Out);
            var check = new TestDatabase { ConnectionString = connectionString };
            await using var db = check.Open();
            Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await db.Programs.CountAsync());
        }
        finally
        {
            await drop();
        }
    }

    /// <summary>A database with no schema at all: a new SQLite file, or a new PostgreSQL database.</summary>
    private static async Task<(string ConnectionString, Func<Task> Drop)> EmptyDatabaseAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            var file = Path.Combine(Path.GetTempPath(), $"remit-cli-{Guid.NewGuid():N}.db");
            return ($"Data Source={file}", () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var f in new[] { file, file + "-wal", file + "-shm" }) if (File.Exists(f)) File.Delete(f);
                return Task.CompletedTask;
            });
        }
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("REMIT_TEST_PG")) { Pooling = false };
        var name = "cli_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE {name}");
        var cs = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
        return (cs, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
