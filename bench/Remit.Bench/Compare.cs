using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Programs;

namespace Remit.Bench;

/// <summary>
/// Remit over HTTP against the hand-written SQL of the same question on the same database, interleaved (one Remit
/// request, one raw query, again), medians with their spread, at each size given (payouts; 10 commissions each, one
/// affiliate per payout, 75 % completed, 10 % pending, 10 % processing, 5 % failed, an audit event each), on SQLite
/// and — when REMIT_TEST_PG names a server (`bash scripts/pg.sh`) — on PostgreSQL. Then wrk against three endpoints
/// beside a bare one in the same process. Prints a Markdown table for the README.
/// </summary>
public static partial class Compare
{
    private const int Runs = 7;

    private sealed record Row(string Provider, int Size, string What, double Remit, string RemitSpread, double Raw, string RawSpread);

    public static async Task RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1_000, 10_000];
        var rows = new List<Row>();
        var throughput = new List<string>();
        var builds = new List<string>();
        var providers = Environment.GetEnvironmentVariable("REMIT_TEST_PG") is { Length: > 0 } ? new[] { "Sqlite", "Postgres" } : ["Sqlite"];
        // REMIT_BENCH_PROVIDERS=Postgres (or Sqlite) measures one only: the 1M run takes hours for both.
        if (Environment.GetEnvironmentVariable("REMIT_BENCH_PROVIDERS") is { Length: > 0 } only)
            providers = providers.Where(p => only.Split(',').Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
        foreach (var provider in providers)
            foreach (var size in sizes)
                await RunOneAsync(provider, size, rows, throughput, builds, wrk: size == sizes[^1]);

        Console.WriteLine($"Measured {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median (min–max) of {Runs}, interleaved with the raw query:");
        Console.WriteLine();
        Console.WriteLine("| provider | payouts | what | Remit over HTTP | raw SQL | ratio | growth |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var first = rows.First(r => r.Provider == row.Provider && r.What == row.What);
            var growth = row.Size == first.Size ? "" : $"{row.Remit / first.Remit:F1}× for {row.Size / first.Size}× rows";
            Console.WriteLine($"| {row.Provider} | {row.Size:N0} | {row.What} | {row.Remit:F1} ms ({row.RemitSpread}) | {row.Raw:F1} ms ({row.RawSpread}) | {row.Remit / row.Raw:F1}× | {growth} |");
        }
        Console.WriteLine();
        Console.WriteLine("| provider | payouts | wrk -t2 -c32 -d5s | requests/s | of the bare endpoint |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var line in throughput) Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine("| provider | data built | time | peak working set of the process so far |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var line in builds) Console.WriteLine(line);
    }

    private static async Task RunOneAsync(string provider, int size, List<Row> rows, List<string> throughput, List<string> builds, bool wrk)
    {
        var dir = Directory.CreateTempSubdirectory("remit-compare-");
        var sqliteFile = Path.Combine(dir.FullName, "bench.db");
        var connectionString = provider == "Postgres" ? await NewPostgresDatabaseAsync() : $"Data Source={sqliteFile}";
        Environment.SetEnvironmentVariable("Remit__Database__Provider", provider);
        Environment.SetEnvironmentVariable("ConnectionStrings__Remit", connectionString);
        Environment.SetEnvironmentVariable("Remit__Demo__Seed", "false");
        Environment.SetEnvironmentVariable("Remit__Encryption__Keys__bench", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Environment.SetEnvironmentVariable("Remit__RateLimit__PermitsPerMinute", "100000000");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Warning");
        // The schedule is run by the measurement itself: the in-process job would race it for the same day.
        Environment.SetEnvironmentVariable("Remit__Schedule__Enabled", "false");

        // The data first, on a migrated database, then a fresh start: Remit's start-up gives SQLite its statistics.
        var builder = RemitApp.Build(["--urls", "http://127.0.0.1:0"]);
        await RemitApp.PrepareAsync(builder);
        string token;
        long programId;
        await using (var scope = builder.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            var now = DateTime.UtcNow;
            var program = await ProgramAdmin.CreateProgramAsync(db, "Bench", Plans.Basic, "USD", "UTC", now);
            programId = program.Id;
            token = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "bench", Scopes.All, null, now)).Secret;
            var watch = Stopwatch.StartNew();
            await BulkDemo.GenerateAsync(db, program.Id, size, size * 10, now);
            await BuildPayoutsAsync(db, programId, now);
            using var self = Process.GetCurrentProcess();
            builds.Add($"| {provider} | {size:N0} affiliates, {size * 10:N0} commissions, {size:N0} payouts | {watch.Elapsed.TotalSeconds:F0} s | {self.PeakWorkingSet64 / 1024 / 1024:N0} MB |");
            await Console.Error.WriteLineAsync(builds[^1]);
        }
        await builder.DisposeAsync();

        var app = RemitApp.Build(["--urls", "http://127.0.0.1:0"]);
        app.MapGet("/bare", () => "ok");
        await RemitApp.PrepareAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await using var scope2 = app.Services.CreateAsyncScope();
        var raw = scope2.ServiceProvider.GetRequiredService<RemitDb>().Database.GetDbConnection();
        await raw.OpenAsync();

        var p = programId.ToString(CultureInfo.InvariantCulture);
        var pending = await ScalarAsync(raw, $"SELECT min(id) FROM payouts WHERE program_id = {p} AND status = 'pending'");
        var deep = size / 2 / 25 * 25;
        var monthStart = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var timestamp = provider == "Postgres" ? $"'{monthStart:yyyy-MM-dd HH:mm:ss}+00'" : $"'{monthStart:yyyy-MM-dd HH:mm:ss}'";
        const string listColumns = "p.id, p.affiliate_id, a.name, a.email, p.amount_minor, p.currency, p.status, p.method, p.destination, p.source, p.created_at, p.processing_at, p.completed_at, p.failed_at, p.reference, p.notes, p.failure_reason, p.batch_id";
        var measures = new (string What, string Url, string[] Sql)[]
        {
            ("GET one payout", $"/v1/payouts/{pending}",
            [
                $"SELECT {listColumns} FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = {p} AND p.id = {pending}",
                $"SELECT count(*) FROM payout_commissions WHERE program_id = {p} AND payout_id = {pending}",
                $"SELECT from_status, to_status, \"at\", actor_name, notes FROM audit_events WHERE program_id = {p} AND entity_type = 'payout' AND entity_id = {pending} ORDER BY \"at\", id",
            ]),
            ("stats", "/v1/payouts/stats",
            [
                $"SELECT status, count(*), sum(amount_minor) FROM payouts WHERE program_id = {p} AND status IN ('pending', 'processing') GROUP BY status",
                $"SELECT count(*) FROM payouts WHERE program_id = {p} AND status = 'failed'",
                $"SELECT count(DISTINCT affiliate_id) FROM payouts WHERE program_id = {p} AND status = 'pending'",
                $"SELECT sum(amount_minor) FROM payouts WHERE program_id = {p} AND status = 'completed' AND completed_at >= {timestamp}",
                $"SELECT count(*) FROM payout_requests WHERE program_id = {p} AND status = 'pending'",
            ]),
            ("payouts, first page", "/v1/payouts",
            [
                $"SELECT {listColumns} FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = {p} ORDER BY p.created_at DESC, p.id DESC LIMIT 25",
                $"SELECT count(*) FROM payouts WHERE program_id = {p}",
            ]),
            ($"payouts, page {deep / 25 + 1}", $"/v1/payouts?page={deep / 25 + 1}",
            [
                $"SELECT {listColumns} FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = {p} ORDER BY p.created_at DESC, p.id DESC LIMIT 25 OFFSET {deep}",
                $"SELECT count(*) FROM payouts WHERE program_id = {p}",
            ]),
            ("payouts, pending by amount", "/v1/payouts?status=pending&sort=-amount",
            [
                $"SELECT {listColumns} FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = {p} AND p.status = 'pending' ORDER BY p.amount_minor DESC, p.id DESC LIMIT 25",
                $"SELECT count(*) FROM payouts WHERE program_id = {p} AND status = 'pending'",
            ]),
            ("affiliates with balances", "/v1/affiliates",
            [
                $"SELECT a.id, a.name, (SELECT sum(c.amount_minor) FROM commissions c WHERE c.program_id = {p} AND c.affiliate_id = a.id AND c.payout_id IS NULL AND c.voided_at IS NULL) FROM affiliates a WHERE a.program_id = {p} ORDER BY a.name, a.id LIMIT 25",
                $"SELECT count(*) FROM affiliates WHERE program_id = {p}",
            ]),
            ("commissions, paid", "/v1/commissions?status=paid",
            [
                $"SELECT c.id, c.affiliate_id, c.amount_minor, c.earned_at, c.payout_id FROM commissions c JOIN payouts p ON p.id = c.payout_id WHERE c.program_id = {p} AND c.voided_at IS NULL AND p.status = 'completed' ORDER BY c.earned_at DESC, c.id DESC LIMIT 25",
                $"SELECT count(*) FROM commissions c JOIN payouts p ON p.id = c.payout_id WHERE c.program_id = {p} AND c.voided_at IS NULL AND p.status = 'completed'",
            ]),
        };

        using var explain = Explain.Directory is null ? null : new Explain();
        if (explain is not null)
        {
            System.IO.Directory.CreateDirectory(Explain.Directory!);
            File.Delete(Path.Combine(Explain.Directory!, $"explain-{provider}-{size}.txt"));
        }
        foreach (var (question, url, sql) in measures)
        {
            var what = question;
            // The same answer: a list's ids in Remit's order are the raw query's, row for row.
            if (url != "/v1/payouts/stats" && !url.StartsWith("/v1/payouts/" + pending, StringComparison.Ordinal))
            {
                var data = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(url))!["data"]!.AsArray();
                var ids = await IdsAsync(raw, sql[0]);
                if (!data.Select(d => d!["id"]!.GetValue<long>()).SequenceEqual(ids))
                    what += " — ANSWER DIFFERS from the raw query";
            }
            var remit = new List<double>();
            var direct = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                using (var response = await http.GetAsync(url))
                {
                    await response.Content.CopyToAsync(Stream.Null);
                    response.EnsureSuccessStatusCode();
                }
                remit.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                foreach (var statement in sql) await ReadAllAsync(raw, statement);
                direct.Add(watch.Elapsed.TotalMilliseconds);
            }
            rows.Add(new Row(provider, size, what, Median(remit), Spread(remit), Median(direct), Spread(direct)));
            await Console.Error.WriteLineAsync($"{provider} {size} {what}: {Median(remit):F1} ms vs raw {Median(direct):F1} ms");
            if (explain is not null)
                await explain.PlanAsync(Path.Combine(Explain.Directory!, $"explain-{provider}-{size}.txt"), $"{what} ({url})", raw, async () =>
                {
                    using var response = await http.GetAsync(url);
                    response.EnsureSuccessStatusCode();
                });
        }

        // The export: rows a second through HTTP against the database's own CSV dump of the same columns.
        var exportRemit = new List<double>();
        var exportRaw = new List<double>();
        long peak = 0;
        var dump = $"SELECT {listColumns} FROM payouts p JOIN affiliates a ON a.id = p.affiliate_id WHERE p.program_id = {p} ORDER BY p.id";
        for (var run = 0; run < 3; run++)
        {
            var (seconds, heap) = await ExportAsync(http, "/v1/payouts/export?sort=id");
            exportRemit.Add(seconds * 1000);
            peak = Math.Max(peak, heap);
            exportRaw.Add(await DumpAsync(provider, sqliteFile, connectionString, dump) * 1000);
        }
        rows.Add(new Row(provider, size, $"CSV export of {size:N0} payouts (peak heap {peak / 1024 / 1024} MB)", Median(exportRemit), Spread(exportRemit), Median(exportRaw), Spread(exportRaw)));

        // REMIT_BENCH_SKIP_WRITES=1: the reads only, in minutes (the schedule run alone takes several).
        if (Environment.GetEnvironmentVariable("REMIT_BENCH_SKIP_WRITES") != "1")
            await WritesAsync(provider, size, app, new Uri(address), raw, rows);

        if (wrk)
        {
            var root = address.TrimEnd('/') + "/";
            var bare = await WrkAsync(root + "bare", token);
            foreach (var (what, path) in new[] { ("GET one payout", $"v1/payouts/{pending}"), ("stats", "v1/payouts/stats"), ("payouts, first page", "v1/payouts") })
            {
                var rps = await WrkAsync(root + path, token);
                throughput.Add($"| {provider} | {size:N0} | {what} | {rps:N0} | {rps / bare:P1} (bare: {bare:N0}) |");
            }
        }

        await raw.CloseAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        dir.Delete(recursive: true);
    }

    /// <summary>One payout per affiliate from its commissions, the status mix, the link rows and an audit event each: set-based.</summary>
    private static async Task BuildPayoutsAsync(RemitDb db, long programId, DateTime now)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, destination, status, source, created_at)
            SELECT c.program_id, c.affiliate_id, SUM(c.amount_minor), 'USD', 'paypal', MIN(a.pay_pal_email), 'pending', 'schedule', {now}
            FROM commissions c JOIN affiliates a ON a.id = c.affiliate_id WHERE c.program_id = {programId} GROUP BY c.program_id, c.affiliate_id
            """);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE payouts SET status = CASE WHEN id % 20 = 0 THEN 'failed' WHEN id % 20 IN (1, 2) THEN 'processing' WHEN id % 20 IN (3, 4) THEN 'pending' ELSE 'completed' END,
                completed_at = CASE WHEN id % 20 > 4 THEN {now} END, processing_at = CASE WHEN id % 20 > 0 AND id % 20 < 3 THEN {now} END,
                failed_at = CASE WHEN id % 20 = 0 THEN {now} END
            WHERE program_id = {programId}
            """);
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE commissions SET payout_id = (SELECT p.id FROM payouts p WHERE p.program_id = {programId} AND p.affiliate_id = commissions.affiliate_id AND p.status <> 'failed') WHERE program_id = {programId}");
        await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO payout_commissions (program_id, payout_id, commission_id) SELECT c.program_id, p.id, c.id FROM commissions c JOIN payouts p ON p.program_id = c.program_id AND p.affiliate_id = c.affiliate_id WHERE c.program_id = {programId}");
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO audit_events (program_id, actor_type, action, entity_type, entity_id, from_status, to_status, "at")
            SELECT program_id, 'system', 'payout.' || status, 'payout', id, 'pending', status, {now} FROM payouts WHERE program_id = {programId}
            """);
        // Measured as a database in use would be, with statistics (autovacuum's come minutes after a load).
        await Database.AnalyzeAfterLoadAsync(db);
    }

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    private static string Spread(List<double> xs) => $"{xs.Min():F1}–{xs.Max():F1}";

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<long>> IdsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static async Task ReadAllAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync()) reader.GetValues(values);
    }

    /// <summary>Downloads an export while sampling the server's managed heap (same process); returns seconds and the peak.</summary>
    private static async Task<(double Seconds, long PeakHeap)> ExportAsync(HttpClient http, string url)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        long peak = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var watch = Stopwatch.StartNew();
        using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await response.Content.CopyToAsync(Stream.Null);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        return (seconds, peak);
    }

    /// <summary>The database's own CSV dump of the query to /dev/null: `sqlite3 -csv` or `psql \copy`; seconds.</summary>
    private static async Task<double> DumpAsync(string provider, string sqliteFile, string connectionString, string sql)
    {
        ProcessStartInfo start;
        if (provider == "Postgres")
        {
            var pg = new NpgsqlConnectionStringBuilder(connectionString);
            start = new ProcessStartInfo("psql") { ArgumentList = { "-X", "-q", "-h", pg.Host!, "-p", pg.Port.ToString(CultureInfo.InvariantCulture), "-U", pg.Username!, "-d", pg.Database!, "-c", $"\\copy ({sql}) TO '/dev/null' CSV HEADER" } };
        }
        else start = new ProcessStartInfo("sqlite3") { ArgumentList = { "-csv", "-header", sqliteFile, sql } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{start.FileName} failed: {await error}");
        return seconds;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    private static async Task<double> WrkAsync(string url, string token)
    {
        var start = new ProcessStartInfo("wrk") { ArgumentList = { "-t2", "-c32", "-d5s", "-H", $"Authorization: Bearer {token}", url }, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<string> NewPostgresDatabaseAsync()
    {
        var admin = Environment.GetEnvironmentVariable("REMIT_TEST_PG")!;
        var name = $"remit_compare_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
