using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

/// <summary>
/// Every screen (payouts, a payout, settings, batches, affiliates, an affiliate, commissions, requests) at a laptop's and a phone's width, written to
/// test-output/screenshots/ for a person to look at; and at both widths nothing is wider than the screen.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class ScreenshotTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string, int, int> Widths => new() { { "laptop", 1366, 768 }, { "phone", 390, 844 } };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Pages_fit_the_screen_and_are_captured(string name, int width, int height)
    {
        await using var site = await Site.StartAsync(browser, (width, height));
        await site.SignInAsync();
        var page = site.Page;
        var batch = await Remit.Tests.Infrastructure.Api.ExpectAsync(await site.Api.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = new[] { 43 } }), 201);
        var batchId = batch["data"]!["id"]!.GetValue<long>();
        foreach (var (path, file) in new[] { ("/payouts", "payouts"), ("/payouts/42", "payout"), ("/settings", "settings"),
            ($"/batches/{batchId}", "batch"), ("/batches", "batches"), ("/affiliates/8", "affiliate"), ("/affiliates", "affiliates"),
            ("/commissions", "commissions"), ("/requests", "requests"), ("/payouts?completed_from=2026-03-01&status=completed", "payouts-completed") })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            var widest = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).join(' | ')");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than the {name} screen: {widest}");
            await site.ScreenshotAsync(file);
        }
    }
}
