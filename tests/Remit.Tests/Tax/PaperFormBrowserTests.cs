using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Remit.Programs;
using Remit.Tests.Dashboard;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>The dashboard's paper tax form page in a phone-sized Chromium: the error beside its line, no sideways scroll.</summary>
[Collection(BrowserFixture.Collection)]
public sealed class PaperFormBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_paper_form_page_fits_a_phone_and_shows_a_bad_TIN_next_to_its_line()
    {
        await using var site = await Site.StartAsync(browser, Site.Phone);
        await using (var db = site.App.Db())
            await db.Programs.Where(p => p.Id == site.Demo.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Plan, Plans.Standard));
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/affiliates/4");
        await page.GetByRole(AriaRole.Link, new() { Name = "Tax forms · record a paper form" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "W-9", Exact = true }).ClickAsync();
        await page.Locator("#f_name").FillAsync("Dmitry Ivanov");
        await page.Locator("#f_tax_classification").SelectOptionAsync("individual");
        await page.Locator("#f_address").FillAsync("1 Main St");
        await page.Locator("#f_city_state_zip").FillAsync("Springfield, IL 62701");
        await page.Locator("#f_tin_type").SelectOptionAsync("ssn");
        await page.Locator("#f_tin").FillAsync(PaperFormPageTests.BadTin);
        await page.GetByLabel("Name of the signer").FillAsync("Dmitry Ivanov");
        await page.GetByLabel("Signed at (UTC)").FillAsync("2026-03-01T10:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record W-9" }).ClickAsync();

        await Expect(page.Locator("[data-error-for='tin']")).ToBeVisibleAsync();
        await Expect(page.Locator("#f_tin")).ToHaveValueAsync("");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        await site.ScreenshotAsync("dashboard-paper-tax-form");
        Assert.Empty((await Api.GetAsync(site.Api, "/v1/affiliates/4/tax-forms"))["data"]!.AsArray());
    }
}
