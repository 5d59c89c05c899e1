using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Completing a batch is one set-based UPDATE; racing it (other batch completions, single payouts completed or failed
/// by hand, each on its own connection) must still move every payout exactly once, pay its commissions once, and
/// audit it once.
/// </summary>
public sealed class BatchConcurrencyTests
{
    private static async Task<(Tenant T, long Batch, List<long> Payouts, List<long> Affiliates)> BatchOfAsync(TestApp app, int count)
    {
        var t = await app.NewProgramAsync("nano");
        var payouts = new List<long>();
        var affiliates = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var affiliate = await t.AffiliateAsync($"Affiliate {i}", $"a{i}@example.com");
            await t.CommissionAsync(affiliate, 10m + i);
            await t.CommissionAsync(affiliate, 5m);
            affiliates.Add(affiliate);
            payouts.Add(await t.PayoutAsync(affiliate));
        }
        return (t, (await t.BatchAsync("paypal", [.. payouts])).Id(), payouts, affiliates);
    }

    [Fact]
    public async Task Racing_completions_of_one_batch_complete_each_payout_once()
    {
        await using var app = await TestApp.StartAsync();
        var (t, batch, payouts, affiliates) = await BatchOfAsync(app, 12);
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete", new { reference = $"UPLOAD-{i}" });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = (await Api.ExpectAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), 200))["data"]!;
        Assert.Equal("completed", winner["status"]!.GetValue<string>());
        var references = new HashSet<string>();
        foreach (var id in payouts)
        {
            var payout = (await t.GetAsync($"/v1/payouts/{id}"))["data"]!;
            Assert.Equal("completed", payout["status"]!.GetValue<string>());
            references.Add(payout["reference"]!.GetValue<string>());
            Assert.Single(payout["status_history"]!.AsArray(), h => h!["to"]!.GetValue<string>() == "completed");
        }
        Assert.Single(references);
        foreach (var affiliate in affiliates)
        {
            var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
            Assert.Equal(2, commissions.Count);
            Assert.All(commissions, c => Assert.Equal("paid", c!["status"]!.GetValue<string>()));
            Assert.Equal("0.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
        }
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(payouts.Count, await db.AuditEvents.CountAsync(e => e.EntityType == "payout" && e.ToStatus == "completed"));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "batch.completed"));
    }

    [Fact]
    public async Task A_batch_completion_racing_single_completes_and_fails_moves_each_payout_once()
    {
        await using var app = await TestApp.StartAsync();
        var (t, batch, payouts, affiliates) = await BatchOfAsync(app, 12);
        using var go = new ManualResetEventSlim();
        var batchCompletion = Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete", new { reference = "UPLOAD" });
        });
        // Every payout raced by hand: even ones completed, odd ones failed.
        var singles = payouts.Select((id, i) => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return i % 2 == 0
                ? await client.PostAsJsonAsync($"/v1/payouts/{id}/complete", new { reference = $"HAND-{id}" })
                : await client.PostAsJsonAsync($"/v1/payouts/{id}/fail", new { reason = "Account closed" });
        })).ToList();
        go.Set();
        var batchResponse = await batchCompletion;
        var singleResponses = await Task.WhenAll(singles);
        Assert.Contains(batchResponse.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
        Assert.All(singleResponses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));

        await using var db = app.Db(t.ProgramId);
        var completedByBatch = 0;
        for (var i = 0; i < payouts.Count; i++)
        {
            var payout = (await t.GetAsync($"/v1/payouts/{payouts[i]}"))["data"]!;
            var status = payout["status"]!.GetValue<string>();
            Assert.Contains(status, new[] { "completed", "failed" });
            // The hand's request won exactly when the payout is in the state it asked for and it answered 200.
            Assert.Equal(singleResponses[i].StatusCode == HttpStatusCode.OK, status == (i % 2 == 0 ? "completed" : "failed")
                && (status == "failed" || payout["reference"]!.GetValue<string>() == $"HAND-{payouts[i]}"));
            if (status == "completed" && payout["reference"]!.GetValue<string>() == "UPLOAD") completedByBatch++;
            var history = payout["status_history"]!.AsArray();
            Assert.Single(history, h => h!["to"]!.GetValue<string>() is "completed" or "failed");
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityId == payouts[i] && e.EntityType == "payout" && (e.ToStatus == "completed" || e.ToStatus == "failed")));
            // Paid exactly when completed; released (payable again) exactly when failed.
            var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliates[i]}"))["data"]!.AsArray();
            Assert.All(commissions, c => Assert.Equal(status == "completed" ? "paid" : "approved", c!["status"]!.GetValue<string>()));
            Assert.Equal(status == "completed" ? "0.00" : Api.Raw(payout["amount"]),
                Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliates[i]}"))["data"]!["balance"]));
        }
        Assert.Equal(batchResponse.StatusCode == HttpStatusCode.OK, completedByBatch > 0);
        var failed = payouts.Count(id => db.Payouts.Single(p => p.Id == id).Status == "failed");
        var expected = failed == 0 ? "completed" : failed == payouts.Count ? "failed" : "partially_failed";
        Assert.Equal(expected, (await t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["status"]!.GetValue<string>());
    }
}
