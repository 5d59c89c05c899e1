using System.Net.Http.Json;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// PUT /v1/affiliates/{id}/payout-method: each plan's methods, validation, masking, and payout snapshots. One host for
/// the class, a program per test.
/// </summary>
public sealed class PayoutMethodTests(SharedApp shared) : IClassFixture<SharedApp>
{
    public static TheoryData<string, string, bool> PlanMethods => new()
    {
        { "nano", "paypal", true }, { "nano", "bank", false }, { "nano", "crypto", false },
        { "basic", "paypal", true }, { "basic", "bank", true }, { "basic", "crypto", false },
        { "standard", "paypal", true }, { "standard", "bank", true }, { "standard", "crypto", false },
        { "custom", "paypal", true }, { "custom", "bank", true }, { "custom", "crypto", true },
    };

    [Theory]
    [MemberData(nameof(PlanMethods))]
    public async Task Each_plan_allows_its_methods_and_refuses_the_rest_naming_the_plan(string plan, string method, bool allowed)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan);
        var affiliate = await t.AffiliateAsync();
        object body = method switch
        {
            "paypal" => new { payout_method = "paypal", paypal_email = "ada@example.com" },
            "bank" => PaymentsSetup.Bank(),
            _ => PaymentsSetup.Crypto(),
        };
        var response = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", body);
        if (allowed)
        {
            var data = (await Api.ExpectAsync(response, 200))["data"]!;
            Assert.Equal(method, data["payout_method"]!.GetValue<string>());
        }
        else
        {
            var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
            Assert.Contains(plan, error["message"]!.GetValue<string>());
            Assert.Equal("payout_method", error["details"]![0]!["field"]!.GetValue<string>());
            Assert.Equal("paypal", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["payout_method"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_bank_account_is_answered_and_shown_with_its_last_four_digits_only()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateAsync();
        var put = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Bank("9876543210123", "business", "savings", "Acme LLC"));
        var text = await put.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)put.StatusCode);
        Assert.DoesNotContain("9876543210123", text);

        var got = await t.Http.GetStringAsync($"/v1/affiliates/{affiliate}");
        Assert.DoesNotContain("9876543210123", got);
        var bank = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["bank"]!;
        Assert.Equal("0123", bank["account_last4"]!.GetValue<string>());
        Assert.Equal("Acme LLC", bank["holder_name"]!.GetValue<string>());
        Assert.Equal("business", bank["holder_type"]!.GetValue<string>());
        Assert.Equal("savings", bank["account_type"]!.GetValue<string>());
        Assert.Equal(PaymentsSetup.Routing, bank["routing_number"]!.GetValue<string>());
        Assert.Null((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["crypto"]);
        Assert.DoesNotContain("9876543210123", await t.Http.GetStringAsync("/v1/affiliates"));
    }

    [Fact]
    public async Task A_wallet_is_shown_by_network_and_last_four_characters()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateAsync();
        var data = (await t.SetMethodAsync(affiliate, PaymentsSetup.Crypto("solana", PaymentsSetup.SolanaAddress)))["data"]!;
        Assert.Equal("solana", data["crypto"]!["network"]!.GetValue<string>());
        Assert.Equal("1112", data["crypto"]!["address_last4"]!.GetValue<string>());
        Assert.DoesNotContain(PaymentsSetup.SolanaAddress, data.ToJsonString());
    }

    [Theory]
    [InlineData("021000021", true)]
    [InlineData("011000015", true)]
    [InlineData("121000248", true)]
    [InlineData("021000022", false)] // check digit off by one
    [InlineData("000000000", false)]
    [InlineData("02100002", false)]
    [InlineData("02100002a", false)]
    public async Task Routing_numbers_are_checked_by_their_3_7_1_check_digit(string routing, bool valid)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateAsync();
        var response = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Bank(routing: routing));
        if (valid) await Api.ExpectAsync(response, 200);
        else Assert.Equal("bank.routing_number", (await Api.ErrorAsync(response, 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("123", false)]
    [InlineData("1234", true)]
    [InlineData("12345678901234567", true)]
    [InlineData("123456789012345678", false)]
    [InlineData("12-34-56", false)]
    public async Task Account_numbers_are_4_to_17_digits(string account, bool valid)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateAsync();
        var response = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Bank(account));
        if (valid) await Api.ExpectAsync(response, 200);
        else Assert.Equal("bank.account_number", (await Api.ErrorAsync(response, 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    // EIP-55's published test vectors, all valid:
    [InlineData("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true)]
    [InlineData("polygon", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", true)]
    [InlineData("base", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", true)]
    [InlineData("ethereum", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", true)]
    // Single case carries no checksum and is accepted; one letter's case flipped breaks the checksum.
    [InlineData("ethereum", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", true)]
    [InlineData("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", false)]
    [InlineData("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", false)]
    [InlineData("solana", "So11111111111111111111111111111111111111112", true)]
    [InlineData("solana", "11111111111111111111111111111111", true)]
    [InlineData("solana", "So1111111111111111111111111111111111111111O", false)] // O is not base58
    [InlineData("solana", "3yZe7d", false)] // decodes to too few bytes
    [InlineData("solana", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", false)]
    public async Task Wallet_addresses_are_checked_for_their_network(string network, string address, bool valid)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateAsync();
        var response = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Crypto(network, address));
        if (valid) await Api.ExpectAsync(response, 200);
        else Assert.Equal("crypto.address", (await Api.ErrorAsync(response, 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Details_of_another_method_and_an_unknown_network_are_refused()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateAsync();
        var mixed = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method",
            new { payout_method = "paypal", paypal_email = "a@example.com", crypto = new { network = "ethereum", address = PaymentsSetup.EvmAddress } });
        await Api.ErrorAsync(mixed, 422, "VALIDATION_ERROR");
        var network = await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Crypto("bitcoin"));
        Assert.Equal("crypto.network", (await Api.ErrorAsync(network, 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payout_made_before_the_bank_details_were_given_cannot_be_batched()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateAsync();
        // payout_method alone through PATCH (product.md's affiliate fields); the account comes through PUT .../payout-method.
        var patched = (await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { payout_method = "bank" }), 200))["data"]!;
        Assert.Null(patched["bank"]!["account_last4"]);
        await t.CommissionAsync(affiliate, 10m);
        var bare = await t.PayoutAsync(affiliate);
        Assert.Null((await t.GetAsync($"/v1/payouts/{bare}"))["data"]!["destination"]);
        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = new[] { bare } }), 422, "VALIDATION_ERROR");
        Assert.Contains(bare.ToString(), error["message"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { } }), 422, "VALIDATION_ERROR");

        await t.PostAsync($"/v1/payouts/{bare}/fail", new { reason = "No bank details" });
        await t.SetMethodAsync(affiliate, PaymentsSetup.Bank("24681357"));
        var next = await t.PayoutAsync(affiliate);
        Assert.Equal("checking ••••1357", (await t.GetAsync($"/v1/payouts/{next}"))["data"]!["destination"]!.GetValue<string>());
        await t.BatchAsync("bank", [next]);
    }

    [Fact]
    public async Task Another_programs_affiliate_is_not_found()
    {
        var app = shared.App;
        var mine = await app.NewProgramAsync("basic");
        var theirs = await app.NewProgramAsync("basic", name: "Other");
        var affiliate = await theirs.AffiliateAsync();
        await Api.ErrorAsync(await mine.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", PaymentsSetup.Bank()), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_payout_keeps_where_it_was_sent_when_the_affiliate_changes_account_later()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank("111122223333"));
        await t.CommissionAsync(affiliate, 40m);
        var first = await t.PayoutAsync(affiliate);
        await t.SetMethodAsync(affiliate, PaymentsSetup.Bank("999988887777", accountType: "savings"));
        await t.CommissionAsync(affiliate, 10m);
        var second = await t.PayoutAsync(affiliate);

        var one = (await t.GetAsync($"/v1/payouts/{first}"))["data"]!;
        Assert.Equal("bank", one["method"]!.GetValue<string>());
        Assert.Equal("checking ••••3333", one["destination"]!.GetValue<string>());
        Assert.Equal("savings ••••7777", (await t.GetAsync($"/v1/payouts/{second}"))["data"]!["destination"]!.GetValue<string>());

        await using var db = app.Db(t.ProgramId);
        var stored = db.Payouts.Single(p => p.Id == first);
        Assert.Equal("111122223333", app.Secrets.Decrypt(stored.Account.Secret!));
        Assert.DoesNotContain("111122223333", await t.Http.GetStringAsync("/v1/payouts"));
    }
}
