using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Programs;
using Remit.Schedule;

namespace Remit.Bench;

/// <summary>
/// The writes and the long reads, each in a program of its own on the same database as the reads (so the tables hold
/// the size being measured): bulk-complete of 1,000 payouts, a batch of 5,000 created and completed, a statement of
/// 1,000 lines, one schedule run over 20,000 affiliates. Each against the hand-written SQL that leaves the same rows
/// (checked), interleaved as the reads are.
/// </summary>
public static partial class Compare
{
    private const int WriteRuns = 3;

    private static async Task WritesAsync(string provider, int size, WebApplication app, Uri address, DbConnection raw, List<Row> rows)
    {
        var now = DateTime.UtcNow;
        long writes, statementProgram, schedule, twinSchedule;
        string writesToken, statementToken;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            writes = (await ProgramAdmin.CreateProgramAsync(db, "Bench writes", Plans.Basic, "USD", "UTC", now)).Id;
            writesToken = (await ProgramAdmin.CreateTokenAsync(db, writes, "bench", Scopes.All, null, now)).Secret;
            await BulkDemo.GenerateAsync(db, writes, 5_000, 0, now);

            statementProgram = (await ProgramAdmin.CreateProgramAsync(db, "Bench statement", Plans.Basic, "USD", "UTC", now)).Id;
            statementToken = (await ProgramAdmin.CreateTokenAsync(db, statementProgram, "bench", Scopes.All, null, now)).Secret;
            await BulkDemo.GenerateAsync(db, statementProgram, 1, 1_000, now);
            await BuildPayoutsAsync(db, statementProgram, now);

            schedule = (await ProgramAdmin.CreateProgramAsync(db, "Bench schedule", Plans.Basic, "USD", "UTC", now)).Id;
            await BulkDemo.GenerateAsync(db, schedule, 20_000, 20_000, now);
            twinSchedule = (await ProgramAdmin.CreateProgramAsync(db, "Bench schedule twin", Plans.Basic, "USD", "UTC", now)).Id;
            await BulkDemo.GenerateAsync(db, twinSchedule, 20_000, 20_000, now);
            // Monthly on the 1st since two months ago, nothing held back, any balance paid: every affiliate is due.
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE programs SET auto_create_payouts = {true}, schedule_since = {now.AddDays(-62)}, payout_frequency = 'monthly', payout_day = 1, hold_days = 0, min_payout_minor = 1 WHERE id = {schedule}");
        }
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", writesToken);
        var w = writes.ToString(CultureInfo.InvariantCulture);

        // Bulk-complete of 1,000 pending payouts against one UPDATE of as many and the INSERT of their audit rows.
        {
            var remit = new List<double>();
            var direct = new List<double>();
            var what = "bulk-complete 1,000";
            for (var run = 0; run < WriteRuns; run++)
            {
                var ids = await PendingAsync(raw, w, 1_000, now);
                var watch = Stopwatch.StartNew();
                using (var response = await http.PostAsJsonAsync("/v1/payouts/bulk-complete", new { ids, reference = "BENCH" }))
                {
                    response.EnsureSuccessStatusCode();
                    remit.Add(watch.Elapsed.TotalMilliseconds);
                }
                var twin = await PendingAsync(raw, w, 1_000, now);
                var (first, last) = (twin.Min(), twin.Max());
                watch.Restart();
                await using (var tx = await raw.BeginTransactionAsync())
                {
                    await ExecuteAsync(raw, tx, $"UPDATE payouts SET status = 'completed', completed_at = {Timestamp(provider, now)}, reference = 'BENCH' WHERE program_id = {w} AND id BETWEEN {first} AND {last} AND status = 'pending'");
                    await ExecuteAsync(raw, tx, $"INSERT INTO audit_events (program_id, actor_type, action, entity_type, entity_id, from_status, to_status, notes, \"at\") SELECT program_id, 'token', 'payout.completed', 'payout', id, 'pending', 'completed', 'reference: BENCH', completed_at FROM payouts WHERE program_id = {w} AND id BETWEEN {first} AND {last}");
                    await tx.CommitAsync();
                }
                direct.Add(watch.Elapsed.TotalMilliseconds);
                if (!await SameOutcomeAsync(raw, w, ids, twin, "completed")) what += " — ANSWER DIFFERS from the raw SQL";
            }
            rows.Add(new Row(provider, size, what, Median(remit), Spread(remit), Median(direct), Spread(direct)));
            await Console.Error.WriteLineAsync($"{provider} {size} {what}: {Median(remit):F1} ms vs raw {Median(direct):F1} ms");
        }

        // A batch of 5,000: made from every pending payout and marked paid, against the same two steps in SQL.
        {
            var remit = new List<double>();
            var direct = new List<double>();
            var what = "batch of 5,000 created and completed";
            for (var run = 0; run < WriteRuns; run++)
            {
                var ids = await PendingAsync(raw, w, 5_000, now);
                var watch = Stopwatch.StartNew();
                long batch;
                using (var response = await http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", filter = new { } }))
                {
                    response.EnsureSuccessStatusCode();
                    batch = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["id"]!.GetValue<long>();
                }
                using (var response = await http.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete", new { reference = "BENCH" }))
                    response.EnsureSuccessStatusCode();
                remit.Add(watch.Elapsed.TotalMilliseconds);

                var twin = await PendingAsync(raw, w, 5_000, now);
                var (first, last) = (twin.Min(), twin.Max());
                var t = Timestamp(provider, now);
                watch.Restart();
                await using (var tx = await raw.BeginTransactionAsync())
                {
                    var twinBatch = await ScalarAsync(raw, $"INSERT INTO payout_batches (program_id, method, status, count, total_minor, currency, created_at, requires_approval) SELECT {w}, 'paypal', 'open', count(*), sum(amount_minor), 'USD', {t}, {False(provider)} FROM payouts WHERE program_id = {w} AND id BETWEEN {first} AND {last} RETURNING id", tx);
                    await ExecuteAsync(raw, tx, $"UPDATE payouts SET status = 'processing', processing_at = {t}, batch_id = {twinBatch} WHERE program_id = {w} AND id BETWEEN {first} AND {last} AND status = 'pending'");
                    await ExecuteAsync(raw, tx, $"INSERT INTO audit_events (program_id, actor_type, action, entity_type, entity_id, from_status, to_status, \"at\") SELECT program_id, 'token', 'payout.processing', 'payout', id, 'pending', 'processing', {t} FROM payouts WHERE program_id = {w} AND batch_id = {twinBatch}");
                    await tx.CommitAsync();
                }
                await using (var tx = await raw.BeginTransactionAsync())
                {
                    var twinBatch = await ScalarAsync(raw, $"SELECT max(id) FROM payout_batches WHERE program_id = {w}", tx);
                    await ExecuteAsync(raw, tx, $"UPDATE payouts SET status = 'completed', completed_at = {t}, reference = 'BENCH' WHERE program_id = {w} AND batch_id = {twinBatch} AND status = 'processing'");
                    await ExecuteAsync(raw, tx, $"INSERT INTO audit_events (program_id, actor_type, action, entity_type, entity_id, from_status, to_status, notes, \"at\") SELECT program_id, 'token', 'payout.completed', 'payout', id, 'processing', 'completed', 'reference: BENCH', {t} FROM payouts WHERE program_id = {w} AND batch_id = {twinBatch}");
                    await ExecuteAsync(raw, tx, $"UPDATE payout_batches SET status = 'completed' WHERE id = {twinBatch}");
                    await tx.CommitAsync();
                }
                direct.Add(watch.Elapsed.TotalMilliseconds);
                if (!await SameOutcomeAsync(raw, w, ids, twin, "completed")) what += " — ANSWER DIFFERS from the raw SQL";
            }
            rows.Add(new Row(provider, size, what, Median(remit), Spread(remit), Median(direct), Spread(direct)));
            await Console.Error.WriteLineAsync($"{provider} {size} {what}: {Median(remit):F1} ms vs raw {Median(direct):F1} ms");
        }

        // A statement of 1,000 lines (the PDF: the only form it has) against the query of its lines.
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", statementToken);
            var s = statementProgram.ToString(CultureInfo.InvariantCulture);
            var payout = await ScalarAsync(raw, $"SELECT min(id) FROM payouts WHERE program_id = {s}");
            var lines = $"SELECT c.id, c.earned_at, c.description, c.reference, c.amount_minor, c.currency FROM payout_commissions pc JOIN commissions c ON c.id = pc.commission_id WHERE pc.program_id = {s} AND pc.payout_id = {payout} ORDER BY c.earned_at, c.id";
            var what = "statement of 1,000 lines (PDF)";
            var pdf = await http.GetByteArrayAsync($"/v1/payouts/{payout}/statement");
            if (await PdfLinesAsync(pdf, "Bulk demo sale") != (await IdsAsync(raw, lines)).Count) what += " — ANSWER DIFFERS from the raw query";
            var remit = new List<double>();
            var direct = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                using (var response = await http.GetAsync($"/v1/payouts/{payout}/statement"))
                {
                    await response.Content.CopyToAsync(Stream.Null);
                    response.EnsureSuccessStatusCode();
                }
                remit.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                await ReadAllAsync(raw, lines);
                direct.Add(watch.Elapsed.TotalMilliseconds);
            }
            rows.Add(new Row(provider, size, what, Median(remit), Spread(remit), Median(direct), Spread(direct)));
            await Console.Error.WriteLineAsync($"{provider} {size} {what}: {Median(remit):F1} ms vs raw {Median(direct):F1} ms");
        }

        // One schedule run over 20,000 affiliates (in process, as `remit schedule run` calls it) against the
        // INSERT ... SELECT of the same payouts with their claim, link and audit rows in a twin program (the same
        // affiliates and commissions: the demo data is seeded). Each runs once: it pays everyone.
        {
            var c = twinSchedule.ToString(CultureInfo.InvariantCulture);
            var t = Timestamp(provider, now);
            var day = new DateOnly(now.Year, now.Month, 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var watch = Stopwatch.StartNew();
            await using (var tx = await raw.BeginTransactionAsync())
            {
                await ExecuteAsync(raw, tx, $"""
                    INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, destination, status, source, schedule_date, created_at, period_start, period_end)
                    SELECT c.program_id, c.affiliate_id, sum(c.amount_minor), 'USD', min(a.payout_method), min(a.pay_pal_email), 'pending', 'schedule', '{day}', {t}, min(c.earned_at), max(c.earned_at)
                    FROM commissions c JOIN affiliates a ON a.id = c.affiliate_id AND a.status = 'active'
                    WHERE c.program_id = {c} AND c.voided_at IS NULL AND c.payout_id IS NULL AND c.earned_at <= {t}
                    GROUP BY c.program_id, c.affiliate_id HAVING sum(c.amount_minor) > 0
                    """);
                await ExecuteAsync(raw, tx, $"UPDATE commissions SET payout_id = (SELECT p.id FROM payouts p WHERE p.program_id = {c} AND p.affiliate_id = commissions.affiliate_id AND p.schedule_date = '{day}') WHERE program_id = {c} AND voided_at IS NULL AND payout_id IS NULL AND earned_at <= {t}");
                await ExecuteAsync(raw, tx, $"INSERT INTO payout_commissions (program_id, payout_id, commission_id) SELECT program_id, payout_id, id FROM commissions WHERE program_id = {c} AND payout_id IS NOT NULL");
                await ExecuteAsync(raw, tx, $"INSERT INTO audit_events (program_id, actor_type, action, entity_type, entity_id, to_status, notes, \"at\") SELECT program_id, 'system', 'payout.created', 'payout', id, 'pending', 'source: schedule {day}', {t} FROM payouts WHERE program_id = {c}");
                await tx.CommitAsync();
            }
            var direct = watch.Elapsed.TotalMilliseconds;
            var runner = app.Services.GetRequiredService<PayoutSchedule>();
            watch.Restart();
            var outcome = await runner.RunDueAsync(schedule, DateOnly.FromDateTime(now), CancellationToken.None);
            var remit = watch.Elapsed.TotalMilliseconds;
            async Task<List<long>> AmountsAsync(long program) =>
                await IdsAsync(raw, $"SELECT amount_minor FROM payouts WHERE program_id = {program} AND schedule_date IS NOT NULL ORDER BY amount_minor");
            var what = "schedule run, 20,000 affiliates (one run each)";
            var made = await AmountsAsync(schedule);
            if (outcome.Error is not null || made.Count != 20_000 || !made.SequenceEqual(await AmountsAsync(twinSchedule))) what += " — ANSWER DIFFERS from the raw SQL";
            rows.Add(new Row(provider, size, what, remit, "one run", direct, "one run"));
            await Console.Error.WriteLineAsync($"{provider} {size} {what}: {remit:F1} ms vs raw {direct:F1} ms");
        }
    }

    /// <summary>One pending PayPal payout for each of the program's first <paramref name="count"/> affiliates; their ids.</summary>
    private static async Task<List<long>> PendingAsync(DbConnection raw, string program, int count, DateTime now)
    {
        var before = await ScalarAsync(raw, $"SELECT coalesce(max(id), 0) FROM payouts");
        await using (var command = raw.CreateCommand())
        {
            command.CommandText = $"INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, destination, status, source, created_at) SELECT program_id, id, 1000 + id, 'USD', 'paypal', pay_pal_email, 'pending', 'manual', @now FROM affiliates WHERE program_id = {program} ORDER BY id LIMIT {count}";
            var p = command.CreateParameter();
            p.ParameterName = "@now";
            p.Value = now;
            command.Parameters.Add(p);
            await command.ExecuteNonQueryAsync();
        }
        return await IdsAsync(raw, $"SELECT id FROM payouts WHERE program_id = {program} AND id > {before} ORDER BY id");
    }

    /// <summary>Both sets ended in <paramref name="status"/>, each payout with as many audit rows as the other's.</summary>
    private static async Task<bool> SameOutcomeAsync(DbConnection raw, string program, List<long> remit, List<long> twin, string status)
    {
        async Task<(long Moved, long Audit)> CountAsync(List<long> ids) => (
            await ScalarAsync(raw, $"SELECT count(*) FROM payouts WHERE program_id = {program} AND id BETWEEN {ids.Min()} AND {ids.Max()} AND status = '{status}'"),
            await ScalarAsync(raw, $"SELECT count(*) FROM audit_events WHERE program_id = {program} AND entity_type = 'payout' AND entity_id BETWEEN {ids.Min()} AND {ids.Max()} AND to_status = '{status}'"));
        var (a, b) = (await CountAsync(remit), await CountAsync(twin));
        return a == b && a.Moved == remit.Count;
    }

    private static string False(string provider) => provider == "Postgres" ? "false" : "0";

    private static string Timestamp(string provider, DateTime at) =>
        provider == "Postgres" ? $"'{at:yyyy-MM-dd HH:mm:ss.ffffff}+00'" : $"'{at:yyyy-MM-dd HH:mm:ss.fffffff}'";

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = 1800;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, DbTransaction tx)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>How many lines of the PDF's text (pdftotext, poppler-utils) name <paramref name="description"/>.</summary>
    private static async Task<int> PdfLinesAsync(byte[] pdf, string description)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        var start = new ProcessStartInfo("pdftotext") { ArgumentList = { "-layout", file, "-" }, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(file);
        return text.Split('\n').Count(l => l.Contains(description, StringComparison.Ordinal));
    }
}
