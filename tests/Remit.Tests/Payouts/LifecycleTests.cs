using System.Net.Http.Json;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The seed's lifecycle table, row by row, and every move it does not list. One host for the class, a program per
/// test; the clock only moves on, so times are checked against the clock as it stands.
/// </summary>
public sealed class LifecycleTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static readonly Dictionary<string, string> Endpoint = new()
    {
        ["processing"] = "processing", ["completed"] = "complete", ["failed"] = "fail",
    };

    /// <summary>Puts a fresh payout into the given status through the API.</summary>
    private static async Task<(long Affiliate, long Payout)> PayoutIn(Tenant t, string status)
    {
        var (affiliate, payout) = await t.PendingPayoutAsync(60m, 40m);
        if (status == "processing") await t.PostAsync($"/v1/payouts/{payout}/processing");
        if (status == "completed") await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "R1" });
        if (status == "failed") await t.PostAsync($"/v1/payouts/{payout}/fail", new { reason = "bounced" });
        return (affiliate, payout);
    }

    [Theory]
    [InlineData("pending", "processing")]
    [InlineData("pending", "completed")]
    [InlineData("pending", "failed")]
    [InlineData("processing", "completed")]
    [InlineData("processing", "failed")]
    public async Task Every_allowed_transition_moves_the_payout_and_its_commissions(string from, string to)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, payout) = await PayoutIn(t, from);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var movedAt = app.Clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        object request = to switch
        {
            "failed" => new { reason = "account closed", notes = "by test" },
            "completed" => new { reference = "TXN-9", notes = "by test" },
            _ => new { notes = "by test" },
        };
        var body = await t.PostAsync($"/v1/payouts/{payout}/{Endpoint[to]}", request);
        var data = body["data"]!;
        Assert.Equal(to, data["status"]!.GetValue<string>());
        Assert.Equal(movedAt, data[$"{to}_at"]!.GetValue<string>());
        Assert.Equal("by test", data["notes"]!.GetValue<string>());
        var history = data["status_history"]!.AsArray();
        Assert.Equal(from, history[^1]!["from"]!.GetValue<string>());
        Assert.Equal(to, history[^1]!["to"]!.GetValue<string>());

        var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
        var expected = to switch { "completed" => "paid", "failed" => "approved", _ => "in_payout" };
        Assert.All(commissions, c => Assert.Equal(expected, c!["status"]!.GetValue<string>()));
        var balance = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]!;
        Assert.Equal(to == "failed" ? "100.00" : "0.00", Api.Raw(balance));
        if (to == "failed") Assert.Equal("account closed", data["failure_reason"]!.GetValue<string>());
        if (to == "completed") Assert.Equal("TXN-9", data["reference"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("processing", "processing")]
    [InlineData("completed", "processing")]
    [InlineData("completed", "completed")]
    [InlineData("completed", "failed")]
    [InlineData("failed", "processing")]
    [InlineData("failed", "completed")]
    [InlineData("failed", "failed")]
    public async Task Every_transition_not_in_the_table_is_409_and_changes_nothing(string from, string to)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, payout) = await PayoutIn(t, from);
        var before = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!.ToJsonString();
        var commissionsBefore = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.ToJsonString();
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var response = await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/{Endpoint[to]}", new { notes = "should not stick" });
        var error = await Api.ErrorAsync(response, 409, "INVALID_STATUS");
        Assert.Contains(from, error["message"]!.GetValue<string>());

        Assert.Equal(before, (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!.ToJsonString());
        Assert.Equal(commissionsBefore, (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.ToJsonString());
    }

    [Fact]
    public async Task A_failed_payouts_commissions_go_into_the_next_payout_and_the_failed_one_keeps_its_history()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, first) = await t.PendingPayoutAsync(30m, 20m);
        await t.PostAsync($"/v1/payouts/{first}/fail", new { reason = "PayPal account restricted" });
        await t.CommissionAsync(affiliate, 5.25m);

        var second = await t.PayoutAsync(affiliate);
        var next = (await t.GetAsync($"/v1/payouts/{second}"))["data"]!;
        Assert.Equal("55.25", Api.Raw(next["amount"]));
        Assert.Equal(3, next["commissions_count"]!.GetValue<int>());

        var failed = (await t.GetAsync($"/v1/payouts/{first}"))["data"]!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("50.00", Api.Raw(failed["amount"]));
        Assert.Equal(2, failed["commissions_count"]!.GetValue<int>());
        Assert.Equal("PayPal account restricted", failed["failure_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payout_takes_all_payable_commissions_and_its_amount_is_their_sum()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var other = await t.AffiliateAsync("Other Person");
        await t.CommissionAsync(affiliate, 10.10m, earnedAt: new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        await t.CommissionAsync(affiliate, 0.01m, earnedAt: new DateTime(2026, 2, 3, 0, 0, 0, DateTimeKind.Utc));
        await t.CommissionAsync(other, 99m);

        var payout = (await t.PostAsync("/v1/payouts", new { affiliate_id = affiliate }, 201))["data"]!;
        Assert.Equal("10.11", Api.Raw(payout["amount"]));
        Assert.Equal("manual", payout["source"]!.GetValue<string>());
        Assert.Equal("pending", payout["status"]!.GetValue<string>());
        Assert.Equal("2026-01-02T00:00:00Z", payout["period_start"]!.GetValue<string>());
        Assert.Equal("2026-02-03T00:00:00Z", payout["period_end"]!.GetValue<string>());

        // Nothing left to pay: a second manual payout is refused and nothing is created.
        var again = await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate });
        await Api.ErrorAsync(again, 422, "VALIDATION_ERROR");
        Assert.Equal(1, (await t.GetAsync("/v1/payouts"))["meta"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bulk_complete_answers_per_id_with_per_payout_references()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (_, a) = await t.PendingPayoutAsync(10m);
        var (_, b) = await PayoutIn(t, "processing");
        var (_, done) = await PayoutIn(t, "completed");

        var result = (await t.PostAsync("/v1/payouts/bulk-complete", new
        {
            ids = new[] { a, b, done, 999999 },
            reference = "BATCH-1",
            references = new Dictionary<string, string> { [b.ToString()] = "TXN-B" },
        }))["data"]!;

        Assert.Equal([a, b], result["succeeded"]!.AsArray().Select(x => x!.GetValue<long>()));
        var failed = result["failed"]!.AsArray();
        Assert.Equal(2, failed.Count);
        Assert.Equal(done, failed[0]!["id"]!.GetValue<long>());
        Assert.Equal("INVALID_STATUS", failed[0]!["code"]!.GetValue<string>());
        Assert.Equal("NOT_FOUND", failed[1]!["code"]!.GetValue<string>());
        Assert.Equal("BATCH-1", (await t.GetAsync($"/v1/payouts/{a}"))["data"]!["reference"]!.GetValue<string>());
        Assert.Equal("TXN-B", (await t.GetAsync($"/v1/payouts/{b}"))["data"]!["reference"]!.GetValue<string>());
        Assert.Equal("R1", (await t.GetAsync($"/v1/payouts/{done}"))["data"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bulk_processing_moves_pending_ones_and_refuses_the_rest()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (_, a) = await t.PendingPayoutAsync(10m);
        var (_, b) = await PayoutIn(t, "processing");

        var result = (await t.PostAsync("/v1/payouts/bulk-processing", new { ids = new[] { a, b }, notes = "batch" }))["data"]!;
        Assert.Equal([a], result["succeeded"]!.AsArray().Select(x => x!.GetValue<long>()));
        Assert.Equal("INVALID_STATUS", result["failed"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("processing", (await t.GetAsync($"/v1/payouts/{a}"))["data"]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[1,1]")]
    [InlineData("[0]")]
    [InlineData("\"1\"")]
    public async Task Bulk_ids_must_be_1_to_1000_distinct_ids(string ids)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var response = await t.Http.PostAsync("/v1/payouts/bulk-complete", new StringContent($"{{\"ids\": {ids}}}", System.Text.Encoding.UTF8, "application/json"));
        await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Bulk_of_1001_ids_is_refused()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var response = await t.Http.PostAsJsonAsync("/v1/payouts/bulk-processing", new { ids = Enumerable.Range(1, 1001) });
        await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
    }
}
