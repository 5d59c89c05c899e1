using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Remit.Affiliates;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Schedule;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The running totals stats read (payout_totals, payout_pending_affiliates, payout_completed_slots, kept by triggers on
/// the payouts table) are, after every kind of change — made through the API, by the schedule, by a batch, raced on
/// separate connections, or by hand in SQL — equal to the sums recomputed here from the payout rows themselves.
/// </summary>
public sealed class PayoutTotalsTests
{
    [Fact]
    public async Task Running_totals_equal_the_sums_recomputed_from_the_payouts_after_every_kind_of_change()
    {
        // 2026-03-15T12:00Z. Kathmandu is UTC+5:45: its months start on a quarter hour that is not a whole UTC hour.
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "Asia/Kathmandu");
        var other = await app.NewProgramAsync();
        await other.PendingPayoutAsync(999m);
        await PayoutTotalsCheck.AssertMatchAsync(app);
        var empty = await app.NewProgramAsync();
        Assert.Equal(0, (await empty.GetAsync("/v1/payouts?status=pending"))["meta"]!["total"]!.GetValue<long>());

        // Made by hand, one affiliate twice: counted once among the affiliates with a pending payout.
        var (twice, p1) = await t.PendingPayoutAsync(100m, 0.01m);
        await t.CommissionAsync(twice, 5m);
        var p2 = await t.PayoutAsync(twice);
        var (_, p3) = await t.PendingPayoutAsync(20.50m);
        var (_, p4) = await t.PendingPayoutAsync(7m);
        var (_, p5) = await t.PendingPayoutAsync(3m);
        await PayoutTotalsCheck.AssertMatchAsync(app);
        await AssertStatsAsync(app, t);

        // Moved one by one, and in bulk.
        await t.PostAsync($"/v1/payouts/{p4}/processing");
        await t.PostAsync($"/v1/payouts/{p5}/fail", new { reason = "closed" });
        await t.PostAsync($"/v1/payouts/{p1}/complete");
        await PayoutTotalsCheck.AssertMatchAsync(app);
        var bulk = (await t.PostAsync("/v1/payouts/bulk-complete", new { ids = new[] { p2, p3, p4, p5 }, reference = "BULK" }))["data"]!;
        Assert.Equal([p2, p3, p4], bulk["succeeded"]!.AsArray().Select(x => x!.GetValue<long>()));
        await PayoutTotalsCheck.AssertMatchAsync(app);
        await AssertStatsAsync(app, t);

        // A batch into processing and completed; a bank return of a completed payout (it stays completed).
        var b1 = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 120.50m);
        var b2 = await t.MethodPayoutAsync(PaymentsSetup.Bank("5550001"), 30m);
        var batch = (await t.BatchAsync("bank", [b1, b2]))["data"]!["id"]!.GetValue<long>();
        await PayoutTotalsCheck.AssertMatchAsync(app);
        await t.PostAsync($"/v1/payout-batches/{batch}/complete");
        await t.PostAsync($"/v1/payouts/{b1}/return", new { code = "R01", date = "2026-03-14" });
        await PayoutTotalsCheck.AssertMatchAsync(app);

        // The schedule's payouts, on the next payout day.
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts",
            new { payout_frequency = "weekly", payout_day = 1, min_payout = 1, auto_create_payouts = true }), 200);
        var scheduled = await t.AffiliateAsync("Scheduled");
        await t.CommissionAsync(scheduled, 60m, earnedAt: TestApp.Start.UtcDateTime.AddDays(-10));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 16, 6, 0, 0, TimeSpan.Zero));
        var runs = await app.Services.GetRequiredService<PayoutSchedule>().RunDueAsync(t.ProgramId, null, CancellationToken.None);
        Assert.Null(runs.Error);
        Assert.NotEmpty(await PendingOfAsync(app, t, scheduled));
        await PayoutTotalsCheck.AssertMatchAsync(app);

        // A new month in Kathmandu (2026-03-31T18:15Z is 1 April 00:00 there): March's completions leave the card.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 31, 18, 14, 0, TimeSpan.Zero));
        await t.PostAsync($"/v1/payouts/{(await PendingOfAsync(app, t, scheduled))[0]}/complete");
        await AssertStatsAsync(app, t);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 31, 18, 15, 0, TimeSpan.Zero));
        Assert.Equal("0.00", Api.Raw((await t.GetAsync("/v1/payouts/stats"))["data"]!["completed_this_month"]));
        var (_, april) = await t.PendingPayoutAsync(44.44m);
        await t.PostAsync($"/v1/payouts/{april}/complete");
        Assert.Equal("44.44", Api.Raw((await t.GetAsync("/v1/payouts/stats"))["data"]!["completed_this_month"]));
        await AssertStatsAsync(app, t);

        // Changed in SQL behind Remit's back: the database keeps the totals, whoever writes.
        await using (var db = app.Db(t.ProgramId))
        {
            await db.Payouts.Where(p => p.Id == p1).ExecuteUpdateAsync(s => s.SetProperty(p => p.AmountMinor, p => p.AmountMinor + 1));
            await db.Payouts.Where(p => p.Id == p3).ExecuteUpdateAsync(s => s.SetProperty(p => p.CompletedAt, p => p.CompletedAt!.Value.AddDays(-40)));
            var gone = new Payout
            {
                ProgramId = t.ProgramId, AffiliateId = twice, AmountMinor = 1_00, Currency = "USD", Source = PayoutSource.Manual,
                Status = PayoutStatus.Pending, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            var goneCompleted = new Payout
            {
                ProgramId = t.ProgramId, AffiliateId = twice, AmountMinor = 2_00, Currency = "USD", Source = PayoutSource.Manual,
                Status = PayoutStatus.Completed, CreatedAt = app.Clock.GetUtcNow().UtcDateTime, CompletedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            db.Payouts.AddRange(gone, goneCompleted);
            await db.SaveChangesAsync();
            await PayoutTotalsCheck.AssertMatchAsync(app);
            await AssertStatsAsync(app, t);
            await db.Payouts.Where(p => p.Id == gone.Id || p.Id == goneCompleted.Id).ExecuteDeleteAsync();
            await PayoutTotalsCheck.AssertMatchAsync(app);
            // A completed payout set back to processing and completed again by hand.
            await db.Payouts.Where(p => p.Id == p2).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Processing));
            await PayoutTotalsCheck.AssertMatchAsync(app);
            await AssertStatsAsync(app, t);
            await db.Payouts.Where(p => p.Id == p2).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Completed));
        }
        await PayoutTotalsCheck.AssertMatchAsync(app);
        await AssertStatsAsync(app, t);
        Assert.Equal("999.00", Api.Raw((await other.GetAsync("/v1/payouts/stats"))["data"]!["total_pending_amount"]));
    }

    [Fact]
    public async Task Racing_creations_moves_and_batches_on_separate_connections_keep_the_totals_exact()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var pending = new List<long>();
        for (var i = 0; i < 8; i++) pending.Add((await t.PendingPayoutAsync(10m + i, 0.33m)).Payout);
        var banked = new List<long>();
        for (var i = 0; i < 3; i++) banked.Add(await t.MethodPayoutAsync(PaymentsSetup.Bank($"555000{i}"), 50m + i));
        var fresh = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var affiliate = await t.AffiliateAsync();
            await t.CommissionAsync(affiliate, 5m + i);
            fresh.Add(affiliate);
        }

        using var go = new ManualResetEventSlim();
        var work = new List<Func<HttpClient, Task<HttpResponseMessage>>>();
        // Each fresh affiliate's payout made twice at once (one wins), overlapping bulk completes and fails, a batch.
        foreach (var affiliate in fresh.Concat(fresh)) work.Add(c => c.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }));
        for (var i = 0; i < 4; i++)
        {
            var some = pending.Skip(i * 2).Take(4).ToArray();
            work.Add(c => c.PostAsJsonAsync("/v1/payouts/bulk-complete", new { ids = some, reference = "RACE" }));
        }
        foreach (var id in pending.Where((_, i) => i % 3 == 0)) work.Add(c => c.PostAsJsonAsync($"/v1/payouts/{id}/fail", new { reason = "race" }));
        work.Add(c => c.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = banked }));
        work.Add(c => c.PostAsJsonAsync($"/v1/payouts/{banked[0]}/fail", new { reason = "race" }));
        var attempts = work.Select(w => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await w(client);
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);
        Assert.DoesNotContain(responses, r => r.StatusCode == HttpStatusCode.InternalServerError);
        Assert.Equal(fresh.Count, responses.Take(fresh.Count * 2).Count(r => r.StatusCode == HttpStatusCode.Created));

        await PayoutTotalsCheck.AssertMatchAsync(app);
        await AssertStatsAsync(app, t);
    }

    [Fact]
    public async Task Upgrading_a_database_that_has_payouts_counts_them_into_the_totals()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        var now = TestApp.Start.UtcDateTime;
        await using (var db = database.Open())
        {
            await db.GetService<IMigrator>().MigrateAsync("ListOrderTieBreak");
            var program = await ProgramAdmin.CreateProgramAsync(db, "Before", Plans.Basic, "USD", "UTC", now);
            var affiliates = Enumerable.Range(0, 3).Select(i => new Affiliate { ProgramId = program.Id, Name = $"A{i}", Email = $"a{i}@example.com", CreatedAt = now }).ToList();
            db.Affiliates.AddRange(affiliates);
            await db.SaveChangesAsync();
            var rows = new (int Affiliate, string Status, long Amount)[]
            {
                (0, PayoutStatus.Pending, 1_000), (0, PayoutStatus.Pending, 250), (1, PayoutStatus.Pending, 4_611_686_018_427_387_904),
                (1, PayoutStatus.Processing, 700), (2, PayoutStatus.Completed, 1_234), (2, PayoutStatus.Completed, 66), (2, PayoutStatus.Failed, 5),
            };
            db.Payouts.AddRange(rows.Select(r => new Payout
            {
                ProgramId = program.Id, AffiliateId = affiliates[r.Affiliate].Id, AmountMinor = r.Amount, Currency = "USD", Source = PayoutSource.Manual,
                Status = r.Status, CreatedAt = now, CompletedAt = r.Status == PayoutStatus.Completed ? now : null,
            }));
            await db.SaveChangesAsync();
        }
        await using (var db = database.Open()) await Database.MigrateAsync(db);

        await using var check = database.Open();
        var totals = await PayoutTotalsCheck.AssertMatchAsync(check);
        Assert.Equal(1, totals);
        var stored = await check.PayoutTotals.IgnoreQueryFilters().SingleAsync();
        Assert.Equal(3, stored.PendingCount);
        Assert.Equal(2, stored.PendingAffiliates);
        Assert.Equal(4_611_686_018_427_389_154m, PayoutStatsQuery.Join(stored.PendingHigh, stored.PendingLow));
    }

    /// <summary>
    /// Every zone a program may have starts its months on a quarter hour (UTC), for the years stats can be asked about:
    /// what lets "completed this month" add up whole slots. Were a zone to break it, stats would refuse, not guess.
    /// </summary>
    [Fact]
    public void Every_zones_months_start_on_a_quarter_hour()
    {
        var offGrid = new List<string>();
        foreach (var id in DateTimeZoneProviders.Tzdb.Ids)
        {
            var zone = ZoneCalendar.Zone(id);
            for (var month = new DateOnly(2024, 1, 1); month < new DateOnly(2040, 1, 1); month = month.AddMonths(1))
                if (!PayoutCompletedSlot.Starts(ZoneCalendar.StartOfDayUtc(month, zone))) offGrid.Add($"{id} {month:yyyy-MM}");
        }
        Assert.Empty(offGrid);
    }

    private static async Task<List<long>> PendingOfAsync(TestApp app, Tenant t, long affiliate)
    {
        await using var db = app.Db(t.ProgramId);
        return await db.Payouts.Where(p => p.AffiliateId == affiliate && p.Status == PayoutStatus.Pending).Select(p => p.Id).ToListAsync();
    }

    /// <summary>The stats card against the same figures recomputed from the program's payout rows.</summary>
    private static async Task AssertStatsAsync(TestApp app, Tenant t)
    {
        await using var db = app.Db(t.ProgramId);
        var program = await db.CurrentProgramAsync(CancellationToken.None);
        var zone = ZoneCalendar.Zone(program);
        var today = ZoneCalendar.Date(app.Clock.GetUtcNow().UtcDateTime, zone);
        var payouts = await db.Payouts.Select(p => new { p.AffiliateId, p.Status, p.AmountMinor, p.CompletedAt }).ToListAsync();
        decimal Sum(IEnumerable<long> amounts) => amounts.Aggregate(0m, (s, a) => s + a) / 100m;
        var pending = payouts.Where(p => p.Status == PayoutStatus.Pending).ToList();
        var completed = payouts.Where(p => p.Status == PayoutStatus.Completed && p.CompletedAt is { } at
            && ZoneCalendar.Date(at, zone) is var day && day.Year == today.Year && day.Month == today.Month);

        var stats = (await t.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal(Sum(pending.Select(p => p.AmountMinor)), stats["total_pending_amount"]!.GetValue<decimal>());
        Assert.Equal(pending.Select(p => p.AffiliateId).Distinct().Count(), stats["total_pending_count"]!.GetValue<int>());
        Assert.Equal(Sum(completed.Select(p => p.AmountMinor)), stats["completed_this_month"]!.GetValue<decimal>());
        Assert.Equal(payouts.Count(p => p.Status == PayoutStatus.Failed), stats["failed_count"]!.GetValue<int>());
        Assert.Equal(Sum(payouts.Where(p => p.Status == PayoutStatus.Processing).Select(p => p.AmountMinor)), stats["processing_amount"]!.GetValue<decimal>());
        Assert.Equal(payouts.Count(p => p.Status == PayoutStatus.Processing), stats["processing_count"]!.GetValue<int>());

        // The payout list's total, unfiltered or by status: from the same running totals.
        foreach (var statuses in new[] { "", "pending", "processing", "failed", "completed", "pending,failed", "failed,processing,pending", "pending,completed" })
        {
            var list = await t.GetAsync($"/v1/payouts?{(statuses == "" ? "" : $"status={statuses}&")}per_page=1");
            var expected = payouts.Count(p => statuses == "" || statuses.Split(',').Contains(p.Status));
            Assert.Equal((statuses, (long)expected), (statuses, list["meta"]!["total"]!.GetValue<long>()));
            Assert.Equal((statuses, (long)expected), (statuses, list["meta"]!["total_pages"]!.GetValue<long>()));
        }
        // With any other filter the totals do not hold the answer: the list counts its matches.
        var one = payouts[0].AffiliateId;
        var theirs = await t.GetAsync($"/v1/payouts?status=pending,completed&affiliate_id={one}&per_page=1");
        Assert.Equal(payouts.Count(p => p.AffiliateId == one && p.Status is PayoutStatus.Pending or PayoutStatus.Completed),
            theirs["meta"]!["total"]!.GetValue<long>());
    }
}

/// <summary>The running totals of every program, against the same sums recomputed from the payout rows in C#.</summary>
public static class PayoutTotalsCheck
{
    public static async Task AssertMatchAsync(TestApp app)
    {
        await using var db = app.Db();
        await AssertMatchAsync(db);
    }

    /// <summary>Returns how many programs have payouts.</summary>
    public static async Task<int> AssertMatchAsync(RemitDb db)
    {
        var payouts = await db.Payouts.IgnoreQueryFilters().AsNoTracking()
            .Select(p => new { p.ProgramId, p.AffiliateId, p.Status, p.AmountMinor, p.CompletedAt }).ToListAsync();
        var totals = await db.PayoutTotals.IgnoreQueryFilters().AsNoTracking().ToDictionaryAsync(x => x.ProgramId);
        var affiliates = await db.PayoutPendingAffiliates.IgnoreQueryFilters().AsNoTracking().ToListAsync();
        var slots = await db.PayoutCompletedSlots.IgnoreQueryFilters().AsNoTracking().ToListAsync();

        static decimal Sum(IEnumerable<long> amounts) => amounts.Aggregate(0m, (s, a) => s + a);
        var programs = payouts.Select(p => p.ProgramId).Concat(totals.Keys).Distinct();
        foreach (var program in programs)
        {
            var mine = payouts.Where(p => p.ProgramId == program).ToList();
            var kept = totals.GetValueOrDefault(program) ?? new PayoutTotals { ProgramId = program };
            long Count(string status) => mine.Count(p => p.Status == status);
            decimal Amount(string status) => Sum(mine.Where(p => p.Status == status).Select(p => p.AmountMinor));
            Assert.Equal((program, Count(PayoutStatus.Pending), Amount(PayoutStatus.Pending)),
                (program, kept.PendingCount, PayoutStatsQuery.Join(kept.PendingHigh, kept.PendingLow)));
            Assert.Equal((program, Count(PayoutStatus.Processing), Amount(PayoutStatus.Processing)),
                (program, kept.ProcessingCount, PayoutStatsQuery.Join(kept.ProcessingHigh, kept.ProcessingLow)));
            Assert.Equal((program, Count(PayoutStatus.Failed)), (program, kept.FailedCount));
            Assert.Equal((program, Count(PayoutStatus.Completed)), (program, kept.CompletedCount));

            var pendingBy = mine.Where(p => p.Status == PayoutStatus.Pending).GroupBy(p => p.AffiliateId)
                .Select(g => (g.Key, (long)g.Count())).OrderBy(x => x.Key).ToList();
            Assert.Equal(pendingBy, affiliates.Where(a => a.ProgramId == program).Select(a => (a.AffiliateId, a.Payouts)).OrderBy(x => x.AffiliateId).ToList());
            Assert.Equal((program, (long)pendingBy.Count), (program, kept.PendingAffiliates));

            var completedBy = mine.Where(p => p.Status == PayoutStatus.Completed && p.CompletedAt is not null)
                .GroupBy(p => PayoutCompletedSlot.Of(p.CompletedAt!.Value))
                .Select(g => (g.Key, (long)g.Count(), Sum(g.Select(p => p.AmountMinor)))).OrderBy(x => x.Key).ToList();
            Assert.Equal(completedBy, slots.Where(s => s.ProgramId == program && (s.Count, s.High, s.Low) != (0, 0, 0))
                .Select(s => (s.Slot, s.Count, PayoutStatsQuery.Join(s.High, s.Low))).OrderBy(x => x.Slot).ToList());
        }
        return payouts.Select(p => p.ProgramId).Distinct().Count();
    }
}
