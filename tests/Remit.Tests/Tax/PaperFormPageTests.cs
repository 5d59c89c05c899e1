using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Dashboard;
using Remit.Tests.Infrastructure;
using Remit.Tests.Portal;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// A paper W-9/W-8 recorded from the affiliate's dashboard page (the API's TaxForms.SubmitAsync), and a new legal name
/// invalidating the form on file, through the API, the dashboard and what the portal shows.
/// </summary>
public sealed partial class PaperFormPageTests
{
    public const string BadTin = "666-12-3456";

    private static Dictionary<string, string> W9(string tin, string name = "Ada Lovelace") => new()
    {
        ["form"] = "w9", ["name"] = name, ["tax_classification"] = "individual", ["address"] = "1 Main St",
        ["city_state_zip"] = "Springfield, IL 62701", ["tin_type"] = "ssn", ["tin"] = tin, ["signer_name"] = name, ["signed_at"] = "2026-03-01T10:00",
    };

    private static async Task<string> StatusAsync(Tenant t, long affiliate) =>
        (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["tax_form_status"]!.GetValue<string>();

    [Fact]
    public async Task An_admin_records_a_paper_W9_on_the_affiliate_page_a_bad_TIN_changes_nothing_and_a_viewer_is_refused()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var affiliate = await t.AffiliateAsync("Ada Lovelace");
        await t.CommissionAsync(affiliate, 80m);
        var payout = await t.PayoutAsync(affiliate);
        var admin = await DashboardHttp.SignedInAsync(app, t.ProgramId);
        var page = $"/affiliates/{affiliate}/tax-form";

        var detail = await admin.GetStringAsync($"/affiliates/{affiliate}");
        Assert.Contains($"href=\"{page}\"", detail);
        Assert.Contains("payouts held until a valid form is on file", detail);

        // The domain's TIN rule, next to the TIN line; nothing recorded, and the TIN typed is not sent back.
        var refused = await DashboardHttp.PostFormAsync(admin, $"{page}/record", $"{page}?form=w9", W9(BadTin));
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Matches("data-error-for=\"tin\">[^<]*SSN", html);
        Assert.Contains("value=\"Ada Lovelace\"", html);
        Assert.DoesNotContain(BadTin, html);
        Assert.DoesNotContain(BadTin.Replace("-", ""), html);
        Assert.Empty((await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]!.AsArray());
        Assert.Equal("missing", await StatusAsync(t, affiliate));

        var recorded = await DashboardHttp.PostFormAsync(admin, $"{page}/record", $"{page}?form=w9", W9(TaxSetup.Ssn));
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        Assert.Equal(page, recorded.Headers.Location!.OriginalString);
        var form = Assert.Single((await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]!.AsArray())!;
        Assert.Equal("paper", form["source"]!.GetValue<string>());
        Assert.Equal("6789", form["tin_last4"]!.GetValue<string>());
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc), form["signed_at"]!.GetValue<DateTime>());
        var after = await admin.GetStringAsync(page);
        Assert.Contains("recorded for Ada Lovelace", after);
        Assert.DoesNotContain("123456789", after);
        Assert.DoesNotContain(TaxSetup.Ssn, after);
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());

        // A viewer reads the forms but sees no way to record one, and a forged post is refused.
        var viewer = await DashboardHttp.SignedInAsync(app, t.ProgramId, UserRoles.Viewer);
        var viewed = await viewer.GetStringAsync($"{page}?form=w9");
        Assert.Contains("an admin records a paper form", viewed);
        Assert.DoesNotContain("data-paper-form", viewed);
        var forged = await DashboardHttp.PostFormAsync(viewer, $"{page}/record", page, W9("987-65-4321", "Forged Name"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Single((await t.GetAsync($"/v1/affiliates/{affiliate}/tax-forms"))["data"]!.AsArray());

        Assert.DoesNotContain(app.Logs, l => l.Contains("123456789", StringComparison.Ordinal) || l.Contains("666123456", StringComparison.Ordinal)
            || l.Contains(BadTin, StringComparison.Ordinal) || l.Contains(TaxSetup.Ssn, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_legal_name_invalidates_the_form_on_file_until_a_form_under_that_name_is_signed()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("standard");
        var ada = await t.AffiliateAsync("Ada Lovelace");
        await t.W9Async(ada);
        await t.CommissionAsync(ada, 50m);
        var payout = await t.PayoutAsync(ada);

        // The same name spelt differently is no new name.
        await t.Http.PatchAsJsonAsync($"/v1/affiliates/{ada}", new { name = "ada  LOVELACE" });
        Assert.Equal("valid", await StatusAsync(t, ada));

        await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/affiliates/{ada}", new { name = "Ada King" }), 200);
        Assert.Equal("invalid", await StatusAsync(t, ada));
        var form = (await t.GetAsync($"/v1/affiliates/{ada}/tax-forms"))["data"]![0]!;
        Assert.Equal("invalid", form["status"]!.GetValue<string>());
        Assert.Contains("Ada King", form["invalid_reason"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/processing", new { }), 409, "TAX_FORM_REQUIRED");

        // The merchant sees why on the affiliate's page, the affiliate in the portal.
        var admin = await DashboardHttp.SignedInAsync(app, t.ProgramId);
        Assert.Matches("data-invalid-reason>Not valid: The affiliate&#x27;s name changed to &quot;Ada King&quot;", await admin.GetStringAsync($"/affiliates/{ada}"));
        var portal = await PortalHttp.SignedInAsync(app, t, ada);
        var portalPage = await PortalHttp.PageAsync(portal, "/portal/tax-form");
        Assert.Contains("no longer valid", portalPage);
        Assert.Contains("Ada King", portalPage);

        // A rename through the dashboard's profile form does the same: one rule.
        var hanna = await t.AffiliateAsync("Hanna Schmidt");
        await t.RecordFormAsync(hanna, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt"));
        var hannaEmail = (await t.GetAsync($"/v1/affiliates/{hanna}"))["data"]!["email"]!.GetValue<string>();
        var renamed = await DashboardHttp.PostFormAsync(admin, $"/affiliates/{hanna}?handler=Profile", $"/affiliates/{hanna}",
            new() { ["name"] = "Hanna Weber", ["email"] = hannaEmail, ["country"] = "DE" });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal("invalid", await StatusAsync(t, hanna));

        // A form signed under the new name counts again.
        await t.W9Async(ada, name: "Ada King");
        Assert.Equal("valid", await StatusAsync(t, ada));
        Assert.Equal("processing", (await t.PostAsync($"/v1/payouts/{payout}/processing", new { }))["data"]!["status"]!.GetValue<string>());
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Action == "tax_form.invalidated"));
    }
}
