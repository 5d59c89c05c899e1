using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Programs;

namespace Remit.Bench;

/// <summary>
/// Serves Remit for real over a SQLite file with bulk data, then measures what a merchant waits for (list page,
/// stats, export, statement) and the export's memory at two sizes, to show it does not grow with the rows.
/// Prints a Markdown table for the README.
/// </summary>
public static class Scenario
{
    public static async Task RunAsync(string[] args)
    {
        var payouts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var dir = Directory.CreateTempSubdirectory("remit-bench-");
        Environment.SetEnvironmentVariable("ConnectionStrings__Remit", $"Data Source={Path.Combine(dir.FullName, "bench.db")}");
        Environment.SetEnvironmentVariable("Remit__Database__Provider", "Sqlite");
        Environment.SetEnvironmentVariable("Remit__Demo__Seed", "false");
        // Served as in production (no ASPNETCORE_ENVIRONMENT), which generates no key: a throwaway one for a throwaway database.
        Environment.SetEnvironmentVariable("Remit__Encryption__Keys__bench", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Environment.SetEnvironmentVariable("Remit__RateLimit__PermitsPerMinute", "100000000");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

        var app = RemitApp.Build(["--urls", "http://127.0.0.1:0"]);
        await RemitApp.PrepareAsync(app);
        var rows = new List<(string What, string Figure)>();
        string token;
        long programId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            var now = DateTime.UtcNow;
            var program = await ProgramAdmin.CreateProgramAsync(db, "Bench", Plans.Basic, "USD", "UTC", now);
            programId = program.Id;
            token = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "bench", Scopes.All, null, now)).Secret;

            var watch = Stopwatch.StartNew();
            await BulkDemo.GenerateAsync(db, program.Id, 1_000, 1_000_000, now);
            rows.Add(("`remit demo`: 1,000 affiliates, 1,000,000 commissions", $"{watch.Elapsed.TotalSeconds:F1} s"));

            watch.Restart();
            await BulkDemo.GenerateAsync(db, program.Id, payouts, payouts, now);
            // One payout per bulk affiliate, made by the database from their commissions.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, status, source, created_at)
                SELECT program_id, affiliate_id, SUM(amount_minor), 'USD', 'paypal', 'pending', 'schedule', {now}
                FROM commissions WHERE program_id = {program.Id} AND affiliate_id > 1000 GROUP BY program_id, affiliate_id
                """);
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE commissions SET payout_id = (SELECT p.id FROM payouts p WHERE p.affiliate_id = commissions.affiliate_id) WHERE program_id = {program.Id} AND affiliate_id > 1000");
            await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO payout_commissions (program_id, payout_id, commission_id) SELECT program_id, payout_id, id FROM commissions WHERE payout_id IS NOT NULL");
            rows.Add(($"setup: {payouts:N0} more affiliates with a pending payout each", $"{watch.Elapsed.TotalSeconds:F1} s"));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        async Task Median(string what, string url, int times = 21)
        {
            var timings = new List<double>();
            for (var i = 0; i < times; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                await response.Content.CopyToAsync(Stream.Null);
                response.EnsureSuccessStatusCode();
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
            timings.Sort();
            rows.Add((what, $"{timings[timings.Count / 2]:F0} ms median of {times}"));
        }

        await Median("GET /v1/payouts (first page of 25)", "/v1/payouts");
        await Median("GET /v1/payouts?status=pending&sort=-amount", "/v1/payouts?status=pending&sort=-amount");
        await Median("GET /v1/payouts?q=000123 (substring search)", "/v1/payouts?q=000123");
        await Median("GET /v1/payouts?page=2000", "/v1/payouts?page=2000");
        await Median("GET /v1/payouts/stats", "/v1/payouts/stats");
        await Median("GET /v1/commissions?status=approved", "/v1/commissions?status=approved");
        await Median("GET /v1/affiliates (balances summed per row)", "/v1/affiliates");
        await Median("GET /v1/payouts/1/statement (PDF)", "/v1/payouts/1/statement");

        foreach (var (label, url) in new[] { ("10% of", "/v1/payouts/export?sort=id&q=affiliate%2000"), ("all", "/v1/payouts/export?sort=id") })
        {
            var (bytes, seconds, peak) = await ExportAsync(http, url);
            rows.Add(($"GET /v1/payouts/export, {label} {payouts:N0} payouts", $"{bytes / 1024.0 / 1024:F1} MB in {seconds:F1} s; peak managed heap during export {peak / 1024.0 / 1024:F0} MB"));
        }

        await app.StopAsync();
        Console.WriteLine($"| measured {DateTime.UtcNow:yyyy-MM-dd}, program {programId}, {Environment.ProcessorCount} cores | |");
        Console.WriteLine("|---|---|");
        foreach (var (what, figure) in rows) Console.WriteLine($"| {what} | {figure} |");
        dir.Delete(recursive: true);
    }

    /// <summary>Downloads an export while sampling the server's managed heap (same process) every 5 ms.</summary>
    private static async Task<(long Bytes, double Seconds, long PeakHeap)> ExportAsync(HttpClient http, string url)
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
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var counter = new CountingStream();
        await response.Content.CopyToAsync(counter);
        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        return (counter.Length, seconds, peak);
    }

    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
