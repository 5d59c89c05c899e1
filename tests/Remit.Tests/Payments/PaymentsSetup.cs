using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>Arranging affiliates with bank accounts and wallets, their payouts and batches, through the API.</summary>
internal static class PaymentsSetup
{
    public const string Routing = "021000021";
    public const string OtherRouting = "011000015";
    public const string EvmAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    public const string SolanaAddress = "So11111111111111111111111111111111111111112";
    public const string EvmTxHash = "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b";

    public static object Bank(string account = "123456789", string holderType = "individual", string accountType = "checking",
        string name = "Ada Lovelace", string routing = Routing) =>
        new { payout_method = "bank", bank = new { holder_name = name, holder_type = holderType, routing_number = routing, account_number = account, account_type = accountType } };

    public static object Crypto(string network = "ethereum", string address = EvmAddress) =>
        new { payout_method = "crypto", crypto = new { network, address } };

    public static async Task<JsonNode> SetMethodAsync(this Tenant t, long affiliate, object body, int status = 200) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", body), status);

    /// <summary>An affiliate paid by the given method (a payout-method body, or PayPal when null).</summary>
    public static async Task<long> AffiliateWithAsync(this Tenant t, object? method, string name = "Ada Lovelace")
    {
        var affiliate = await t.AffiliateAsync(name);
        if (method is not null) await t.SetMethodAsync(affiliate, method);
        return affiliate;
    }

    /// <summary>A pending payout of the amount for a new affiliate paid by the given method.</summary>
    public static async Task<long> MethodPayoutAsync(this Tenant t, object? method, decimal amount = 100m, string name = "Ada Lovelace")
    {
        var affiliate = await t.AffiliateWithAsync(method, name);
        await t.CommissionAsync(affiliate, amount);
        return await t.PayoutAsync(affiliate);
    }

    public static async Task<JsonNode> BatchAsync(this Tenant t, string method, long[] ids, int status = 201) =>
        (await Api.ExpectAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method, payout_ids = ids }), status));

    public static async Task SetAchAsync(this Tenant t) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/ach", new
        {
            odfi_routing = "121042882", company_name = "Acme Affiliates", company_id = "1234567890",
            immediate_destination = "231380104", immediate_destination_name = "Federal Reserve Bank",
            immediate_origin = "121042882", immediate_origin_name = "My Bank Name", entry_description = "PAYOUT",
        }), 200);

    /// <summary>
    /// For tests about moving money on a plan with tax forms: payouts there wait for a valid W-9/W-8 (TaxGateTests),
    /// which is not what these tests are about.
    /// </summary>
    public static async Task WithoutTaxGateAsync(this Tenant t) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", new { require_tax_form = false }), 200);

    public static long Id(this JsonNode node) => node["data"]!["id"]!.GetValue<long>();
}
