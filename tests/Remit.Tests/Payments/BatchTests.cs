using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// POST /v1/payout-batches and completing batches: all or none, one method, the plan's methods only. One host for the
/// class, a program per test.
/// </summary>
public sealed class BatchTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task A_batch_moves_its_pending_payouts_to_processing_together()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var a = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 120.50m);
        var b = await t.MethodPayoutAsync(PaymentsSetup.Bank("5550001"), 30m);
        var batch = (await t.BatchAsync("bank", [a, b]))["data"]!;
        Assert.Equal("bank", batch["method"]!.GetValue<string>());
        Assert.Equal("open", batch["status"]!.GetValue<string>());
        Assert.Equal(2, batch["count"]!.GetValue<int>());
        Assert.Equal("150.50", Api.Raw(batch["total"]));
        Assert.Equal("USD", batch["currency"]!.GetValue<string>());
        Assert.Equal([a, b], batch["payout_ids"]!.AsArray().Select(x => x!.GetValue<long>()));
        Assert.Null(batch["provider_batch_id"]);
        foreach (var id in new[] { a, b })
        {
            var payout = (await t.GetAsync($"/v1/payouts/{id}"))["data"]!;
            Assert.Equal("processing", payout["status"]!.GetValue<string>());
            Assert.Equal(batch["id"]!.GetValue<long>(), payout["batch_id"]!.GetValue<long>());
        }
        var listed = (await t.GetAsync("/v1/payout-batches"))["data"]!.AsArray();
        Assert.Equal(batch["id"]!.GetValue<long>(), Assert.Single(listed)!["id"]!.GetValue<long>());
        Assert.Equal(2, listed[0]!["payout_ids"]!.AsArray().Count);
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.ToStatus == "processing" && e.ActorType == "token" && e.Notes!.StartsWith("batch ")));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "batch.created"));
    }

    public static TheoryData<string, string, bool> PlanMethods => PayoutMethodTests.PlanMethods;

    [Theory]
    [MemberData(nameof(PlanMethods))]
    public async Task Each_plan_batches_its_methods_and_refuses_the_rest_naming_the_plan(string plan, string method, bool allowed)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan);
        if (plan is "standard" or "custom") await t.WithoutTaxGateAsync();
        // A payout of the method where the plan has it; otherwise any payout (the plan check comes first).
        var payout = await t.MethodPayoutAsync(!allowed ? null : method switch { "bank" => PaymentsSetup.Bank(), "crypto" => PaymentsSetup.Crypto(), _ => null });
        var response = await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method, payout_ids = new[] { payout } });
        if (allowed)
        {
            await Api.ExpectAsync(response, 201);
            return;
        }
        var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
        Assert.Contains(plan, error["message"]!.GetValue<string>());
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_payout_that_is_not_pending_refuses_the_batch_naming_it_and_nothing_moves()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var a = await t.MethodPayoutAsync(null);
        var b = await t.MethodPayoutAsync(null);
        var c = await t.MethodPayoutAsync(null);
        await t.PostAsync($"/v1/payouts/{b}/complete");
        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { a, b, c } }), 409, "INVALID_STATUS");
        Assert.Contains(b.ToString(), error["message"]!.GetValue<string>());
        Assert.DoesNotContain($"{a},", error["message"]!.GetValue<string>());
        foreach (var id in new[] { a, c }) Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{id}"))["data"]!["status"]!.GetValue<string>());
        Assert.Empty((await t.GetAsync("/v1/payout-batches"))["data"]!.AsArray());
    }

    [Fact]
    public async Task One_payout_of_another_method_refuses_the_batch_naming_it()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var paypal = await t.MethodPayoutAsync(null);
        var bank = await t.MethodPayoutAsync(PaymentsSetup.Bank());
        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = new[] { bank, paypal } }), 422, "VALIDATION_ERROR");
        Assert.Contains(paypal.ToString(), error["message"]!.GetValue<string>());
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{bank}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_programs_payout_or_batch_is_not_found()
    {
        var app = shared.App;
        var mine = await app.NewProgramAsync("basic");
        var theirs = await app.NewProgramAsync("basic", name: "Other");
        var own = await mine.MethodPayoutAsync(null);
        var foreign = await theirs.MethodPayoutAsync(null);
        var error = await Api.ErrorAsync(await mine.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { own, foreign } }), 404, "NOT_FOUND");
        Assert.Contains(foreign.ToString(), error["message"]!.GetValue<string>());
        Assert.Equal("pending", (await mine.GetAsync($"/v1/payouts/{own}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("pending", (await theirs.GetAsync($"/v1/payouts/{foreign}"))["data"]!["status"]!.GetValue<string>());

        var theirBatch = (await theirs.BatchAsync("paypal", [foreign])).Id();
        foreach (var url in new[] { $"/v1/payout-batches/{theirBatch}", $"/v1/payout-batches/{theirBatch}/file" })
            await Api.ErrorAsync(await mine.Http.GetAsync(url), 404, "NOT_FOUND");
        foreach (var url in new[] { "complete", "send", "sync" })
            await Api.ErrorAsync(await mine.Http.PostAsync($"/v1/payout-batches/{theirBatch}/{url}", null), 404, "NOT_FOUND");
        await Api.ErrorAsync(await mine.Http.PostAsJsonAsync($"/v1/payouts/{foreign}/return", new { code = "R01" }), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_filter_picks_the_pending_payouts_of_the_method_it_matches()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank(), "Grace Hopper");
        await t.CommissionAsync(affiliate, 10m);
        var wanted = await t.PayoutAsync(affiliate);
        await t.MethodPayoutAsync(PaymentsSetup.Bank(), name: "Someone Else");
        var paypal = await t.MethodPayoutAsync(null, name: "Grace Paypal");
        var batch = (await Api.ExpectAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches",
            new { method = "bank", filter = new { q = "grace", affiliate_id = affiliate } }), 201))["data"]!;
        Assert.Equal([wanted], batch["payout_ids"]!.AsArray().Select(x => x!.GetValue<long>()));
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{paypal}"))["data"]!["status"]!.GetValue<string>());

        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { q = "grace" } }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { status = "completed" } }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { colour = "red" } }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { affiliate_id = 999999 } }), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Two_concurrent_batches_over_the_same_payouts_give_exactly_one_batch()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await t.MethodPayoutAsync(null, 10m + i));
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            // Overlapping, in different orders: any two of these share payouts.
            var order = i % 2 == 0 ? ids.ToArray() : ids.AsEnumerable().Reverse().ToArray();
            return await client.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = order });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));

        var batches = (await t.GetAsync("/v1/payout-batches"))["data"]!.AsArray();
        Assert.Equal(5, Assert.Single(batches)!["payout_ids"]!.AsArray().Count);
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(5, await db.AuditEvents.CountAsync(e => e.ToStatus == "processing"));
        Assert.Equal(5, await db.Payouts.CountAsync(p => p.BatchId != null && p.Status == "processing"));
    }

    [Fact]
    public async Task Completing_a_file_batch_completes_its_processing_payouts_and_the_batch()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("nano");
        var a = await t.MethodPayoutAsync(null);
        var b = await t.MethodPayoutAsync(null);
        var batch = (await t.BatchAsync("paypal", [a, b])).Id();
        var done = (await t.PostAsync($"/v1/payout-batches/{batch}/complete", new { reference = "PP-UPLOAD-1" }))["data"]!;
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        foreach (var id in new[] { a, b })
        {
            var payout = (await t.GetAsync($"/v1/payouts/{id}"))["data"]!;
            Assert.Equal("completed", payout["status"]!.GetValue<string>());
            Assert.Equal("PP-UPLOAD-1", payout["reference"]!.GetValue<string>());
        }
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/payout-batches/{batch}/complete", null), 409, "INVALID_STATUS");
    }

    [Fact]
    public async Task A_batch_with_a_failed_payout_ends_partially_failed_and_all_failed_ends_failed()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var a = await t.MethodPayoutAsync(null);
        var b = await t.MethodPayoutAsync(null);
        var batch = (await t.BatchAsync("paypal", [a, b])).Id();
        await t.PostAsync($"/v1/payouts/{a}/fail", new { reason = "Bounced" });
        Assert.Equal("open", (await t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["status"]!.GetValue<string>());
        await t.PostAsync($"/v1/payout-batches/{batch}/complete");
        Assert.Equal("partially_failed", (await t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["status"]!.GetValue<string>());

        var c = await t.MethodPayoutAsync(null);
        var other = (await t.BatchAsync("paypal", [c])).Id();
        await t.PostAsync($"/v1/payouts/{c}/fail");
        Assert.Equal("failed", (await t.GetAsync($"/v1/payout-batches/{other}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_crypto_batch_completes_only_with_a_valid_transaction_hash_for_each_payout()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        await t.WithoutTaxGateAsync();
        var evm = await t.MethodPayoutAsync(PaymentsSetup.Crypto("base"));
        var sol = await t.MethodPayoutAsync(PaymentsSetup.Crypto("solana", PaymentsSetup.SolanaAddress));
        var batch = (await t.BatchAsync("crypto", [evm, sol])).Id();
        var solSignature = SimpleBase.Base58.Bitcoin.Encode(Enumerable.Range(1, 64).Select(i => (byte)i).ToArray());

        var missing = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete",
            new { references = new Dictionary<string, string> { [evm.ToString()] = PaymentsSetup.EvmTxHash } }), 422, "VALIDATION_ERROR");
        Assert.Contains(sol.ToString(), missing["message"]!.GetValue<string>());
        // An EVM hash is no Solana signature.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payout-batches/{batch}/complete",
            new { references = new Dictionary<string, string> { [evm.ToString()] = PaymentsSetup.EvmTxHash, [sol.ToString()] = PaymentsSetup.EvmTxHash } }), 422, "VALIDATION_ERROR");
        Assert.Equal("processing", (await t.GetAsync($"/v1/payouts/{evm}"))["data"]!["status"]!.GetValue<string>());

        await t.PostAsync($"/v1/payout-batches/{batch}/complete",
            new { references = new Dictionary<string, string> { [evm.ToString()] = PaymentsSetup.EvmTxHash, [sol.ToString()] = solSignature } });
        Assert.Equal(PaymentsSetup.EvmTxHash, (await t.GetAsync($"/v1/payouts/{evm}"))["data"]!["reference"]!.GetValue<string>());
        Assert.Equal(solSignature, (await t.GetAsync($"/v1/payouts/{sol}"))["data"]!["reference"]!.GetValue<string>());
        Assert.Equal("completed", (await t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_bodies_are_422_naming_the_field()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var payout = await t.MethodPayoutAsync(null);
        async Task<string> FieldOf(object body) =>
            (await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", body), 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>();
        Assert.Equal("method", await FieldOf(new { method = "cheque", payout_ids = new[] { payout } }));
        Assert.Equal("payout_ids", await FieldOf(new { method = "paypal", payout_ids = Array.Empty<long>() }));
        Assert.Equal("payout_ids", await FieldOf(new { method = "paypal", payout_ids = new[] { payout, payout } }));
        Assert.Equal("payout_ids", await FieldOf(new { method = "paypal" }));
        Assert.Equal("filter", await FieldOf(new { method = "paypal", payout_ids = new[] { payout }, filter = new { q = "x" } }));
    }
}
