using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Remit.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Two-person approval in the dashboard: the threshold set in Settings, a batch over it refused to the admin who
/// made it, approved by a second admin, then paid; the batch's audit trail names both.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class ApprovalPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_batch_over_the_threshold_needs_a_second_admin_before_it_can_be_paid()
    {
        await using var site = await Site.StartAsync(browser);
        var second = await site.UserAsync("admin");
        await site.SignInAsync();
        var page = site.Page;

        await page.GotoAsync("/settings");
        await page.GetByLabel("Two-person approval from (USD)").FillAsync("200");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("Payout settings saved");
        Assert.Equal("200.00", Api.Raw((await Api.GetAsync(site.Api, "/v1/settings/payouts"))["data"]!["approval_threshold"]));

        // Payout 43 (250.00, bank) becomes a batch: over the threshold.
        await page.GotoAsync("/payouts?status=pending");
        await page.GetByLabel("Select payout 43", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Batch method", new() { Exact = true }).SelectOptionAsync("bank");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create batch", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/batches/\\d+$"));
        var batchPath = new Uri(page.Url).AbsolutePath;
        await Expect(page.Locator("[data-approval]")).ToContainTextAsync("Waiting for a second person");
        await Expect(page.Locator("[data-own-batch]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve batch" })).ToBeDisabledAsync();

        // The one who made it cannot pay it: marking it paid is refused and nothing moves.
        await page.GetByLabel("Reference").FillAsync("BANK-CONF-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("approval threshold");
        await Expect(page.Locator("tr[data-payout='43']")).ToHaveAttributeAsync("data-status", "processing");
        // Nor download its file.
        await page.GotoAsync(batchPath + "?handler=File");
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("approval threshold");

        // A second admin approves it; then it can be paid.
        await site.Context.ClearCookiesAsync();
        await site.SignInAsync(second.Email, second.Password);
        await page.GotoAsync(batchPath);
        await Expect(page.Locator("[data-own-batch]")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve batch" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("approved");
        await Expect(page.Locator("[data-approval]")).ToContainTextAsync($"Approved by {second.Email}");
        await page.GetByLabel("Reference").FillAsync("BANK-CONF-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("marked paid");
        await Expect(page.Locator("tr[data-payout='43']")).ToHaveAttributeAsync("data-status", "completed");

        await Expect(page.Locator("[data-trail] [data-action='batch.created']")).ToContainTextAsync(site.Demo.Email);
        await Expect(page.Locator("[data-trail] [data-action='batch.approved']")).ToContainTextAsync(second.Email);
        await Expect(page.Locator("[data-trail] [data-action='batch.completed']")).ToContainTextAsync(second.Email);
    }
}
