using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Programs;

namespace Remit.Bench;

/// <summary>
/// Completing a batch (POST /v1/payout-batches/{id}/complete, served for real) against one raw UPDATE of the same
/// number of rows, for 1,000 and 5,000 payouts, on SQLite (a file) or PostgreSQL (a fresh database on the server
/// REMIT_TEST_PG names; `bash scripts/pg.sh` starts one). Prints a Markdown table for the README.
/// </summary>
public static class BatchScenario
{
    private const int Runs = 3;

    public static async Task RunAsync(string[] args)
    {
        var postgres = args is ["postgres", ..];
        var dir = Directory.CreateTempSubdirectory("remit-bench-batches-");
        Environment.SetEnvironmentVariable("Remit__Database__Provider", postgres ? "Postgres" : "Sqlite");
        Environment.SetEnvironmentVariable("ConnectionStrings__Remit", postgres ? await NewPostgresDatabaseAsync() : $"Data Source={Path.Combine(dir.FullName, "bench.db")}");
        Environment.SetEnvironmentVariable("Remit__Demo__Seed", "false");
        // Served as in production (no ASPNETCORE_ENVIRONMENT), which generates no key: a throwaway one for a throwaway database.
        Environment.SetEnvironmentVariable("Remit__Encryption__Keys__bench", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Environment.SetEnvironmentVariable("Remit__RateLimit__PermitsPerMinute", "100000000");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

        var app = RemitApp.Build(["--urls", "http://127.0.0.1:0"]);
        await RemitApp.PrepareAsync(app);
        string token;
        long programId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            var program = await ProgramAdmin.CreateProgramAsync(db, "Bench", Plans.Nano, "USD", "UTC", DateTime.UtcNow);
            programId = program.Id;
            token = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "bench", Scopes.All, null, DateTime.UtcNow)).Secret;
            await BulkDemo.GenerateAsync(db, program.Id, 5_000, 5_000, DateTime.UtcNow);
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var rows = new List<string>();
        foreach (var size in new[] { 1_000, 5_000 })
        {
            var create = new List<double>();
            var complete = new List<double>();
            var raw = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
                db.ProgramId = programId;

                await PendingPayoutsAsync(db, programId, size);
                var watch = Stopwatch.StartNew();
                var batch = await BatchAsync(http);
                create.Add(watch.Elapsed.TotalMilliseconds);

                await PendingPayoutsAsync(db, programId, size);
                var twin = await BatchAsync(http);

                watch.Restart();
                using (var response = await http.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete", new { reference = "BENCH" }))
                    response.EnsureSuccessStatusCode();
                complete.Add(watch.Elapsed.TotalMilliseconds);

                // The floor: the same number of rows moved by one statement, nothing else (no audit, no checks, no HTTP).
                var now = DateTime.UtcNow;
                watch.Restart();
                var moved = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE payouts SET status = 'completed', completed_at = {now}, reference = 'BENCH' WHERE program_id = {programId} AND batch_id = {twin} AND status = 'processing'");
                raw.Add(watch.Elapsed.TotalMilliseconds);
                if (moved != size) throw new InvalidOperationException($"The raw UPDATE moved {moved} rows, not {size}.");
            }
            double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            rows.Add($"| {size:N0} payouts | {Median(create):F0} ms | {Median(complete):F0} ms | {Median(raw):F1} ms | {Median(complete) / Median(raw):F0}× |");
        }

        await app.StopAsync();
        Console.WriteLine($"| {(postgres ? "PostgreSQL" : "SQLite")}, measured {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {Runs} | create batch (HTTP) | complete batch (HTTP) | one raw UPDATE of as many rows | ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        dir.Delete(recursive: true);
    }

    /// <summary>One pending PayPal payout for each of the first <paramref name="count"/> affiliates, made by the database.</summary>
    private static async Task PendingPayoutsAsync(RemitDb db, long programId, int count)
    {
        var now = DateTime.UtcNow;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, destination, status, source, created_at)
            SELECT program_id, id, 1000 + id, 'USD', 'paypal', pay_pal_email, 'pending', 'manual', {now}
            FROM affiliates WHERE program_id = {programId} ORDER BY id LIMIT {count}
            """);
    }

    /// <summary>Every pending PayPal payout into one batch, through the API; returns its id.</summary>
    private static async Task<long> BatchAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", filter = new { } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["id"]!.GetValue<long>();
    }

    private static async Task<string> NewPostgresDatabaseAsync()
    {
        var admin = Environment.GetEnvironmentVariable("REMIT_TEST_PG") is { Length: > 0 } cs
            ? cs : throw new InvalidOperationException("batches postgres needs REMIT_TEST_PG (run it under bash scripts/pg.sh).");
        var name = $"remit_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
