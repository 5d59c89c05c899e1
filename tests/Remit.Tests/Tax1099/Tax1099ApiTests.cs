using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;
using UglyToad.PdfPig;

namespace Remit.Tests.Tax1099;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// GET/POST /v1/tax/1099-nec/{year}...: the year's payees and statuses, the files, Copy B, filing and corrections.
/// One host for the class, a program per test, all in 2026 on the clock; the tests that set the clock to another
/// year keep a host of their own.
/// </summary>
public sealed class Tax1099ApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static readonly XNamespace Ir = "urn:us:gov:treasury:irs:ir";

    internal static object W9(string name = "Ada Lovelace", string classification = "individual", string tinType = "ssn", string tin = "123-45-6789",
        string? llc = null, string cityStateZip = "Austin, TX 73301") => new
    {
        form = "w9",
        fields = llc is null
            ? (object)new { name, tax_classification = classification, address = "12 Analytical Way", city_state_zip = cityStateZip, tin_type = tinType, tin }
            : new { name, tax_classification = classification, llc_classification = llc, address = "12 Analytical Way", city_state_zip = cityStateZip, tin_type = tinType, tin },
        signer_name = name,
        signed_at = "2025-01-05T10:00:00Z",
    };

    internal static async Task PayerAsync(Tenant t, bool withTcc = true) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", new JsonObject
        {
            ["payer_name"] = "Northwind Traders LLC", ["payer_tin"] = "12-1234567",
            ["payer_address"] = new JsonObject { ["line1"] = "500 Market St", ["city"] = "San Francisco", ["state"] = "CA", ["zip"] = "94105" },
            ["payer_phone"] = "415-555-0100", ["contact_email"] = "tax@northwind.example", ["iris_tcc"] = withTcc ? "A1B2C" : null,
        }), 200);

    /// <summary>A bank-paid affiliate with the W-9 given (none when null) and a completed payout of each amount, at the clock's time.</summary>
    internal static async Task<long> PaidAsync(TestApp app, Tenant t, object? w9, string method, params decimal[] amounts)
    {
        var affiliate = await t.AffiliateWithAsync(method == "bank" ? PaymentsSetup.Bank() : null);
        if (w9 is not null) await t.PostAsync($"/v1/affiliates/{affiliate}/tax-forms", w9, 201);
        foreach (var amount in amounts) await CompleteAsync(t, affiliate, amount);
        return affiliate;
    }

    internal static async Task<long> CompleteAsync(Tenant t, long affiliate, decimal amount)
    {
        await t.CommissionAsync(affiliate, amount);
        var payout = await t.PayoutAsync(affiliate);
        await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "PAID" });
        return payout;
    }

    private static JsonNode? Payee(JsonNode list, long affiliate) =>
        list["data"]!.AsArray().SingleOrDefault(p => p!["affiliate_id"]!.GetValue<long>() == affiliate);

    private static async Task<Tenant> CustomAsync(TestApp app)
    {
        var t = await app.NewProgramAsync("custom");
        await PayerAsync(t);
        return t;
    }

    [Fact]
    public async Task The_threshold_is_the_years_a_cent_below_is_below_and_2025_files_from_600()
    {
        await using var app = await TestApp.StartAsync();
        var t = await CustomAsync(app);
        app.Clock.AdjustTime(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var at600 = await PaidAsync(app, t, W9("Grace Hopper", tin: "123-45-6781"), "bank", 600m);
        app.Clock.AdjustTime(TestApp.Start);
        var below = await PaidAsync(app, t, W9("Ada Lovelace"), "bank", 1_000m, 999.99m);
        var at = await PaidAsync(app, t, W9("Alan Turing", tin: "234-56-1120"), "bank", 2_000m);

        var y2026 = await t.GetAsync("/v1/tax/1099-nec/2026");
        Assert.Equal("2000.00", Api.Raw(y2026["meta"]!["threshold"]));
        Assert.Equal("1999.99", Api.Raw(Payee(y2026, below)!["amount"]));
        Assert.Equal("below_threshold", Payee(y2026, below)!["status"]!.GetValue<string>());
        Assert.Equal("2000.00", Api.Raw(Payee(y2026, at)!["amount"]));
        Assert.Equal("ready", Payee(y2026, at)!["status"]!.GetValue<string>());
        Assert.Equal("1120", Payee(y2026, at)!["tin_last4"]!.GetValue<string>());
        Assert.Null(Payee(y2026, at600));
        Assert.DoesNotContain("234-56-1120", y2026.ToJsonString());
        Assert.DoesNotContain("234561120", y2026.ToJsonString());

        var y2025 = await t.GetAsync("/v1/tax/1099-nec/2025");
        Assert.Equal("600.00", Api.Raw(y2025["meta"]!["threshold"]));
        Assert.Equal("ready", Payee(y2025, at600)!["status"]!.GetValue<string>());
        Assert.Equal(1, y2025["meta"]!["total"]!.GetValue<int>());

        // Copy B exists for a ready payee only.
        var pdf = await t.Http.GetAsync($"/v1/tax/1099-nec/2026/copy-b/{at}");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = document.GetPage(1).Text;
            Assert.Contains("Alan Turing", text);
            Assert.Contains("2000.00", text);
            Assert.DoesNotContain("234-56", text);
        }
        await Api.ErrorAsync(await t.Http.GetAsync($"/v1/tax/1099-nec/2026/copy-b/{below}"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_return_counts_in_the_year_of_its_return_date()
    {
        await using var app = await TestApp.StartAsync();
        var t = await CustomAsync(app);
        app.Clock.AdjustTime(new DateTimeOffset(2025, 12, 15, 12, 0, 0, TimeSpan.Zero));
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank());
        await t.PostAsync($"/v1/affiliates/{affiliate}/tax-forms", W9(), 201);
        var december = await CompleteAsync(t, affiliate, 2_500m);
        app.Clock.AdjustTime(TestApp.Start);
        await CompleteAsync(t, affiliate, 3_000m);
        await t.PostAsync($"/v1/payouts/{december}/return", new { code = "R01", date = "2026-01-10" });

        var y2025 = Payee(await t.GetAsync("/v1/tax/1099-nec/2025"), affiliate)!;
        Assert.Equal("2500.00", Api.Raw(y2025["amount"]));
        Assert.Equal("ready", y2025["status"]!.GetValue<string>());
        var y2026 = Payee(await t.GetAsync("/v1/tax/1099-nec/2026"), affiliate)!;
        Assert.Equal("500.00", Api.Raw(y2026["amount"]));
        Assert.Equal("below_threshold", y2026["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PayPal_payouts_are_left_out_unless_the_program_includes_them()
    {
        var app = shared.App;
        var t = await CustomAsync(app);
        var paypal = await PaidAsync(app, t, W9(), "paypal", 3_000m);

        var excluded = await t.GetAsync("/v1/tax/1099-nec/2026");
        Assert.Null(Payee(excluded, paypal));
        Assert.Equal(0, excluded["meta"]!["total"]!.GetValue<int>());

        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", new { include_paypal_in_1099 = true }), 200);
        var included = Payee(await t.GetAsync("/v1/tax/1099-nec/2026"), paypal)!;
        Assert.Equal("3000.00", Api.Raw(included["amount"]));
        Assert.Equal("ready", included["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Corporations_and_w8_payees_are_never_listed_nor_in_a_file()
    {
        var app = shared.App;
        var t = await CustomAsync(app);
        var person = await PaidAsync(app, t, W9(), "bank", 2_500m);
        var corporation = await PaidAsync(app, t, W9("Engines Inc", "c_corporation", "ein", "12-3456789"), "bank", 9_000m);
        var sCorpLlc = await PaidAsync(app, t, W9("Engines LLC", "llc", "ein", "12-3456780", llc: "s"), "bank", 9_000m);
        var partnershipLlc = await PaidAsync(app, t, W9("Partners LLC", "llc", "ein", "12-3456781", llc: "p"), "bank", 9_000m);
        var foreign = await t.AffiliateWithAsync(PaymentsSetup.Bank());
        await t.PostAsync($"/v1/affiliates/{foreign}/tax-forms", Tax1099Forms.W8Ben(), 201);
        await CompleteAsync(t, foreign, 9_000m);

        var list = await t.GetAsync("/v1/tax/1099-nec/2026");
        Assert.Equal([person, partnershipLlc], list["data"]!.AsArray().Select(p => p!["affiliate_id"]!.GetValue<long>()).Order());
        Assert.Null(Payee(list, corporation));
        Assert.Null(Payee(list, sCorpLlc));
        Assert.Null(Payee(list, foreign));

        var csv = Rfc4180.Parse(await (await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.csv")).Content.ReadAsStringAsync());
        var account = Array.IndexOf(csv[0], "Form Account Number");
        Assert.Equal([person.ToString(CultureInfo.InvariantCulture), partnershipLlc.ToString(CultureInfo.InvariantCulture)],
            csv.Skip(1).Select(r => r[account]).Order());
        await Api.ErrorAsync(await t.Http.GetAsync($"/v1/tax/1099-nec/2026/copy-b/{foreign}"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_changed_amount_after_filing_makes_a_corrected_return_in_the_files()
    {
        var app = shared.App;
        var t = await CustomAsync(app);
        var affiliate = await PaidAsync(app, t, W9(), "bank", 2_500m);

        var xml = XDocument.Parse(await (await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.xml")).Content.ReadAsStringAsync());
        Assert.Equal("O", xml.Descendants(Ir + "TransmissionTypeCd").Single().Value);
        Assert.Equal("123456789", xml.Descendants(Ir + "RecipientDetail").Single().Element(Ir + "TIN")!.Value);
        var filed = await t.PostAsync("/v1/tax/1099-nec/2026/filed", new { receipt_id = "2026-00012345" });
        Assert.Equal([affiliate], filed["data"]!["affiliate_ids"]!.AsArray().Select(i => i!.GetValue<long>()));
        Assert.Equal("filed", Payee(await t.GetAsync("/v1/tax/1099-nec/2026"), affiliate)!["status"]!.GetValue<string>());
        // Filing again finds nothing ready.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/tax/1099-nec/2026/filed", new { receipt_id = "again" }), 422, "VALIDATION_ERROR");

        await CompleteAsync(t, affiliate, 500m);
        var changed = Payee(await t.GetAsync("/v1/tax/1099-nec/2026"), affiliate)!;
        Assert.Equal("ready", changed["status"]!.GetValue<string>());
        Assert.True(changed["correction_due"]!.GetValue<bool>());
        Assert.Equal("3000.00", Api.Raw(changed["amount"]));
        Assert.Equal("2500.00", Api.Raw(changed["filed_amount"]));

        // The originals' files have nothing left; the corrections' files hold the corrected return.
        await Api.ErrorAsync(await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.xml"), 422, "VALIDATION_ERROR");
        var correction = XDocument.Parse(await (await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.xml?kind=corrections")).Content.ReadAsStringAsync());
        Assert.Equal("C", correction.Descendants(Ir + "TransmissionTypeCd").Single().Value);
        var form = correction.Descendants(Ir + "Form1099NECDetail").Single();
        Assert.Equal("1", form.Element(Ir + "CorrectedInd")!.Value);
        Assert.Equal("3000.00", form.Element(Ir + "NonemployeeCompensationAmt")!.Value);
        Assert.Equal($"2026-00012345|1|{affiliate}", form.Descendants(Ir + "UniqueRecordId").Single().Value);
        var csv = await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.csv?kind=corrections");
        Assert.Equal("iris-1099-nec-2026-corrected.csv", csv.Content.Headers.ContentDisposition!.FileName!.Trim('"'));

        await t.PostAsync("/v1/tax/1099-nec/2026/filed", new { receipt_id = "2026-00099999", kind = "corrections" });
        var corrected = Payee(await t.GetAsync("/v1/tax/1099-nec/2026"), affiliate)!;
        Assert.Equal("corrected", corrected["status"]!.GetValue<string>());
        Assert.False(corrected["correction_due"]!.GetValue<bool>());
        Assert.Equal("2026-00099999", corrected["receipt_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Files_need_the_payer_settings_and_a_missing_one_is_named()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        await PaidAsync(app, t, W9(), "bank", 2_500m);

        var error = await Api.ErrorAsync(await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.csv"), 422, "VALIDATION_ERROR");
        var fields = error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("payer_name", fields);
        Assert.Contains("payer_tin", fields);
        Assert.Contains("payer_address.line1", fields);
        Assert.Contains("payer_phone", fields);
        Assert.Contains("payer_name", error["message"]!.GetValue<string>());

        await PayerAsync(t, withTcc: false);
        var csv = await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.csv");
        Assert.Equal(200, (int)csv.StatusCode);
        var xml = await Api.ErrorAsync(await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.xml"), 422, "VALIDATION_ERROR");
        Assert.Equal(["iris_tcc"], xml["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("basic")]
    [InlineData("standard")]
    public async Task Plans_other_than_custom_are_refused_naming_the_plan(string plan)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan);
        foreach (var url in new[] { "/v1/tax/1099-nec/2026", "/v1/tax/1099-nec/2026/iris.csv", "/v1/tax/1099-nec/2026/iris.xml", "/v1/tax/1099-nec/2026/copy-b/1" })
        {
            var error = await Api.ErrorAsync(await t.Http.GetAsync(url), 422, "VALIDATION_ERROR");
            Assert.Contains(plan, error["message"]!.GetValue<string>());
        }
        var filed = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/tax/1099-nec/2026/filed", new { receipt_id = "r" }), 422, "VALIDATION_ERROR");
        Assert.Contains(plan, filed["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payee_without_a_valid_w9_is_missing_a_form_and_kept_out_of_the_files()
    {
        var app = shared.App;
        var t = await CustomAsync(app);
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", new { require_tax_form = false }), 200);
        var missing = await PaidAsync(app, t, null, "bank", 2_500m);
        var ready = await PaidAsync(app, t, W9(), "bank", 2_500m);

        var list = await t.GetAsync("/v1/tax/1099-nec/2026");
        Assert.Equal("missing_form", Payee(list, missing)!["status"]!.GetValue<string>());
        var csv = Rfc4180.Parse(Encoding.UTF8.GetString(await (await t.Http.GetAsync("/v1/tax/1099-nec/2026/iris.csv")).Content.ReadAsByteArrayAsync()));
        Assert.Equal(ready.ToString(CultureInfo.InvariantCulture), Assert.Single(csv.Skip(1))[Array.IndexOf(csv[0], "Form Account Number")]);
        await Api.ErrorAsync(await t.Http.GetAsync("/v1/tax/1099-nec/2027"), 422, "VALIDATION_ERROR");
    }
}

internal static class Tax1099Forms
{
    /// <summary>A W-8BEN of a German individual: a foreign payee, who gets no 1099.</summary>
    public static object W8Ben() => new
    {
        form = "w8ben",
        fields = new
        {
            name = "Hans Müller", country_of_citizenship = "DE",
            permanent_address = new { line1 = "Hauptstraße 1", city = "10115 Berlin", country = "DE" },
            ftin_not_required = true, date_of_birth = "1980-04-02",
        },
        signer_name = "Hans Müller",
        signed_at = "2026-01-05T10:00:00Z",
    };
}
