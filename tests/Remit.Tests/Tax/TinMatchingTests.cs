using System.Net.Http.Json;
using System.Text;
using Remit.Tax;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>The Publication 2108A bulk TIN-matching request file, and the IRS's result file read back.</summary>
public sealed class TinMatchingTests
{
    [Fact]
    public void The_request_file_is_type_tin_name_account_lines_in_ascii_with_crlf()
    {
        var bytes = TinMatching.WriteRequest([new(2, "123456789", "JOSE NUNEZ", "17"), new(1, "123456789", "ACME & CO", "18")]);
        Assert.Equal("2;123456789;JOSE NUNEZ;17\r\n1;123456789;ACME & CO;18\r\n", Encoding.ASCII.GetString(bytes));
        Assert.Equal("Jose Nunez-Garcia", TinMatching.IrsName("José Núñez-García"));
        Assert.Equal("OBrien & Sons Ltd", TinMatching.IrsName("O'Brien & Sons, Ltd."));
        Assert.Equal(40, TinMatching.IrsName(new string('A', 60)).Length);
    }

    [Fact]
    public async Task Results_mark_w9s_matched_or_invalid_and_report_the_lines_left_alone()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var ada = await t.AffiliateAsync("Ada Lovelace");
        await t.W9Async(ada, "123-45-6789", "Ada Lovelace");
        var bob = await t.AffiliateAsync("Bob Builder");
        await t.RecordFormAsync(bob, TaxSetup.Paper("w9", TaxSetup.W9Fields("98-7654321", "Bob's Builds LLC", "ein", "c_corporation"), "Bob Builder"));
        var carla = await t.AffiliateAsync("Carla");
        await t.W9Async(carla, "234-56-7890", "Carla Diaz");
        var hanna = await t.AffiliateAsync("Hanna");
        await t.RecordFormAsync(hanna, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt"));

        var request = Encoding.ASCII.GetString(await t.Http.GetByteArrayAsync("/v1/tax/tin-matching"));
        Assert.Equal($"2;123456789;Ada Lovelace;{ada}\r\n1;987654321;Bobs Builds LLC;{bob}\r\n2;234567890;Carla Diaz;{carla}\r\n", request);

        var results = $"2;123456789;Ada Lovelace;{ada};0\r\n1;987654321;Bobs Builds LLC;{bob};3\r\n2;234567890;Carla Diaz;{carla};5\r\nnot a line\r\n";
        var answer = await Api.ExpectAsync(await t.Http.PostAsync("/v1/tax/tin-matching/results", new StringContent(results, Encoding.ASCII, "text/plain")), 200);
        var data = answer["data"]!;
        Assert.Equal(1, data["matched"]!.GetValue<int>());
        Assert.Equal(1, data["mismatched"]!.GetValue<int>());
        Assert.Equal([3, 4], data["not_processed"]!.AsArray().Select(p => p!["line"]!.GetValue<int>()));
        Assert.DoesNotContain("234567890", answer.ToJsonString());

        Assert.Equal("valid", (await t.GetAsync($"/v1/affiliates/{ada}"))["data"]!["tax_form_status"]!.GetValue<string>());
        Assert.Equal("matched", (await t.GetAsync($"/v1/affiliates/{ada}/tax-forms"))["data"]![0]!["tin_match"]!.GetValue<string>());
        Assert.Equal("invalid", (await t.GetAsync($"/v1/affiliates/{bob}"))["data"]!["tax_form_status"]!.GetValue<string>());
        Assert.Contains("do not match", (await t.GetAsync($"/v1/affiliates/{bob}/tax-forms"))["data"]![0]!["invalid_reason"]!.GetValue<string>());
        Assert.Equal("valid", (await t.GetAsync($"/v1/affiliates/{carla}"))["data"]!["tax_form_status"]!.GetValue<string>());

        // An invalid form holds the affiliate's payouts like a missing one.
        await t.CommissionAsync(bob, 90m);
        var payout = await t.PayoutAsync(bob);
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/processing", new { }), 409, "TAX_FORM_REQUIRED");
    }
}
