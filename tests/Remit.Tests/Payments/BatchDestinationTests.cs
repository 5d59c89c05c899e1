using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// A batch whose file could not be written is refused when it is made (422), never a 500 at download or completion.
/// One host for the class, a program per test.
/// </summary>
public sealed class BatchDestinationTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Changing_the_method_by_patch_drops_the_old_methods_account_and_the_new_method_waits_for_its_details()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank("000123456789"));

        await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { payout_method = "crypto" }), 200);

        var shown = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
        Assert.Equal("crypto", shown["payout_method"]!.GetValue<string>());
        Assert.Null(shown["crypto"]!["address_last4"]);
        Assert.Null(shown["destination"]);
        await t.CommissionAsync(affiliate, 40m);
        var payout = await t.PayoutAsync(affiliate);
        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "crypto", payout_ids = new[] { payout } }), 422, "VALIDATION_ERROR");
        Assert.Contains(payout.ToString(), error["message"]!.ToString() + error["details"]!.ToJsonString());
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>());
        Assert.Empty((await t.GetAsync("/v1/payout-batches"))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_payout_whose_destination_is_not_of_its_method_is_refused_at_batch_creation_and_nothing_moves()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        await t.WithoutTaxGateAsync();
        var good = await t.MethodPayoutAsync(PaymentsSetup.Crypto(), 10m, "Grace Hopper");
        // What the old PATCH left behind: a crypto payout carrying a bank account number.
        var mixed = await t.MethodPayoutAsync(PaymentsSetup.Bank("000123456789"), 25m);
        await using (var db = app.Db(t.ProgramId))
            await db.Payouts.Where(p => p.Id == mixed).ExecuteUpdateAsync(s => s.SetProperty(p => p.Method, "crypto"));

        var response = await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "crypto", payout_ids = new[] { good, mixed } });

        var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
        var detail = Assert.Single(error["details"]!.AsArray())!;
        Assert.Equal("payout_ids", detail["field"]!.GetValue<string>());
        Assert.Contains($"Payouts {mixed} cannot be paid by crypto", detail["message"]!.GetValue<string>());
        Assert.DoesNotContain("123456789", error.ToJsonString());
        foreach (var id in new[] { good, mixed })
            Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{id}"))["data"]!["status"]!.GetValue<string>());
        // The filter path checks the same.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "crypto", filter = new { } }), 422, "VALIDATION_ERROR");
        Assert.Empty((await t.GetAsync("/v1/payout-batches"))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_batch_made_before_the_checks_with_a_destination_its_file_cannot_carry_is_a_409_naming_it_not_a_500()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        await t.WithoutTaxGateAsync();
        var good = await t.MethodPayoutAsync(PaymentsSetup.Crypto(), 10m, "Grace Hopper");
        var mixed = await t.MethodPayoutAsync(PaymentsSetup.Crypto(), 25m);
        var batch = (await t.BatchAsync("crypto", [good, mixed])).Id();
        // As a batch made before creation checked destinations: a crypto payout carrying a bank account number (what the old PATCH let through).
        await using (var db = app.Db(t.ProgramId))
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE payouts SET account_secret = {app.Secrets.Encrypt("000123456789")} WHERE id = {mixed}");

        var error = await Api.ErrorAsync(await t.Http.GetAsync($"/v1/payout-batches/{batch}/file"), 409, "INVALID_STATUS");

        Assert.Contains($"Payouts {mixed} of batch {batch} cannot be paid by crypto", error["message"]!.GetValue<string>());
        await t.PostAsync($"/v1/payouts/{mixed}/fail", new { reason = "wrong destination" });
        Assert.Equal(HttpStatusCode.OK, (await t.Http.GetAsync($"/v1/payout-batches/{batch}/file")).StatusCode);
    }

    [Fact]
    public async Task A_bank_payout_over_nachas_entry_limit_is_refused_at_batch_creation()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        await t.SetAchAsync();
        var small = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 10m, "Grace Hopper");
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank("5550001"));
        await t.CommissionAsync(affiliate, 60_000_000m);
        await t.CommissionAsync(affiliate, 40_000_000m);
        var huge = await t.PayoutAsync(affiliate);
        Assert.Equal("100000000.00", Api.Raw((await t.GetAsync($"/v1/payouts/{huge}"))["data"]!["amount"]));

        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = new[] { small, huge } }), 422, "VALIDATION_ERROR");

        var message = Assert.Single(error["details"]!.AsArray())!["message"]!.GetValue<string>();
        Assert.Contains($"Payouts {huge} cannot be paid by bank", message);
        Assert.Contains("99,999,999.99", message);
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{small}"))["data"]!["status"]!.GetValue<string>());
        // The other payout alone batches, and its file is made.
        var batch = (await t.BatchAsync("bank", [small])).Id();
        Assert.Equal(HttpStatusCode.OK, (await t.Http.GetAsync($"/v1/payout-batches/{batch}/file")).StatusCode);
    }
}
