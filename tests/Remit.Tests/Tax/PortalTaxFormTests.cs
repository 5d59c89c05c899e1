using System.Net;
using Remit.Tests.Infrastructure;
using Remit.Tests.Portal;
using UglyToad.PdfPig;

namespace Remit.Tests.Tax;

/// <summary>/portal/tax-form: the affiliate fills and signs their own form; errors come back next to the fields.</summary>
public sealed class PortalTaxFormTests
{
    private static Dictionary<string, string> W9(string tin) => new()
    {
        ["form"] = "w9", ["name"] = "山田 太郎", ["tax_classification"] = "individual", ["address"] = "1 Main St",
        ["city_state_zip"] = "Springfield, IL 62701", ["tin_type"] = "ssn", ["tin"] = tin, ["signer_name"] = "山田 太郎",
        ["affirm"] = "true",
    };

    [Fact]
    public async Task An_affiliate_signs_a_w9_after_a_field_error_and_downloads_the_signed_pdf()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var affiliate = await t.AffiliateAsync("Taro Yamada");
        var (_, payout) = (affiliate, await PayoutForAsync(t, affiliate));
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);

        var page = await PortalHttp.PageAsync(http, "/portal/tax-form?form=w9");
        Assert.Contains("Your payouts are held until a valid tax form is on file.", page);
        Assert.Contains("Under penalties of perjury, I certify that:", page);
        Assert.DoesNotContain("name=\"llc_classification\"", page); // a part that does not apply is not shown

        var refused = await PortalHttp.PostFormAsync(http, "/portal/tax-form/sign", W9("666-12-3456"), "/portal/tax-form?form=w9");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"f_tin_error\"", html);
        Assert.Contains("666", html); // what they typed is kept so they can correct it
        Assert.Equal("missing", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());

        // A valid TIN refused with another field is not echoed back: the affiliate types it again.
        var unsigned = W9("212-45-6781");
        unsigned["signer_name"] = "";
        refused = await PortalHttp.PostFormAsync(http, "/portal/tax-form/sign", unsigned, "/portal/tax-form?form=w9");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("id=\"signer_name_error\"", html);
        Assert.DoesNotContain("212-45-6781", html);
        Assert.DoesNotContain("212456781", html);
        Assert.Contains("Type it again: it is not shown back on the page.", html);

        var signed = await PortalHttp.PostFormAsync(http, "/portal/tax-form/sign", W9("123-45-6789"), "/portal/tax-form?form=w9");
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        Assert.Equal("valid", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
        var after = WebUtility.HtmlDecode(await PortalHttp.PageAsync(http, "/portal/tax-form"));
        Assert.Contains("•••-••-6789", after);
        Assert.DoesNotContain("123-45-6789", after);

        var pdf = await http.GetAsync("/portal/tax-form/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("山田", text);
        Assert.Contains("123-45-6789", text);
        Assert.Contains("Electronic signature", text);

        // The held payout can move now.
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());
        var form = (await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]![0]!;
        Assert.Equal("electronic", form["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forged_post_without_the_antiforgery_token_signs_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var affiliate = await t.AffiliateAsync();
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);
        var forged = await http.PostAsync("/portal/tax-form/sign", new FormUrlEncodedContent(W9("123-45-6789")));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("missing", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>());
    }

    private static async Task<long> PayoutForAsync(Tenant t, long affiliate)
    {
        await t.CommissionAsync(affiliate, 75m);
        return await t.PayoutAsync(affiliate);
    }
}
