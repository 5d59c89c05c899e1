using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Remit.Tax;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// require_tax_form: on plans with forms, a payout whose affiliate has no valid form is still made, but cannot move to
/// processing or completed, nor into a batch (409 TAX_FORM_REQUIRED, nothing changes) until one is on file.
/// </summary>
public sealed class TaxGateTests
{
    [Theory]
    [InlineData("standard")]
    [InlineData("custom")]
    public async Task Without_a_valid_form_a_payout_is_made_but_held_until_a_w9_is_on_file(string plan)
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(plan);
        var (affiliate, payout) = await t.PendingPayoutAsync(120m);
        var other = await t.PendingPayoutAsync(30m);

        foreach (var response in new[]
        {
            await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/processing", new { }),
            await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/complete", new { reference = "TXN-1" }),
            await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { payout } }),
        })
        {
            var error = await Api.ErrorAsync(response, 409, "TAX_FORM_REQUIRED");
            Assert.Contains(payout.ToString(System.Globalization.CultureInfo.InvariantCulture), error["message"]!.GetValue<string>());
        }
        var bulk = (await t.PostAsync("/v1/payouts/bulk-processing", new { ids = new[] { payout, other.Payout } }))["data"]!;
        Assert.Equal("TAX_FORM_REQUIRED", bulk["failed"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(2, bulk["failed"]!.AsArray().Count);
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal(0, (await t.GetAsync("/v1/payout-batches"))["meta"]!["total"]!.GetValue<int>());

        await t.W9Async(affiliate);
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("completed", (await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "TXN-1" }))["data"]!["status"]!.GetValue<string>());
        // The other affiliate still has none: its payout may be failed (nothing is paid) but not moved on.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{other.Payout}/complete", new { }), 409, "TAX_FORM_REQUIRED");
        Assert.Equal("failed", (await t.PostAsync($"/v1/payouts/{other.Payout}/fail", new { reason = "no form" }))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_of_payouts_some_held_moves_none_and_names_the_held_ones()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var (covered, first) = await t.PendingPayoutAsync(50m);
        await t.W9Async(covered);
        var (_, held) = await t.PendingPayoutAsync(60m);

        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { first, held } }), 409, "TAX_FORM_REQUIRED");
        Assert.Contains($"Payouts {held} are held", error["message"]!.GetValue<string>());
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{first}"))["data"]!["status"]!.GetValue<string>());
        var byFilter = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", filter = new { } }), 409, "TAX_FORM_REQUIRED");
        Assert.Contains(held.ToString(System.Globalization.CultureInfo.InvariantCulture), byFilter["message"]!.GetValue<string>());
        Assert.Equal(201, (int)(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { first } })).StatusCode);
    }

    [Fact]
    public async Task With_the_setting_off_payouts_move_without_a_form_and_the_status_still_shows()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        await t.SetTaxAsync(new { require_tax_form = false });
        var (affiliate, payout) = await t.PendingPayoutAsync(80m);

        Assert.Equal("missing", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());

        // Turned back on: the next move waits again.
        var (_, second) = await t.PendingPayoutAsync(40m);
        await t.SetTaxAsync(new { require_tax_form = true });
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{second}/processing", new { }), 409, "TAX_FORM_REQUIRED");
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("basic")]
    public async Task Plans_without_forms_are_never_held(string plan)
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(plan);
        var (_, payout) = await t.PendingPayoutAsync(80m);
        Assert.Equal("completed", (await t.PostAsync($"/v1/payouts/{payout}/complete", new { }))["data"]!["status"]!.GetValue<string>());
        var (_, batched) = await t.PendingPayoutAsync(20m);
        await t.BatchAsync("paypal", [batched]);
    }

    [Fact]
    public async Task An_expired_w8_holds_payouts_again_and_a_new_one_releases_them()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var affiliate = await t.AffiliateAsync("Hanna Schmidt");
        await t.RecordFormAsync(affiliate, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt", "2026-03-01T10:00:00Z"));

        app.Clock.SetUtcNow(new DateTimeOffset(2029, 12, 31, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal("expiring", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
        await t.CommissionAsync(affiliate, 70m);
        var payout = await t.PayoutAsync(affiliate);
        app.Clock.SetUtcNow(new DateTimeOffset(2030, 1, 1, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal("expired", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/processing", new { }), 409, "TAX_FORM_REQUIRED");

        await t.RecordFormAsync(affiliate, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt", "2030-01-01T00:00:00Z"));
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_expiry_reminder_goes_once_per_form_when_its_last_90_days_begin()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateAsync("Hanna Schmidt");
        await t.RecordFormAsync(affiliate, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt", "2026-03-01T10:00:00Z"));
        var reminded = new List<long>();

        async Task<int> RunAsync()
        {
            // The app's own context, so the reminder logs through the app's logging as the job would.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Remit.Data.RemitDb>();
            db.ProgramId = t.ProgramId;
            return await TaxForms.RemindExpiringAsync(db, app.Clock, f => { reminded.Add(f.AffiliateId); return Task.CompletedTask; }, CancellationToken.None);
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2029, 10, 2, 23, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await RunAsync());
        app.Clock.SetUtcNow(new DateTimeOffset(2029, 10, 3, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await RunAsync());
        Assert.Equal(0, await RunAsync());
        Assert.Equal([affiliate], reminded);
        Assert.Contains(app.Logs, l => l.Contains("Remit.Tax[9002]", StringComparison.Ordinal) && l.Contains($"affiliate {affiliate}", StringComparison.Ordinal));
    }
}
