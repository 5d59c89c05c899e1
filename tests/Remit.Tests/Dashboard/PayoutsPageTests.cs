using System.Text;
using Microsoft.Playwright;
using Remit.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

[Collection(BrowserFixture.Collection)]
public sealed class PayoutsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Card(IPage page, string metric) => page.Locator($"[data-metric='{metric}'] .value");

    /// <summary>"1,250.00 USD" as the API writes it: "1250.00".</summary>
    private static async Task<string> AmountAsync(ILocator card) => (await card.InnerTextAsync()).Replace(",", "").Replace(" USD", "").Trim();

    [Fact]
    public async Task The_four_metrics_are_the_seeds_and_equal_the_api_stats()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;

        await Expect(page.Locator(".sidebar")).ToContainTextAsync("Demo Merchant");
        await Expect(page.Locator(".sidebar .plan")).ToHaveTextAsync("Basic plan");
        foreach (var name in new[] { "Pending Amount", "Pending Count", "Completed This Month", "Pending Requests" })
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();

        var stats = (await Api.GetAsync(site.Api, "/v1/payouts/stats"))["data"]!;
        Assert.Equal(Api.Raw(stats["total_pending_amount"]), await AmountAsync(Card(page, "pending-amount")));
        Assert.Equal(Api.Raw(stats["total_pending_count"]), await Card(page, "pending-count").InnerTextAsync());
        Assert.Equal(Api.Raw(stats["completed_this_month"]), await AmountAsync(Card(page, "completed-this-month")));
        Assert.Equal(Api.Raw(stats["pending_requests_count"]), await Card(page, "pending-requests").InnerTextAsync());
        Assert.Equal(Api.Raw(stats["failed_count"]), await Card(page, "failed-count").InnerTextAsync());
        // And they are the seed's numbers, so the comparison above compared something.
        Assert.Equal("1250.00", await AmountAsync(Card(page, "pending-amount")));
        Assert.Equal("3400.00", await AmountAsync(Card(page, "completed-this-month")));

        // The chart: twelve months ending with this one (2026-03), this month's bar is the 3400.00 completed in it.
        var months = page.Locator("[data-chart-table] tbody tr");
        await Expect(months).ToHaveCountAsync(12);
        await Expect(months.Last).ToContainTextAsync("2026-03");
        await Expect(months.Last).ToContainTextAsync("3,400.00 USD");
        await Expect(months.First).ToContainTextAsync("2025-04");
    }

    [Fact]
    public async Task Completing_a_payout_through_the_dialog_changes_its_status_and_the_metrics()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending");
        var row = page.Locator("tr[data-payout='42']");
        await Expect(row).ToHaveAttributeAsync("data-status", "pending");
        // Only what the lifecycle table allows from pending is offered.
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Mark processing" })).ToBeVisibleAsync();
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Fail…" })).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Link, new() { Name = "Complete…" }).ClickAsync();
        var dialog = page.Locator("#complete-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("#42: 400.00 USD");
        await dialog.GetByLabel("Reference").FillAsync("TXN-12345");
        await dialog.GetByLabel("Notes").FillAsync("Paid via bank transfer");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();

        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Payout #42 is now completed.");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/payouts\\?status=pending$"));
        await Expect(page.Locator("tr[data-payout='42']")).ToHaveCountAsync(0);
        Assert.Equal("850.00", await AmountAsync(Card(page, "pending-amount")));
        Assert.Equal("4", await Card(page, "pending-count").InnerTextAsync());
        Assert.Equal("3800.00", await AmountAsync(Card(page, "completed-this-month")));

        var payout = (await Api.GetAsync(site.Api, "/v1/payouts/42"))["data"]!;
        Assert.Equal("completed", payout["status"]!.GetValue<string>());
        Assert.Equal("TXN-12345", payout["reference"]!.GetValue<string>());
        var last = payout["status_history"]!.AsArray().Last()!;
        Assert.Equal(site.Demo.Email, last["actor"]!.GetValue<string>());

        // Completed is terminal: its page offers no action any more, and shows the history with the reference.
        await page.GotoAsync("/payouts/42");
        await Expect(page.Locator("[data-payout-status]")).ToHaveTextAsync("Completed");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Actions" })).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-history] li").Last).ToContainTextAsync("reference: TXN-12345 — Paid via bank transfer");
    }

    [Fact]
    public async Task Failing_a_payout_records_the_reason()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending");
        await page.Locator("tr[data-payout='43']").GetByRole(AriaRole.Link, new() { Name = "Fail…" }).ClickAsync();
        var dialog = page.Locator("#fail-dialog");
        await dialog.GetByLabel("Reason").FillAsync("PayPal account closed");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Mark failed" }).ClickAsync();

        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Payout #43 is now failed.");
        await Expect(Card(page, "failed-count")).ToHaveTextAsync("2");
        Assert.Equal("1000.00", await AmountAsync(Card(page, "pending-amount")));
        var payout = (await Api.GetAsync(site.Api, "/v1/payouts/43"))["data"]!;
        Assert.Equal("failed", payout["status"]!.GetValue<string>());
        Assert.Equal("PayPal account closed", payout["failure_reason"]!.GetValue<string>());

        await page.GotoAsync("/payouts/43");
        await Expect(page.Locator("[data-failure-reason]")).ToHaveTextAsync("PayPal account closed");
    }

    [Fact]
    public async Task Bulk_complete_reports_each_row_and_refuses_the_one_the_lifecycle_forbids()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending,failed");
        foreach (var id in new[] { 44, 45, 37 })
            await page.GetByLabel($"Select payout {id}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Reference", new() { Exact = true }).First.FillAsync("BATCH-7");
        await page.Locator("#bulk").GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();

        var result = page.Locator("[data-bulk-result]");
        await Expect(result.Locator("[data-row-result='44']")).ToContainTextAsync("done");
        await Expect(result.Locator("[data-row-result='45']")).ToContainTextAsync("done");
        await Expect(result.Locator("[data-row-result='37']")).ToContainTextAsync("refused (INVALID_STATUS)");
        await Expect(result.Locator("[data-row-result='37']")).ToContainTextAsync("Payout 37 is failed; it cannot move to completed.");
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Marked 2 of 3 payouts completed.");

        Assert.Equal("completed", (await Api.GetAsync(site.Api, "/v1/payouts/44"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("BATCH-7", (await Api.GetAsync(site.Api, "/v1/payouts/45"))["data"]!["reference"]!.GetValue<string>());
        Assert.Equal("failed", (await Api.GetAsync(site.Api, "/v1/payouts/37"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_csv_of_the_filter_and_a_statement_download()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending&sort=amount");

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        Assert.Equal("payouts-2026-03-15.csv", csv.SuggestedFilename);
        var lines = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await csv.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,affiliate_id,affiliate_name", lines[0]);
        // The five pending payouts, smallest first, as the filter and sort on screen say.
        Assert.Equal(["46", "45", "43", "44", "42"], lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        Assert.All(lines.Skip(1), l => Assert.Contains(",pending,", l));

        await page.GotoAsync("/payouts/42");
        var statement = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download statement (PDF)" }).ClickAsync());
        Assert.Equal("statement-42.pdf", statement.SuggestedFilename);
        var pdf = await File.ReadAllBytesAsync((await statement.PathAsync())!);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4));
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        Assert.Contains("400.00", string.Join(" ", document.GetPages().Select(p => p.Text)));
    }
}
