using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Remit.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>Tax forms through the API: recording a paper form, the list, the PDF, superseding, the plan rule.</summary>
public sealed class TaxFormsApiTests
{
    [Fact]
    public async Task A_paper_W9_is_listed_masked_and_its_pdf_carries_every_line_and_the_certification()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard", name: "Acme Affiliates");
        var affiliate = await t.AffiliateAsync("Ada Lovelace");

        var created = (await t.W9Async(affiliate, "123-45-6789"))["data"]!;
        Assert.Equal("w9", created["form"]!.GetValue<string>());
        Assert.Equal("valid", created["status"]!.GetValue<string>());
        Assert.Equal("6789", created["tin_last4"]!.GetValue<string>());
        Assert.Equal("•••-••-6789", created["tin_masked"]!.GetValue<string>());
        Assert.Null(created["expires_at"]);
        Assert.Equal("2026-03-01T10:00:00Z", created["signed_at"]!.GetValue<string>());

        var list = await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms");
        var form = Assert.Single(list["data"]!.AsArray())!;
        Assert.Equal(created["id"]!.GetValue<long>(), form["id"]!.GetValue<long>());
        Assert.Equal("Ada Lovelace", form["signer_name"]!.GetValue<string>());
        Assert.DoesNotContain("123456789", list.ToJsonString());
        Assert.DoesNotContain("123-45-6789", list.ToJsonString());
        Assert.Equal("valid", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());

        var response = await t.Http.GetAsync($"/v1/tax-forms/{form["id"]}/pdf");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Form W-9", text);
        Assert.Contains("Rev. March 2024", text);
        Assert.Contains("123-45-6789", text);
        Assert.Contains("Individual/sole proprietor", text);
        Assert.Contains("Springfield, IL 62701", text);
        Assert.Contains("Acme Affiliates", text);
        Assert.Contains("Under penalties of perjury, I certify that:", text);
        Assert.Contains("I am a U.S. citizen or other U.S. person (defined below); and", text);
        Assert.Contains("SHA-256", text);
    }

    [Fact]
    public async Task A_new_form_supersedes_the_one_on_file_which_is_kept_unchanged()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var affiliate = await t.AffiliateAsync();
        var first = (await t.W9Async(affiliate, "123-45-6789"))["data"]!["id"]!.GetValue<long>();
        app.Clock.Advance(TimeSpan.FromDays(1));
        var second = (await t.RecordFormAsync(affiliate, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt", "2026-03-15T09:00:00Z")))["data"]!;
        Assert.Equal("2029-12-31", second["expires_at"]!.GetValue<string>());

        var list = (await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]!.AsArray();
        Assert.Equal([second["id"]!.GetValue<long>(), first], list.Select(f => f!["id"]!.GetValue<long>()));
        Assert.Equal(["valid", "superseded"], list.Select(f => f!["status"]!.GetValue<string>()));
        Assert.Equal("6789", list[1]!["tin_last4"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", list[1]!["signer_name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("basic")]
    public async Task Plans_without_forms_answer_422_naming_the_plan(string plan)
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(plan);
        var affiliate = await t.AffiliateAsync();

        foreach (var response in new[]
        {
            await t.Http.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"),
            await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms", TaxSetup.Paper("w9", TaxSetup.W9Fields())),
            await t.Http.GetAsync("/v1/settings/tax"),
            await t.Http.PutAsJsonAsync("/v1/settings/tax", new { payer_name = "Acme" }),
            await t.Http.GetAsync("/v1/tax/tin-matching"),
        })
        {
            var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
            Assert.Contains($"The {plan} plan", error["message"]!.GetValue<string>());
        }
        Assert.Equal("not_required", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_line_is_named_and_nothing_is_stored()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var affiliate = await t.AffiliateAsync();

        var badTin = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms",
            TaxSetup.Paper("w9", TaxSetup.W9Fields("666-12-3456"))), 422, "VALIDATION_ERROR");
        Assert.Equal("fields.tin", badTin["details"]![0]!["field"]!.GetValue<string>());
        Assert.DoesNotContain("666-12-3456", badTin.ToJsonString());
        Assert.DoesNotContain("666123456", badTin.ToJsonString());

        var dateOnly = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms",
            TaxSetup.Paper("w9", TaxSetup.W9Fields(), signedAt: "2026-03-01")), 422, "VALIDATION_ERROR");
        Assert.Equal("signed_at", dateOnly["details"]![0]!["field"]!.GetValue<string>());

        var entityWithSsn = TaxSetup.W9Fields(classification: "c_corporation");
        var entity = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms",
            TaxSetup.Paper("w9", entityWithSsn)), 422, "VALIDATION_ERROR");
        Assert.Equal("fields.tin_type", entity["details"]![0]!["field"]!.GetValue<string>());

        var llc = TaxSetup.W9Fields(TaxSetup.Ein, type: "ein", classification: "llc");
        var noLlcClass = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms",
            TaxSetup.Paper("w9", llc)), 422, "VALIDATION_ERROR");
        Assert.Equal("fields.llc_classification", noLlcClass["details"]![0]!["field"]!.GetValue<string>());

        var unknown = TaxSetup.W9Fields();
        unknown["shoe_size"] = "9";
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms", TaxSetup.Paper("w9", unknown)), 422, "VALIDATION_ERROR");

        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/affiliates/999999/tax-forms", TaxSetup.Paper("w9", TaxSetup.W9Fields())), 404, "NOT_FOUND");
        Assert.Empty((await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]!.AsArray());
        Assert.Equal("missing", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tax_settings_mask_the_payer_ein_and_check_each_field()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var initial = (await t.GetAsync("/v1/settings/tax"))["data"]!;
        Assert.True(initial["require_tax_form"]!.GetValue<bool>());
        Assert.False(initial["include_paypal_in_1099"]!.GetValue<bool>());
        Assert.False(initial["payer_complete"]!.GetValue<bool>());

        await t.SetTaxAsync(new
        {
            payer_name = "Acme Affiliates Inc", payer_tin = "12-3456789", payer_phone = "(555) 010-0199", contact_email = "tax@acme.example",
            iris_tcc = "DG5BW", payer_address = new { line1 = "1 Market St", city = "San Francisco", state = "CA", zip = "94105" },
            include_paypal_in_1099 = true,
        });
        var saved = await t.Http.GetStringAsync("/v1/settings/tax");
        Assert.DoesNotContain("123456789", saved);
        Assert.DoesNotContain("12-3456789", saved);
        var data = JsonNode.Parse(saved)!["data"]!;
        Assert.Equal("••-•••6789", data["payer_tin"]!.GetValue<string>());
        Assert.Equal("CA", data["payer_address"]!["state"]!.GetValue<string>());
        Assert.True(data["payer_complete"]!.GetValue<bool>());
        Assert.True(data["include_paypal_in_1099"]!.GetValue<bool>());

        var bad = await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", new { payer_tin = "07-1234567", payer_address = new { state = "XX" } }), 422, "VALIDATION_ERROR");
        Assert.Equal(["payer_address.state", "payer_tin"], bad["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()).Order());
        Assert.Equal("••-•••6789", (await t.GetAsync("/v1/settings/tax"))["data"]!["payer_tin"]!.GetValue<string>());
    }
}
