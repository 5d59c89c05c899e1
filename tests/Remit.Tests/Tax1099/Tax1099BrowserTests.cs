using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Remit.Tests.Dashboard;
using Remit.Tests.Infrastructure;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Tax1099;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// In Chromium: the merchant of a custom program opens last year's 1099-NEC page, sees what is missing and downloads
/// the IRIS files and the Copy B package; the affiliate signs in to the portal and downloads their Copy B.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class Tax1099BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_merchant_downloads_the_years_package_and_the_affiliate_finds_copy_b_in_the_portal()
    {
        await using var site = await Site.StartAsync(browser);
        await using (var db = site.App.Db())
            await db.Programs.Where(p => p.Id == site.Demo.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Plan, "custom"));
        var api = site.Api;
        await Api.ExpectAsync(await api.PutAsJsonAsync("/v1/settings/tax", new
        {
            payer_name = "Demo Merchant Inc", payer_tin = "12-1234567",
            payer_address = new { line1 = "500 Market St", city = "San Francisco", state = "CA", zip = "94105" },
            payer_phone = "415-555-0100", contact_email = "tax@demo.example", iris_tcc = "A1B2C",
        }), 200);

        // Paid in 2025: one payee at or above the threshold (a return), one below it.
        site.App.Clock.AdjustTime(new DateTimeOffset(2025, 11, 3, 15, 0, 0, TimeSpan.Zero));
        var ada = await PaidAsync(api, "Ada Lovelace", "123-45-6789", 2_450m);
        var small = await PaidAsync(api, "Charles Babbage", "234-56-7890", 120m);
        site.App.Clock.AdjustTime(TestApp.Start);

        var page = site.Page;
        await site.SignInAsync();
        await page.GotoAsync("/tax/1099-nec");
        await Expect(page.Locator("h1")).ToHaveTextAsync("1099-NEC · tax year 2025");
        await Expect(page.Locator("[data-threshold]")).ToHaveTextAsync("600.00 USD");
        await Expect(page.Locator($"tr[data-affiliate='{ada}']")).ToHaveAttributeAsync("data-status", "ready");
        await Expect(page.Locator($"tr[data-affiliate='{small}']")).ToHaveAttributeAsync("data-status", "below_threshold");
        await Expect(page.Locator("[data-missing='file']")).ToContainTextAsync("1 return(s) ready to file");
        await site.ScreenshotAsync("tax-1099-nec");

        var csvDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download='csv']").ClickAsync());
        Assert.Equal("iris-1099-nec-2025.csv", csvDownload.SuggestedFilename);
        var csv = Rfc4180.Parse(await File.ReadAllTextAsync((await csvDownload.PathAsync())!, Encoding.UTF8));
        Assert.Equal("Form Type", csv[0][0]);
        var row = Assert.Single(csv.Skip(1));
        Assert.Equal("2450.00", row[Array.IndexOf(csv[0], "Box 1 - Nonemployee Compensation")]);
        Assert.Equal("Lovelace", row[Array.IndexOf(csv[0], "Recipient Last Name (Surname)")]);

        var xmlDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download='xml']").ClickAsync());
        Assert.Equal("iris-1099-nec-2025.xml", xmlDownload.SuggestedFilename);
        Assert.Contains("urn:us:gov:treasury:irs:ir", await File.ReadAllTextAsync((await xmlDownload.PathAsync())!));
        var copies = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download='copy-b']").ClickAsync());
        Assert.Equal("1099-nec-2025-copy-b.zip", copies.SuggestedFilename);

        await page.GetByLabel("IRS receipt id").FillAsync("2025-00077777");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark filed" }).ClickAsync();
        await Expect(page.Locator($"tr[data-affiliate='{ada}']")).ToHaveAttributeAsync("data-status", "filed");
        await site.ScreenshotAsync("tax-1099-nec-filed");

        // The affiliate: a sign-in link from the merchant, the portal's tax documents, their Copy B.
        var link = (await Api.ExpectAsync(await api.PostAsync($"/v1/affiliates/{ada}/portal-link", null), 201))["data"]!["url"]!.GetValue<string>();
        var portal = await site.Context.NewPageAsync();
        await portal.SetViewportSizeAsync(Site.Phone.Width, Site.Phone.Height);
        await portal.GotoAsync(link);
        await portal.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await portal.WaitForURLAsync("**/portal");
        await portal.GotoAsync("/portal/tax-documents");
        var entry = portal.Locator("li[data-year='2025']");
        await Expect(entry).ToContainTextAsync("2,450.00");
        await portal.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Site.RepoRoot(), "test-output", "screenshots", "portal-tax-documents-390x844.png"), FullPage = true });
        var copyB = await portal.RunAndWaitForDownloadAsync(() => entry.GetByRole(AriaRole.Link).ClickAsync());
        Assert.Equal("1099-nec-2025-copy-b.pdf", copyB.SuggestedFilename);
        using var pdf = PdfDocument.Open(await File.ReadAllBytesAsync((await copyB.PathAsync())!));
        var text = pdf.GetPage(1).Text;
        Assert.Contains("Ada Lovelace", text);
        Assert.Contains("2450.00", text);
        Assert.DoesNotContain("123-45", text);
    }

    private static async Task<long> PaidAsync(HttpClient api, string name, string tin, decimal amount)
    {
        var affiliate = (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/affiliates", new
        {
            name, email = $"{Guid.NewGuid():N}@example.com", country = "US", payout_method = "bank",
        }), 201))["data"]!["id"]!.GetValue<long>();
        await Api.ExpectAsync(await api.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", Payments.PaymentsSetup.Bank(name: name)), 200);
        await Api.ExpectAsync(await api.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms", Tax1099ApiTests.W9(name, tin: tin)), 201);
        await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/commissions", new { affiliate_id = affiliate, amount, description = "Sale" }), 201);
        var payout = (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 201))["data"]!["id"]!.GetValue<long>();
        await Api.ExpectAsync(await api.PostAsJsonAsync($"/v1/payouts/{payout}/complete", new { reference = "ACH" }), 200);
        return affiliate;
    }
}
