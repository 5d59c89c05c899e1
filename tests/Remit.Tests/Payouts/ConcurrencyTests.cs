using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Racing requests, each on its own connection (on PostgreSQL, separate server sessions): a transition is a
/// conditional update, so exactly one of them can win, and the commissions follow that one winner.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Twenty_concurrent_completes_of_one_payout_give_exactly_one_success()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (affiliate, payout) = await t.PendingPayoutAsync(12.50m, 7.50m);
        var clients = Enumerable.Range(0, 20).Select(_ => app.ClientWith(t.Token)).ToList();

        using var go = new ManualResetEventSlim();
        var attempts = clients.Select((c, i) => Task.Run(async () =>
        {
            go.Wait();
            return await c.PostAsJsonAsync($"/v1/payouts/{payout}/complete", new { reference = $"TXN-{i}" });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = (await Api.ExpectAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), 200))["data"]!;

        var stored = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal(winner["reference"]!.GetValue<string>(), stored["reference"]!.GetValue<string>());
        Assert.Single(stored["status_history"]!.AsArray(), h => h!["to"]!.GetValue<string>() == "completed");
        var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
        Assert.Equal(2, commissions.Count);
        Assert.All(commissions, c => Assert.Equal("paid", c!["status"]!.GetValue<string>()));
        Assert.All(commissions, c => Assert.Equal(payout, c!["payout_id"]!.GetValue<long>()));

        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityId == payout && e.ToStatus == "completed"));
        // The stats' running totals moved with the one winner.
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }

    [Fact]
    public async Task Racing_complete_and_fail_leave_one_consistent_outcome()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (affiliate, payout) = await t.PendingPayoutAsync(10m, 15m);
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return i % 2 == 0
                ? await client.PostAsJsonAsync($"/v1/payouts/{payout}/complete", new { reference = "X" })
                : await client.PostAsJsonAsync($"/v1/payouts/{payout}/fail", new { reason = "Y" });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));

        var status = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>();
        var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
        // Paid exactly when completed; released (payable again, in no payout) exactly when failed.
        var expected = status == "completed" ? "paid" : "approved";
        Assert.All(commissions, c => Assert.Equal(expected, c!["status"]!.GetValue<string>()));
        Assert.Equal(status == "completed" ? "0.00" : "25.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
        // The stats' running totals moved with the one winner.
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }

    [Fact]
    public async Task Racing_bulk_completes_over_the_same_payouts_move_each_payout_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var payouts = new List<(long Affiliate, long Payout)>();
        for (var i = 0; i < 6; i++) payouts.Add(await t.PendingPayoutAsync(10m + i));
        var ids = payouts.Select(p => p.Payout).ToArray();

        // Ten bulk requests over overlapping halves of the six, in different orders, and single fails of two of them:
        // every payout ends completed or failed by exactly one request.
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            if (i >= 10) return (Single: ids[i - 10], Response: await client.PostAsJsonAsync($"/v1/payouts/{ids[i - 10]}/fail", new { reason = "bounced" }));
            var some = (i % 2 == 0 ? ids.Take(4) : ids.Skip(2)).ToArray();
            if (i % 3 == 0) Array.Reverse(some);
            return (Single: 0L, Response: await client.PostAsJsonAsync("/v1/payouts/bulk-complete", new { ids = some, reference = $"BULK-{i}" }));
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(attempts);

        var wins = new Dictionary<long, int>();
        foreach (var (single, response) in results)
        {
            if (single != 0)
            {
                if (response.StatusCode == HttpStatusCode.OK) wins[single] = wins.GetValueOrDefault(single) + 1;
                else await Api.ErrorAsync(response, 409, "INVALID_STATUS");
                continue;
            }
            var data = (await Api.ExpectAsync(response, 200))["data"]!;
            foreach (var id in data["succeeded"]!.AsArray().Select(x => x!.GetValue<long>())) wins[id] = wins.GetValueOrDefault(id) + 1;
            Assert.All(data["failed"]!.AsArray(), f => Assert.Equal("INVALID_STATUS", f!["code"]!.GetValue<string>()));
        }
        Assert.Equal(ids.Order(), wins.Keys.Order());
        Assert.All(wins.Values, n => Assert.Equal(1, n));

        await using var db = app.Db(t.ProgramId);
        foreach (var (affiliate, payout) in payouts)
        {
            var stored = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
            var status = stored["status"]!.GetValue<string>();
            Assert.Contains(status, new[] { "completed", "failed" });
            Assert.Single(stored["status_history"]!.AsArray(), h => h!["to"]!.GetValue<string>() is "completed" or "failed");
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityId == payout && (e.ToStatus == "completed" || e.ToStatus == "failed")));
            // The commissions follow the one winner: paid with a completed payout, payable again after a failed one.
            var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
            Assert.All(commissions, c => Assert.Equal(status == "completed" ? "paid" : "approved", c!["status"]!.GetValue<string>()));
        }
        // The stats' running totals moved with the one winner.
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }

    [Fact]
    public async Task Concurrent_payout_creations_never_put_a_commission_in_two_payouts()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        for (var i = 0; i < 5; i++) await t.CommissionAsync(affiliate, 10m);
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        var payouts = (await t.GetAsync("/v1/payouts"))["data"]!.AsArray();
        Assert.Single(payouts);
        Assert.Equal("50.00", Api.Raw(payouts[0]!["amount"]));
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(5, await db.PayoutCommissions.CountAsync());
        // The stats' running totals moved with the one winner.
        await PayoutTotalsCheck.AssertMatchAsync(app);
    }
}
