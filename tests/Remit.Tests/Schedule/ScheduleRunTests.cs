using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Api;
using Remit.Audit;
using Remit.Programs;
using Remit.Schedule;
using Remit.Settings;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Schedule;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The payout schedule against a real database: what a payout day pays, what it skips and why, that a day is paid
/// once however often or by however many processes it runs, and what the merchant reads about it (API, dashboard).
/// TestApp.Start is Sunday 2026-03-15 12:00 UTC.
/// </summary>
public sealed partial class ScheduleRunTests
{
    private static readonly DateTime Start = TestApp.Start.UtcDateTime;

    private static Task<IReadOnlyList<ScheduleRunDto>> RunAsync(TestApp app, long? programId = null) =>
        RunOkAsync(app.Services.GetRequiredService<PayoutSchedule>().RunDueAsync(programId, null, CancellationToken.None));

    private static async Task<IReadOnlyList<ScheduleRunDto>> RunOkAsync(Task<Outcome<IReadOnlyList<ScheduleRunDto>>> run)
    {
        var outcome = await run;
        Assert.Null(outcome.Error);
        return outcome.Value!;
    }

    private static async Task<JsonNode> SettingsAsync(Tenant t, object body) =>
        (await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", body), 200))["data"]!;

    private static async Task<string?> NextPayoutDateAsync(Tenant t) =>
        (await t.GetAsync("/v1/settings/payouts"))["data"]!["next_payout_date"]?.GetValue<string>();

    [Fact]
    public async Task A_payout_day_pays_each_affiliate_due_once_and_records_who_was_skipped_and_why()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        Assert.Null(await NextPayoutDateAsync(t));
        // Switched on Sunday 15 March: weekly on Mondays, at least 50.00, commissions payable 7 days after they are earned.
        var settings = await SettingsAsync(t, new { payout_frequency = "weekly", payout_day = 1, min_payout = 50, hold_days = 7, auto_create_payouts = true });
        Assert.Equal("2026-03-16", settings["next_payout_date"]!.GetValue<string>());

        var old = Start.AddDays(-10);
        var paid = await t.AffiliateAsync("Paid");
        await t.CommissionAsync(paid, 30m, earnedAt: old);
        await t.CommissionAsync(paid, 40m, earnedAt: old);
        var held = await t.AffiliateAsync("Partly on hold");
        await t.CommissionAsync(held, 60m, earnedAt: old);
        await t.CommissionAsync(held, 100m, earnedAt: Start.AddDays(-2)); // still on hold on Monday
        var small = await t.AffiliateAsync("Below the minimum");
        await t.CommissionAsync(small, 20m, earnedAt: old);
        var waiting = await t.AffiliateAsync("Has a pending payout");
        await t.CommissionAsync(waiting, 10m, earnedAt: old);
        var pendingPayout = await t.PayoutAsync(waiting);
        await t.CommissionAsync(waiting, 80m, earnedAt: old);
        var disabled = await t.AffiliateAsync("Disabled");
        await t.CommissionAsync(disabled, 100m, earnedAt: old);
        await Api.ExpectAsync(await t.Http.PatchAsync($"/v1/affiliates/{disabled}", JsonContent.Create(new { status = "disabled" })), 200);
        await t.AffiliateAsync("Nothing payable");

        // Sunday evening: no payout day is due yet (the schedule began on Sunday; Monday is the first).
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 15, 23, 59, 59, TimeSpan.Zero));
        Assert.Empty(await RunAsync(app));
        Assert.Equal(0, (await t.GetAsync("/v1/schedule-runs"))["meta"]!["total"]!.GetValue<int>());

        // Monday 00:00 UTC: the day is due.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero));
        var run = Assert.Single(await RunAsync(app));
        Assert.Equal(new DateOnly(2026, 3, 16), run.PayoutDate);
        Assert.Equal(2, run.Created.Count);
        Assert.Equal([(small, SkipReasons.BelowMinPayout), (waiting, SkipReasons.PendingPayout)],
            run.Skipped.Select(s => (s.AffiliateId, s.Reason)).OrderBy(s => s.AffiliateId));

        var payouts = (await t.GetAsync("/v1/payouts?sort=created_at&per_page=100"))["data"]!.AsArray()
            .Where(p => p!["source"]!.GetValue<string>() == "schedule").ToDictionary(p => p!["affiliate_id"]!.GetValue<long>());
        Assert.Equal([paid, held], payouts.Keys.Order());
        Assert.Equal("70.00", Api.Raw(payouts[paid]!["amount"]));
        Assert.Equal("60.00", Api.Raw(payouts[held]!["amount"])); // the 100.00 still on hold stays out
        Assert.All(payouts.Values, p =>
        {
            Assert.Equal("pending", p!["status"]!.GetValue<string>());
            Assert.Equal("2026-03-16", p["schedule_date"]!.GetValue<string>());
        });
        Assert.Equal(run.Created.Order(), payouts.Values.Select(p => p!["id"]!.GetValue<long>()).Order());
        var heldBalance = (await t.GetAsync($"/v1/affiliates/{held}"))["data"]!;
        Assert.Equal("100.00", Api.Raw(heldBalance["pending_balance"]));

        // What the merchant reads.
        var runs = await t.GetAsync("/v1/schedule-runs");
        var listed = Assert.Single(runs["data"]!.AsArray())!;
        Assert.Equal("2026-03-16", listed["payout_date"]!.GetValue<string>());
        Assert.Equal("2026-03-16T00:00:00Z", listed["started_at"]!.GetValue<string>());
        Assert.NotNull(listed["finished_at"]);
        Assert.Equal(run.Created.Order(), listed["created"]!.AsArray().Select(id => id!.GetValue<long>()).Order());
        Assert.Contains(listed["skipped"]!.AsArray(), s => s!["affiliate_id"]!.GetValue<long>() == waiting && s["reason"]!.GetValue<string>() == "pending_payout");
        Assert.Equal("2026-03-23", await NextPayoutDateAsync(t));

        // A second run the same day makes nothing, even for an affiliate who became payable since.
        await t.CommissionAsync(small, 45m, earnedAt: old);
        Assert.Empty(await RunAsync(app));
        // Nor does a run that finds the day unfinished (a process stopped mid-run): the unique key, not the run record,
        // keeps each affiliate to one payout for the day; only who was not paid before may be paid now.
        await using (var db = app.Db(t.ProgramId))
            await db.ScheduleRuns.ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedAt, (DateTime?)null));
        await t.CommissionAsync(paid, 55m, earnedAt: old);
        var again = Assert.Single(await RunAsync(app));
        Assert.Equal(3, again.Created.Count);
        await using (var db = app.Db(t.ProgramId))
        {
            var perAffiliate = await db.Payouts.Where(p => p.ScheduleDate == new DateOnly(2026, 3, 16)).GroupBy(p => p.AffiliateId)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            Assert.Equal([(paid, 1), (held, 1), (small, 1)], perAffiliate.Select(p => (p.Key, p.Count)).OrderBy(p => p.Key));
            Assert.Equal(1, await db.ScheduleRuns.CountAsync());
        }
        Assert.Equal("55.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{paid}"))["data"]!["balance"]));
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{pendingPayout}"))["data"]!["status"]!.GetValue<string>());

        // The dashboard shows the same run and the next payout day.
        var browser = await SignedInAsync(app, t.ProgramId);
        var page = await browser.GetStringAsync("/schedule-runs");
        Assert.Contains("data-payout-date=\"2026-03-16\"", page);
        foreach (var id in again.Created) Assert.Contains($"href=\"/payouts/{id}\"", page);
        Assert.Contains($"data-skipped=\"{waiting}\" data-reason=\"pending_payout\"", page);
        Assert.Contains("Has a pending payout</a>: has a pending payout", page);
        Assert.Contains("<strong data-next-payout-date>2026-03-23</strong>", page);
        Assert.Contains("Next payout date: <strong>2026-03-23</strong>", await browser.GetStringAsync("/settings"));
    }

    [Fact]
    public async Task After_downtime_only_the_latest_missed_payout_day_runs_and_only_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "Europe/Berlin");
        await SettingsAsync(t, new { payout_frequency = "monthly", payout_day = 1, min_payout = 10, auto_create_payouts = true });
        Assert.Equal("2026-04-01", await NextPayoutDateAsync(t));
        var affiliate = await t.AffiliateAsync();
        await t.CommissionAsync(affiliate, 25m, earnedAt: Start.AddDays(-1));

        // Down from before 1 April until 20 June: three payout days missed; the next run makes up the latest only.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 20, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal("2026-06-01", await NextPayoutDateAsync(t));
        var run = Assert.Single(await RunAsync(app));
        Assert.Equal(new DateOnly(2026, 6, 1), run.PayoutDate);
        Assert.Single(run.Created);
        Assert.Empty(await RunAsync(app));
        Assert.Empty(await RunAsync(app, t.ProgramId));
        Assert.Equal(1, (await t.GetAsync("/v1/schedule-runs"))["meta"]!["total"]!.GetValue<int>());
        Assert.Equal("2026-07-01", await NextPayoutDateAsync(t));

        // 1 July starts at 22:00 UTC on 30 June in Berlin (UTC+2 in summer).
        await t.CommissionAsync(affiliate, 30m, earnedAt: new DateTime(2026, 6, 20, 0, 0, 0, DateTimeKind.Utc));
        await t.PostAsync($"/v1/payouts/{run.Created[0]}/complete", new { reference = "TXN-1" });
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 30, 21, 59, 59, TimeSpan.Zero));
        Assert.Empty(await RunAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero));
        var july = Assert.Single(await RunAsync(app));
        Assert.Equal(new DateOnly(2026, 7, 1), july.PayoutDate);
        var payout = (await t.GetAsync($"/v1/payouts/{Assert.Single(july.Created)}"))["data"]!;
        Assert.Equal("30.00", Api.Raw(payout["amount"]));
    }

    [Fact]
    public async Task The_scheduler_runs_the_due_day_by_itself()
    {
        // Quartz on: its ADO store, clustered, on PostgreSQL (whose tables the migration made: the store validates
        // them at start); in memory on SQLite. It ticks every 2 s here, so it finds the day whenever the data is ready.
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings["Remit:Schedule:Enabled"] = "true";
            a.Settings["Remit:Schedule:Interval"] = "00:00:02";
        });
        var t = await app.NewProgramAsync();
        long affiliateId;
        // Arranged in the database, with the switch last: no tick can find the day due before the data is there.
        await using (var db = app.Db(t.ProgramId))
        {
            var affiliate = new Remit.Affiliates.Affiliate
            {
                ProgramId = t.ProgramId, Name = "Quartz", Email = "q@example.com", Country = "US", PayoutMethod = PayoutMethods.PayPal,
                PayPalEmail = "q@example.com", CreatedAt = Start,
            };
            affiliate.RefreshSearchText();
            db.Affiliates.Add(affiliate);
            await db.SaveChangesAsync();
            affiliateId = affiliate.Id;
            db.Commissions.Add(new Remit.Commissions.Commission
            {
                ProgramId = t.ProgramId, AffiliateId = affiliateId, AmountMinor = 12_345, Currency = "USD", EarnedAt = Start.AddDays(-3), CreatedAt = Start,
            });
            await db.SaveChangesAsync();
            // Switched on during Sunday the 15th, a payout day (weekly, ISO 7): that day is due at once.
            var saved = await SettingsApi.SaveAsync(db, new SettingsChange(PayoutFrequency: "weekly", PayoutDay: 7, MinPayout: 50, AutoCreatePayouts: true),
                Actor.System, app.Clock, CancellationToken.None);
            Assert.Null(saved.Error);
        }

        JsonNode? run = null;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            run = (await t.GetAsync("/v1/schedule-runs"))["data"]!.AsArray().FirstOrDefault();
            if (run?["finished_at"] is not null) break;
            // Quartz runs on the app's clock (this fake one): its next tick comes as the clock moves.
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(200);
        }
        Assert.True(run?["finished_at"] is not null, "the scheduler ran no payout day in two minutes: " + string.Join("\n", app.Logs.Where(l => l.Contains("Quartz", StringComparison.OrdinalIgnoreCase) || l.Contains("Schedule", StringComparison.Ordinal))));
        Assert.Equal("2026-03-15", run!["payout_date"]!.GetValue<string>());
        var payout = (await t.GetAsync($"/v1/payouts/{Assert.Single(run["created"]!.AsArray())!.GetValue<long>()}"))["data"]!;
        Assert.Equal(affiliateId, payout["affiliate_id"]!.GetValue<long>());
        Assert.Equal("123.45", Api.Raw(payout["amount"]));
        Assert.Equal("schedule", payout["source"]!.GetValue<string>());
    }

    private static async Task<HttpClient> SignedInAsync(TestApp app, long programId)
    {
        const string password = "correct horse battery";
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, programId, email, password, UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = AntiforgeryField().Match(await http.GetStringAsync("/sign-in")).Groups[1].Value;
        var signIn = await http.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        return http;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
