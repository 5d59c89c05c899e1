using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Data;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Api;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Program A's token never reaches program B's rows: B's ids answer 404 exactly like ids that do not exist, wherever
/// the id appears (path, body, filter, bulk list), nothing of B's changes, and A's lists and sums never include B.
/// One host for the class, programs of its own per test; the pooled-context test keeps a host of its own.
/// </summary>
public sealed class TenantIsolationTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const long Missing = 918_273_645;

    /// <summary>B's data: distinctive amounts and names, a payout in each state that A might try to move.</summary>
    private sealed record BData(long Affiliate, long Payout, long Payout2, long Request, long FreeCommission, long RequestAffiliate);

    private static async Task<BData> ArrangeBAsync(Tenant b)
    {
        await Api.ExpectAsync(await b.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 }), 200);
        var affiliate = await b.AffiliateAsync("Bartholomew Beta", "bart@beta.example");
        await b.CommissionAsync(affiliate, 777.77m, "B-ORDER-1");
        var payout = await b.PayoutAsync(affiliate);
        var other = await b.AffiliateAsync("Bianca Beta", "bianca@beta.example");
        await b.CommissionAsync(other, 333.33m, "B-ORDER-2");
        var payout2 = await b.PayoutAsync(other);
        var free = await b.CommissionAsync(affiliate, 55.55m, "B-ORDER-3");
        var requester = await b.AffiliateAsync("Boris Beta", "boris@beta.example");
        await b.CommissionAsync(requester, 44.44m, "B-ORDER-4");
        var request = (await b.PostAsync("/v1/payouts/requests", new { affiliate_id = requester, note = "please" }, 201))["data"]!["id"]!.GetValue<long>();
        return new BData(affiliate, payout, payout2, request, free, requester);
    }

    private static async Task<(int Status, string Body)> SendAsync(Tenant t, string method, string url, string? json)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await t.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Units of work come from a pool: a context that acted for one program, handed out again, acts for none until
    /// it is told (a scope that forgets to say sees nothing, not the last request's program).
    /// </summary>
    [Fact]
    public async Task A_pooled_unit_of_work_handed_out_again_acts_for_no_program()
    {
        await using var app = await TestApp.StartAsync();
        var a = await app.NewProgramAsync(name: "Alpha");
        await a.PendingPayoutAsync(10m);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            db.ProgramId = a.ProgramId;
            Assert.Equal(1, await db.Payouts.CountAsync());
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            Assert.Equal(0, db.ProgramId);
            Assert.Equal(0, await db.Payouts.CountAsync());
        }
    }

    [Fact]
    public async Task Another_programs_ids_answer_404_like_missing_ids_wherever_they_appear_and_change_nothing()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync(name: "Alpha");
        var b = await app.NewProgramAsync(name: "Beta");
        var bData = await ArrangeBAsync(b);
        await Api.ExpectAsync(await a.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 }), 200);
        var (aAffiliate, aPayout) = await a.PendingPayoutAsync(10m);

        var beforeB = await SnapshotAsync(b);
        var beforeA = await SnapshotAsync(a);

        // {id} is replaced by B's id and by an id nobody has; both answers must be the same 404.
        var cases = new List<(string Method, string Url, string? Body, long BId)>
        {
            ("GET", "/v1/payouts/{id}", null, bData.Payout),
            ("GET", "/v1/payouts/{id}/statement", null, bData.Payout),
            ("POST", "/v1/payouts/{id}/processing", null, bData.Payout),
            ("POST", "/v1/payouts/{id}/processing", """{"notes":"moved by A"}""", bData.Payout),
            ("POST", "/v1/payouts/{id}/complete", """{"reference":"A-TXN","notes":"paid by A"}""", bData.Payout),
            ("POST", "/v1/payouts/{id}/complete", null, bData.Payout2),
            ("POST", "/v1/payouts/{id}/fail", """{"reason":"failed by A"}""", bData.Payout),
            ("POST", "/v1/payouts/{id}/fail", null, bData.Payout2),
            ("GET", "/v1/payouts/requests/{id}", null, bData.Request),
            ("POST", "/v1/payouts/requests/{id}/approve", null, bData.Request),
            ("POST", "/v1/payouts/requests/{id}/reject", """{"reason":"rejected by A"}""", bData.Request),
            ("POST", "/v1/payouts/requests/{id}/reject", null, bData.Request),
            ("GET", "/v1/affiliates/{id}", null, bData.Affiliate),
            ("PATCH", "/v1/affiliates/{id}", """{"name":"Renamed by A","status":"disabled"}""", bData.Affiliate),
            ("GET", "/v1/commissions/{id}", null, bData.FreeCommission),
            ("POST", "/v1/commissions/{id}/void", null, bData.FreeCommission),
            // In the body.
            ("POST", "/v1/payouts", """{"affiliate_id":{id}}""", bData.Affiliate),
            ("POST", "/v1/commissions", """{"affiliate_id":{id},"amount":10.00,"description":"by A","reference":"A-INTO-B"}""", bData.Affiliate),
            ("POST", "/v1/payouts/requests", """{"affiliate_id":{id},"note":"by A"}""", bData.Affiliate),
            // In a filter.
            ("GET", "/v1/payouts?affiliate_id={id}", null, bData.Affiliate),
            ("GET", "/v1/payouts/export?affiliate_id={id}", null, bData.Affiliate),
            ("GET", "/v1/commissions?affiliate_id={id}", null, bData.Affiliate),
        };

        var problems = new List<string>();
        foreach (var (method, url, body, bId) in cases)
        {
            var bUrl = url.Replace("{id}", bId.ToString());
            var missingUrl = url.Replace("{id}", Missing.ToString());
            var ofB = await SendAsync(a, method, bUrl, body?.Replace("{id}", bId.ToString()));
            var missing = await SendAsync(a, method, missingUrl, body?.Replace("{id}", Missing.ToString()));
            if (ofB.Status != 404 || JsonNode.Parse(ofB.Body)?["error"]?["code"]?.GetValue<string>() != "NOT_FOUND")
                problems.Add($"{method} {bUrl}: expected 404 NOT_FOUND, got {ofB.Status} {ofB.Body}");
            else if (missing.Status != 404 || missing.Body != ofB.Body)
                problems.Add($"{method} {bUrl}: B's id answers {ofB.Status} {ofB.Body} but a missing id answers {missing.Status} {missing.Body}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Nothing of B's moved, and nothing was made in A either.
        Assert.Equal(beforeB, await SnapshotAsync(b));
        Assert.Equal(beforeA, await SnapshotAsync(a));
        var payout = (await b.GetAsync($"/v1/payouts/{bData.Payout}"))["data"]!;
        Assert.Equal("pending", payout["status"]!.GetValue<string>());
        Assert.Null(payout["reference"]);
        Assert.Null(payout["notes"]);
        Assert.Single(payout["status_history"]!.AsArray());
        Assert.Equal("pending", (await b.GetAsync($"/v1/payouts/{bData.Payout2}"))["data"]!["status"]!.GetValue<string>());
        var request = (await b.GetAsync($"/v1/payouts/requests/{bData.Request}"))["data"]!;
        Assert.Equal("pending", request["status"]!.GetValue<string>());
        Assert.Null(request["payout_id"]);
        var affiliate = (await b.GetAsync($"/v1/affiliates/{bData.Affiliate}"))["data"]!;
        Assert.Equal("Bartholomew Beta", affiliate["name"]!.GetValue<string>());
        Assert.Equal("active", affiliate["status"]!.GetValue<string>());
        Assert.Equal("55.55", Api.Raw(affiliate["balance"]));
        Assert.Equal("approved", (await b.GetAsync($"/v1/commissions/{bData.FreeCommission}"))["data"]!["status"]!.GetValue<string>());

        // A's own rows still answer A, so the 404s above were about B, not a broken token.
        await a.GetAsync($"/v1/payouts/{aPayout}");
        await a.GetAsync($"/v1/affiliates/{aAffiliate}");
    }

    [Theory]
    [InlineData("/v1/payouts/bulk-complete", "pending")]
    [InlineData("/v1/payouts/bulk-processing", "pending")]
    public async Task Bulk_with_another_programs_ids_fails_those_ids_as_not_found_and_leaves_them_alone(string url, string bStatus)
    {
        var app = shared.App;
        var a = await app.NewProgramAsync(name: "Alpha");
        var b = await app.NewProgramAsync(name: "Beta");
        var bData = await ArrangeBAsync(b);
        var (_, aPayout) = await a.PendingPayoutAsync(10m);

        var result = (await a.PostAsync(url, new { ids = new[] { bData.Payout, aPayout, bData.Payout2, Missing }, reference = "A-BULK" }))["data"]!;

        Assert.Equal([aPayout], result["succeeded"]!.AsArray().Select(x => x!.GetValue<long>()));
        var failed = result["failed"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<long>(), f => f!);
        Assert.Equal([bData.Payout, bData.Payout2, Missing], failed.Keys.Order());
        foreach (var f in failed.Values) Assert.Equal("NOT_FOUND", f["code"]!.GetValue<string>());
        // B's ids are refused in exactly the words a missing id is.
        Assert.Equal(failed[Missing]["message"]!.GetValue<string>(), failed[bData.Payout]["message"]!.GetValue<string>());
        Assert.Equal(failed[Missing]["message"]!.GetValue<string>(), failed[bData.Payout2]["message"]!.GetValue<string>());

        foreach (var id in new[] { bData.Payout, bData.Payout2 })
        {
            var payout = (await b.GetAsync($"/v1/payouts/{id}"))["data"]!;
            Assert.Equal(bStatus, payout["status"]!.GetValue<string>());
            Assert.Null(payout["reference"]);
            Assert.Null(payout["processing_at"]);
            Assert.Null(payout["completed_at"]);
        }
        var stats = (await b.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("1111.10", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal(2, stats["total_pending_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Lists_exports_stats_and_requests_show_only_the_tokens_program()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync(name: "Alpha");
        var b = await app.NewProgramAsync(name: "Beta");
        var bData = await ArrangeBAsync(b);
        // B also has a completed and a failed payout, so every stats field has something of B's to leak.
        var bCompleter = await b.AffiliateAsync("Bruno Beta", "bruno@beta.example");
        await b.CommissionAsync(bCompleter, 999.99m);
        await b.PostAsync($"/v1/payouts/{await b.PayoutAsync(bCompleter)}/complete", new { reference = "B-DONE" });
        var bFailer = await b.AffiliateAsync("Bella Beta", "bella@beta.example");
        await b.CommissionAsync(bFailer, 123.45m);
        await b.PostAsync($"/v1/payouts/{await b.PayoutAsync(bFailer)}/fail", new { reason = "B bounced" });

        await Api.ExpectAsync(await a.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 }), 200);
        var (aAffiliate, aPayout) = await a.PendingPayoutAsync(10m, 2.5m);
        var aRequester = await a.AffiliateAsync("Arthur Alpha", "arthur@alpha.example");
        await a.CommissionAsync(aRequester, 20m);
        var aRequest = (await a.PostAsync("/v1/payouts/requests", new { affiliate_id = aRequester }, 201))["data"]!["id"]!.GetValue<long>();

        var list = await a.GetAsync("/v1/payouts?per_page=100");
        Assert.Equal([aPayout], list["data"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
        Assert.Equal(1, list["meta"]!["total"]!.GetValue<long>());
        Assert.DoesNotContain(list["data"]!.AsArray(), p => p!["affiliate"]!["name"]!.GetValue<string>().Contains("Beta"));

        // Searching for B's affiliate by name or email finds nothing in A.
        Assert.Equal(0, (await a.GetAsync("/v1/payouts?q=beta"))["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(0, (await a.GetAsync("/v1/payouts?q=bart%40beta.example"))["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(0, (await a.GetAsync("/v1/affiliates?q=beta"))["meta"]!["total"]!.GetValue<long>());

        var export = await a.Http.GetAsync("/v1/payouts/export");
        var csv = await export.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)export.StatusCode);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{aPayout},{aAffiliate},", lines[1]);
        Assert.DoesNotContain("Beta", csv);
        Assert.DoesNotContain("777.77", csv);

        var stats = (await a.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("12.50", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal(1, stats["total_pending_count"]!.GetValue<int>());
        Assert.Equal("0.00", Api.Raw(stats["completed_this_month"]));
        Assert.Equal(0, stats["failed_count"]!.GetValue<int>());
        Assert.Equal(1, stats["pending_requests_count"]!.GetValue<int>());

        var requests = await a.GetAsync("/v1/payouts/requests");
        Assert.Equal([aRequest], requests["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal(1, requests["meta"]!["total"]!.GetValue<long>());
        Assert.DoesNotContain(bData.Request, requests["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));

        var affiliates = await a.GetAsync("/v1/affiliates?per_page=100");
        Assert.Equal(new[] { aAffiliate, aRequester }.Order(), affiliates["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()).Order());
        Assert.Equal(2, affiliates["meta"]!["total"]!.GetValue<long>());

        var commissions = await a.GetAsync("/v1/commissions?per_page=100");
        Assert.Equal(3, commissions["meta"]!["total"]!.GetValue<long>());
        Assert.All(commissions["data"]!.AsArray(), c => Assert.Contains(c!["affiliate_id"]!.GetValue<long>(), new[] { aAffiliate, aRequester }));

        // And B sees all of its own, none of A's.
        var bList = await b.GetAsync("/v1/payouts?per_page=100");
        Assert.Equal(4, bList["meta"]!["total"]!.GetValue<long>());
        Assert.DoesNotContain(aPayout, bList["data"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
        var bStats = (await b.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("1111.10", Api.Raw(bStats["total_pending_amount"]));
        Assert.Equal("999.99", Api.Raw(bStats["completed_this_month"]));
        Assert.Equal(1, bStats["failed_count"]!.GetValue<int>());
        Assert.Equal(1, bStats["pending_requests_count"]!.GetValue<int>());
    }

    /// <summary>Everything a program's token can list, as text, to compare before and after.</summary>
    private static async Task<string> SnapshotAsync(Tenant t)
    {
        var parts = new List<string>();
        foreach (var url in new[] { "/v1/payouts?per_page=100&sort=id", "/v1/payouts/requests?per_page=100", "/v1/affiliates?per_page=100", "/v1/commissions?per_page=100", "/v1/payouts/stats", "/v1/settings/payouts" })
            parts.Add((await t.GetAsync(url))["data"]!.ToJsonString());
        return string.Join("\n", parts);
    }
}
