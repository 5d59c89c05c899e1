using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Remit.Tests.Dashboard;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Portal;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// In Chromium, issue 8's whole path: the merchant copies an affiliate's sign-in link; the affiliate, on a phone,
/// signs in, sets bank details, signs a W-9 after a field error and downloads it; the merchant sees the payout no
/// longer held for the tax form, confirms the new details and pays it. Every portal page is photographed at both sizes.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class PortalBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_affiliate_gives_bank_details_and_a_w9_on_a_phone_and_the_merchant_pays_the_held_payout()
    {
        await using var site = await Site.StartAsync(browser);
        await using (var db = site.App.Db())
            await db.Programs.Where(p => p.Id == site.Demo.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Plan, "standard"));
        var api = site.Api;
        await Api.ExpectAsync(await api.PutAsJsonAsync("/v1/settings/tax", new { require_tax_form = true }), 200);
        var email = $"{Guid.NewGuid():N}@example.com";
        var affiliate = (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/affiliates", new
        {
            name = "Grace Hopper", email, country = "US", payout_method = "paypal", paypal_email = email,
        }), 201))["data"]!["id"]!.GetValue<long>();
        await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/commissions", new { affiliate_id = affiliate, amount = 321.50m, description = "Sale" }), 201);
        var payout = (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 201))["data"]!["id"]!.GetValue<long>();

        // The merchant: the payout is held for the missing form; "Copy sign-in link" shows the link.
        var page = site.Page;
        await site.SignInAsync();
        await page.GotoAsync($"/payouts?q={Uri.EscapeDataString(email)}");
        await Expect(page.Locator($"tr[data-payout='{payout}'] [data-held]")).ToHaveTextAsync("held: tax form missing");
        await page.GotoAsync($"/affiliates/{affiliate}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy sign-in link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sign-in link made");
        var link = await page.Locator("[data-portal-link]").InputValueAsync();
        Assert.Contains("/portal/sign-in/", link);

        // The affiliate, in their own browser on a phone.
        await using var phone = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.BaseUrl, ViewportSize = new ViewportSize { Width = Site.Phone.Width, Height = Site.Phone.Height },
            AcceptDownloads = true, Locale = "en-US",
        });
        phone.SetDefaultTimeout(30_000);
        var portal = await phone.NewPageAsync();
        await portal.GotoAsync(link);
        await Expect(portal.Locator("h1")).ToHaveTextAsync("Sign in to your affiliate account");
        await ShootAsync(portal, "sign-in");
        await portal.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await portal.WaitForURLAsync("**/portal");
        await Expect(portal.Locator("header .who")).ToHaveTextAsync("Grace Hopper");
        await ShootAsync(portal, "overview");

        await portal.GotoAsync("/portal/payout-details");
        await Expect(portal.Locator("[data-method]")).ToHaveTextAsync("PayPal");
        await portal.Locator("input[name='payout_method'][value='bank']").CheckAsync();
        await portal.Locator("[id='bank.holder_name']").FillAsync("Grace Hopper");
        await portal.Locator("[id='bank.routing_number']").FillAsync("021000021");
        await portal.Locator("[id='bank.account_number']").FillAsync("000123456789");
        await portal.GetByRole(AriaRole.Button, new() { Name = "Save payout details" }).ClickAsync();
        await Expect(portal.Locator("[data-unconfirmed]")).ToContainTextAsync("confirms new payout details before any money is sent");
        await Expect(portal.Locator("[data-destination]")).ToContainTextAsync("6789");
        await ShootAsync(portal, "payout-details");

        await portal.GotoAsync("/portal/tax-form?form=w9");
        await Expect(portal.GetByTestId("tax-held")).ToHaveTextAsync("Your payouts are held until a valid tax form is on file.");
        await portal.Locator("#f_name").FillAsync("Grace Hopper");
        await portal.Locator("#f_tax_classification").SelectOptionAsync("individual");
        await portal.Locator("#f_address").FillAsync("1 Navy Yard");
        await portal.Locator("#f_city_state_zip").FillAsync("Arlington, VA 22202");
        await portal.Locator("#f_tin_type").SelectOptionAsync("ssn");
        await portal.Locator("#f_tin").FillAsync("666-12-3456"); // no SSN starts with 666
        await portal.Locator("#signer_name").FillAsync("Grace Hopper");
        await portal.Locator("input[name='affirm']").CheckAsync();
        await portal.GetByRole(AriaRole.Button, new() { Name = "Sign W-9" }).ClickAsync();
        await Expect(portal.Locator("#f_tin_error")).ToBeVisibleAsync();
        await Expect(portal.Locator("#f_tin")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(portal.GetByRole(AriaRole.Alert)).ToContainTextAsync("nothing was signed");
        await Expect(portal.Locator("#f_name")).ToHaveValueAsync("Grace Hopper");
        await ShootAsync(portal, "tax-form-error");

        await portal.Locator("#f_tin").FillAsync("123-45-6789");
        await portal.Locator("#signer_name").FillAsync("Grace Hopper");
        await portal.Locator("input[name='affirm']").CheckAsync();
        await portal.GetByRole(AriaRole.Button, new() { Name = "Sign W-9" }).ClickAsync();
        var status = portal.GetByTestId("tax-status");
        await Expect(status.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "valid");
        await Expect(status).ToContainTextAsync("•••-••-6789");
        await Expect(portal.GetByTestId("tax-held")).ToHaveCountAsync(0);
        await ShootAsync(portal, "tax-form");

        var download = await portal.RunAndWaitForDownloadAsync(() => portal.GetByTestId("tax-pdf").ClickAsync());
        Assert.EndsWith(".pdf", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
        using (var pdf = PdfDocument.Open(bytes))
        {
            var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("Grace", text);
            Assert.Contains("Hopper", text);
        }

        await portal.GotoAsync("/portal/payouts");
        await Expect(portal.Locator($"a[href='/portal/payouts/{payout}']").First).ToBeVisibleAsync();
        await ShootAsync(portal, "payouts");
        await portal.GotoAsync($"/portal/payouts/{payout}");
        await Expect(portal.Locator("main")).ToContainTextAsync("321.50");
        await ShootAsync(portal, "payout");
        await portal.GotoAsync("/portal/request");
        await ShootAsync(portal, "request");
        await portal.GotoAsync("/portal/tax-documents");
        await ShootAsync(portal, "tax-documents");

        // The merchant: no longer held for the form; confirms the new details; pays.
        await page.GotoAsync($"/payouts?q={Uri.EscapeDataString(email)}");
        await Expect(page.Locator($"tr[data-payout='{payout}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-payout='{payout}'] [data-held]")).ToHaveCountAsync(0);
        await page.GotoAsync($"/affiliates/{affiliate}");
        var unconfirmed = page.Locator("[data-unconfirmed-details]");
        await Expect(unconfirmed).ToContainTextAsync("Payout details changed by the affiliate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm new payout details" }).ClickAsync();
        await Expect(unconfirmed).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-method]")).ToHaveTextAsync("Bank (ACH)");
        await Expect(page.Locator("[data-bank]")).ToContainTextAsync("ending 6789");

        await page.GotoAsync($"/payouts/{payout}");
        await page.Locator("#reference").FillAsync("PP-7781");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator("[data-payout-status]")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("[data-reference]")).ToHaveTextAsync("PP-7781");
        Assert.Equal("completed", (await Api.ExpectAsync(await api.GetAsync($"/v1/payouts/{payout}"), 200))["data"]!["status"]!.GetValue<string>());

        // The affiliate sees it paid.
        await portal.GotoAsync($"/portal/payouts/{payout}");
        await Expect(portal.Locator("main")).ToContainTextAsync("Completed");
    }

    /// <summary>
    /// A full-page screenshot at the phone size and at the laptop size (test-output/screenshots/portal-{name}-{width}.png),
    /// with no horizontal scrolling at either: a phone user must never have to pan sideways.
    /// </summary>
    private static async Task ShootAsync(IPage page, string name)
    {
        var dir = Path.Combine(Site.RepoRoot(), "test-output", "screenshots");
        Directory.CreateDirectory(dir);
        foreach (var (width, height) in new[] { Site.Phone, Site.Laptop })
        {
            await page.SetViewportSizeAsync(width, height);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{page.Url} scrolls sideways by {overflow}px at {width}px");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"portal-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Site.Phone.Width, Site.Phone.Height);
    }
}
