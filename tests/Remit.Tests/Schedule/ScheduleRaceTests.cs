using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Affiliates;
using Remit.Audit;
using Remit.Commissions;
using Remit.Programs;
using Remit.Schedule;
using Remit.Settings;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payouts;

namespace Remit.Tests.Schedule;

/// <summary>
/// One payout day run by several at once — two `remit schedule run` processes, and concurrent runs inside one app on
/// separate connections — still makes each affiliate's payout once and links each commission once.
/// </summary>
public sealed class ScheduleRaceTests
{
    private const int Affiliates = 12;
    private static readonly DateOnly Day = new(2026, 4, 1);

    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    /// <summary>The real `remit` executable, configured only through the environment, as cron would run it.</summary>
    private static async Task<Run> RemitAsync(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "remit.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Remit"] = connectionString;
        // A command is a short process: the JIT's profile-guided tier only costs it start-up time (test speed only).
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["Remit__Database__Provider"] = TestDatabase.Provider;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A program with the schedule on (monthly, day 1) and affiliates with two payable commissions each.</summary>
    private static async Task<long> ProgramAsync(TestApp app, string name) => (await TenantAsync(app, name)).ProgramId;

    private static async Task<Tenant> TenantAsync(TestApp app, string name)
    {
        var t = await app.NewProgramAsync(name: name);
        var start = TestApp.Start.UtcDateTime;
        await using var db = app.Db(t.ProgramId);
        var affiliates = Enumerable.Range(1, Affiliates).Select(i => new Affiliate
        {
            ProgramId = t.ProgramId, Name = $"Affiliate {i}", Email = $"a{i}@example.com", Country = "US",
            PayoutMethod = PayoutMethods.PayPal, PayPalEmail = $"a{i}@example.com", CreatedAt = start,
        }).ToList();
        affiliates.ForEach(a => a.RefreshSearchText());
        db.Affiliates.AddRange(affiliates);
        await db.SaveChangesAsync();
        db.Commissions.AddRange(affiliates.SelectMany((a, i) => new[] { 1_000L + i, 2_500L }.Select(amount => new Commission
        {
            ProgramId = t.ProgramId, AffiliateId = a.Id, AmountMinor = amount, Currency = "USD", EarnedAt = start.AddDays(-1), CreatedAt = start,
        })));
        await db.SaveChangesAsync();
        var saved = await SettingsApi.SaveAsync(db, new SettingsChange(PayoutFrequency: "monthly", PayoutDay: 1, MinPayout: 10, AutoCreatePayouts: true),
            Actor.System, app.Clock, CancellationToken.None);
        Assert.Null(saved.Error);
        return t;
    }

    [Fact]
    public async Task Processes_and_concurrent_runs_on_one_payout_day_make_each_payout_once()
    {
        await using var app = await TestApp.StartAsync();
        var byProcesses = await ProgramAsync(app, "Processes");
        var inProcess = await ProgramAsync(app, "In process");
        var cs = app.Database.ConnectionString;
        var program = byProcesses.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Two processes run 1 April at the same time, while four runs inside the app (the clock on 1 April) race on
        // the other program. Beside them (processes start slowly on a busy machine) a third is refused: a date after
        // today (the program's, by the real clock these processes use).
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
        var schedule = app.Services.GetRequiredService<PayoutSchedule>();
        var future = RemitAsync(cs, "schedule", "run", "--program", program, "--as-of", "2999-01-01");
        var processes = Enumerable.Range(0, 2).Select(_ => RemitAsync(cs, "schedule", "run", "--program", program, "--as-of", "2026-04-01")).ToList();
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(() => schedule.RunDueAsync(inProcess, null, CancellationToken.None))).ToList();
        var finished = await Task.WhenAll(processes);
        await Task.WhenAll(runs);

        Assert.True((await future).ExitCode == 2, $"exit {(await future).ExitCode}: {(await future).Stderr}");
        Assert.Contains("after today", (await future).Stderr);
        Assert.Equal("", (await future).Stdout);
        foreach (var run in finished)
        {
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
            // Each reports the day as it stands (or nothing, when it found the day finished): all its payouts, no skips.
            Assert.All(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                line => Assert.Equal($"{byProcesses}\t2026-04-01\t{Affiliates}\t0", line.TrimEnd('\r')));
        }
        Assert.Contains(finished, run => run.Stdout.Length > 0);
        foreach (var run in runs) Assert.Null((await run).Error);

        await AssertEachPaidOnceAsync(app, byProcesses);
        await AssertEachPaidOnceAsync(app, inProcess);
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }

    /// <summary>
    /// Manual payouts of a run's affiliates, posted while two runs pay them in one chunk: each affiliate gets one
    /// payout, manual or scheduled, and each commission is in exactly one of them.
    /// </summary>
    [Fact]
    public async Task Manual_payouts_made_during_a_run_take_each_commission_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await TenantAsync(app, "Manual during the run");
        List<long> affiliateIds;
        await using (var db = app.Db(t.ProgramId))
            affiliateIds = await db.Affiliates.Select(a => a.Id).OrderBy(id => id).ToListAsync();

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
        var schedule = app.Services.GetRequiredService<PayoutSchedule>();
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() => schedule.RunDueAsync(t.ProgramId, null, CancellationToken.None))).ToList();
        var manual = affiliateIds.Select(id => Task.Run(() => t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = id }))).ToList();
        await Task.WhenAll(runs);
        var answers = await Task.WhenAll(manual);

        // A manual payout either came first (201) or found everything taken by the day's payout (422).
        Assert.All(answers, a => Assert.Contains((int)a.StatusCode, new[] { 201, 422 }));
        var reported = runs.Select(r => r.Result).ToList();
        Assert.All(reported, r => Assert.Null(r.Error));

        await using (var db = app.Db(t.ProgramId))
        {
            var payouts = await db.Payouts.AsNoTracking().ToListAsync();
            Assert.Equal(affiliateIds, payouts.Select(p => p.AffiliateId).Order());
            Assert.Equal(answers.Count(a => (int)a.StatusCode == 201), payouts.Count(p => p.Source == "manual"));
            var commissions = await db.Commissions.AsNoTracking().ToListAsync();
            var links = await db.PayoutCommissions.AsNoTracking().ToListAsync();
            Assert.Equal(commissions.Select(c => c.Id).Order(), links.Select(l => l.CommissionId).Order());
            Assert.All(commissions, c => Assert.Equal(c.PayoutId, links.Single(l => l.CommissionId == c.Id).PayoutId));
            Assert.All(payouts, p => Assert.Equal(commissions.Where(c => c.PayoutId == p.Id).Sum(c => c.AmountMinor), p.AmountMinor));
            // Passed over only for a manual payout seen pending when the run read the balances.
            var run = Assert.Single(await db.ScheduleRuns.AsNoTracking().ToListAsync());
            var manualOf = payouts.Where(p => p.Source == "manual").Select(p => p.AffiliateId).ToHashSet();
            Assert.All(run.Skipped, s => Assert.True(s.Reason == SkipReasons.PendingPayout && manualOf.Contains(s.AffiliateId), $"{s.AffiliateId}: {s.Reason}"));
            // One history row per payout, naming its source as before.
            var created = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "payout.created").ToListAsync();
            Assert.Equal(payouts.Select(p => p.Id).Order(), created.Select(e => e.EntityId).Order());
            Assert.All(created, e => Assert.Equal(payouts.Single(p => p.Id == e.EntityId).Source == "manual" ? null : "source: schedule 2026-04-01", e.Notes));
        }
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }

    private static async Task AssertEachPaidOnceAsync(TestApp app, long programId)
    {
        await using var db = app.Db(programId);
        var payouts = await db.Payouts.AsNoTracking().ToListAsync();
        Assert.Equal(Affiliates, payouts.Count);
        Assert.Equal(Affiliates, payouts.Select(p => p.AffiliateId).Distinct().Count());
        Assert.All(payouts, p => Assert.Equal((Day, "schedule", "pending"), (p.ScheduleDate!.Value, p.Source, p.Status)));

        // Every commission in exactly one payout, linked once, and each payout the sum of its own.
        var commissions = await db.Commissions.AsNoTracking().ToListAsync();
        var links = await db.PayoutCommissions.AsNoTracking().ToListAsync();
        Assert.Equal(commissions.Count, links.Count);
        Assert.Equal(commissions.Select(c => c.Id).Order(), links.Select(l => l.CommissionId).Order());
        Assert.All(commissions, c => Assert.Equal(c.PayoutId, links.Single(l => l.CommissionId == c.Id).PayoutId));
        Assert.All(payouts, p => Assert.Equal(commissions.Where(c => c.PayoutId == p.Id).Sum(c => c.AmountMinor), p.AmountMinor));
        Assert.Equal(commissions.Sum(c => c.AmountMinor), payouts.Sum(p => p.AmountMinor));

        var run = Assert.Single(await db.ScheduleRuns.AsNoTracking().ToListAsync());
        Assert.Equal(Day, run.PayoutDate);
        Assert.NotNull(run.FinishedAt);
        Assert.Empty(run.Skipped);
    }
}
