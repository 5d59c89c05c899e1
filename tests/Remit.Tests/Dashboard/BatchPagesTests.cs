using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments.PayPal;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Paying affiliates from the dashboard on the demo (basic plan, sample ACH settings): payout details, a bank batch
/// and its NACHA file, PayPal settings and a PayPal batch sent to the fake PayPal and synced, and a viewer refused.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed partial class BatchPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Card(IPage page, string metric) => page.Locator($"[data-metric='{metric}'] .value");

    [GeneratedRegex("^/batches/(\\d+)$")]
    private static partial Regex BatchPath();

    private static long BatchId(IPage page) => long.Parse(BatchPath().Match(new Uri(page.Url).AbsolutePath).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Bank_details_are_set_in_the_form_and_an_ach_batch_downloads_its_nacha_file()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;

        // Liam (payout 43, pending, bank) gets new bank details: a wrong routing number is shown next to its field first.
        await page.GotoAsync("/affiliates");
        await page.GetByRole(AriaRole.Link, new() { Name = "Liam O'Brien" }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Liam O'Brien");
        var methods = await page.GetByLabel("Payout method").Locator("option").AllInnerTextsAsync();
        Assert.Equal(["PayPal", "Bank (ACH)"], methods); // basic: no crypto offered
        await page.GetByLabel("Payout method").SelectOptionAsync("bank");
        await page.GetByLabel("Account holder name").FillAsync("Liam O'Brien");
        await page.GetByLabel("Holder type").SelectOptionAsync("business");
        await page.GetByLabel("Routing number").FillAsync("123456789");
        await page.GetByLabel("Account number").FillAsync("7301954321");
        await page.GetByLabel("Account type").SelectOptionAsync("checking");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save payout details" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='bank.routing_number']")).ToContainTextAsync("not a valid ABA routing number");
        await Expect(page.GetByLabel("Routing number")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByLabel("Routing number").FillAsync("021000021");
        await page.GetByLabel("Account number").FillAsync("7301954321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save payout details" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("Payout details saved");
        await Expect(page.Locator("[data-bank]")).ToContainTextAsync("ending 4321");
        Assert.DoesNotContain("7301954321", await page.ContentAsync());
        var liamId = new Uri(page.Url).AbsolutePath.Split('/').Last();
        var liam = (await Api.GetAsync(site.Api, $"/v1/affiliates/{liamId}"))["data"]!;
        Assert.Equal("4321", liam["bank"]!["account_last4"]!.GetValue<string>());
        Assert.Equal("business", liam["bank"]!["holder_type"]!.GetValue<string>());

        // The bank batch from the payouts page: check payout 43, choose bank, "Create batch".
        await page.GotoAsync("/payouts?status=pending");
        await page.GetByLabel("Select payout 43", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Batch method", new() { Exact = true }).SelectOptionAsync("bank");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create batch", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/batches/\\d+$"));
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("1 Bank (ACH) payout, 250.00 USD");
        await Expect(page.Locator("tr[data-payout='43']")).ToHaveAttributeAsync("data-status", "processing");
        await Expect(page.Locator("[data-total]")).ToHaveTextAsync("250.00 USD");
        var batchId = BatchId(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download NACHA file" }).ClickAsync());
        Assert.Equal($"remit-{batchId}.ach", download.SuggestedFilename);
        var text = Encoding.ASCII.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.Equal(94, l.Length));
        Assert.Equal(0, lines.Count % 10);
        Assert.StartsWith("1", lines[0]);
        var entry = Assert.Single(lines, l => l.StartsWith('6'));
        // The payout went with the account it was made with (savings 32 at 011000015), not the one set just now.
        Assert.Equal("32", entry[1..3]);
        Assert.Equal("01100001", entry[3..11]);
        Assert.Equal("5", entry[11..12]);
        Assert.Equal("4455667788", entry[12..29].Trim());
        Assert.Equal("0000025000", entry[29..39]);
        Assert.Equal("43", entry[39..54].Trim());

        // The metrics moved: 43 is no longer pending.
        await page.GotoAsync("/payouts");
        await Expect(Card(page, "pending-amount")).ToHaveTextAsync("1,000.00 USD");

        // The bank confirmed: the batch is marked paid, its payout completed with the reference.
        await page.GotoAsync($"/batches/{batchId}");
        await page.GetByLabel("Reference").FillAsync("ACH-0315");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("marked paid");
        await Expect(page.Locator("[data-batch-status]")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("tr[data-payout='43'] [data-reference]")).ToHaveTextAsync("ACH-0315");
        await page.GotoAsync("/payouts");
        await Expect(Card(page, "completed-this-month")).ToHaveTextAsync("3,650.00 USD");
        await page.GotoAsync("/batches");
        await Expect(page.Locator($"tr[data-batch='{batchId}']")).ToContainTextAsync("250.00 USD");
    }

    [Fact]
    public async Task A_paypal_batch_is_sent_to_paypal_and_completes_after_a_sync()
    {
        await using var paypal = await FakePayPal.StartAsync();
        await using var site = await Site.StartAsync(browser, configure: a => a.Settings["Remit:PayPal:SandboxBaseUrl"] = paypal.BaseUrl.ToString());
        await site.SignInAsync();
        var page = site.Page;

        await page.GotoAsync("/settings");
        await Expect(page.GetByLabel("Client secret (not set)")).ToBeVisibleAsync();
        await page.GetByLabel("Client id").FillAsync(paypal.ClientId);
        await page.GetByLabel("Client secret (not set)").FillAsync(paypal.ClientSecret);
        await page.GetByLabel("Environment").SelectOptionAsync("sandbox");
        await page.GetByLabel("Webhook id").FillAsync(paypal.WebhookId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save PayPal settings" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("PayPal settings saved.");
        await Expect(page.GetByLabel("Client secret (set)")).ToHaveValueAsync("");
        Assert.DoesNotContain(paypal.ClientSecret, await page.ContentAsync());
        var settings = (await Api.GetAsync(site.Api, "/v1/settings/paypal"))["data"]!;
        Assert.True(settings["client_secret_set"]!.GetValue<bool>());

        // Every pending PayPal payout the filter shows: 42, 44, 45, 46 (1000.00).
        await page.GotoAsync("/payouts?status=pending&method=paypal");
        await Expect(page.GetByLabel("Method of the batch")).ToHaveValueAsync("paypal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create batch from filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/batches/\\d+$"));
        await Expect(page.Locator("[data-total]")).ToHaveTextAsync("1,000.00 USD");
        await Expect(page.Locator("tbody tr[data-payout]")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-provider-batch-id]")).ToHaveTextAsync("Not sent");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send to PayPal" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("was sent to PayPal");
        await Expect(page.Locator("[data-provider-batch-id]")).Not.ToHaveTextAsync("Not sent");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send to PayPal" })).ToHaveCountAsync(0);
        Assert.Equal(1, paypal.BatchCount);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sync with PayPal" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("synced with PayPal: Completed");
        await Expect(page.Locator("[data-batch-status]")).ToHaveTextAsync("Completed");
        foreach (var id in new[] { 42, 44, 45, 46 })
        {
            var row = page.Locator($"tr[data-payout='{id}']");
            await Expect(row).ToHaveAttributeAsync("data-status", "completed");
            var payout = (await Api.GetAsync(site.Api, $"/v1/payouts/{id}"))["data"]!;
            var reference = payout["reference"]!.GetValue<string>();
            // PayPal's transaction id for the item.
            Assert.False(string.IsNullOrEmpty(reference));
            await Expect(row.Locator("[data-reference]")).ToHaveTextAsync(reference);
        }

        await page.GotoAsync("/payouts");
        await Expect(Card(page, "pending-amount")).ToHaveTextAsync("250.00 USD");
        await Expect(Card(page, "completed-this-month")).ToHaveTextAsync("4,400.00 USD");
    }

    [Fact]
    public async Task A_viewer_sees_no_batch_actions_and_a_forged_post_is_refused()
    {
        await using var site = await Site.StartAsync(browser);
        var created = await Api.ExpectAsync(await site.Api.PostAsJsonAsync("/v1/payout-batches", new { method = "paypal", payout_ids = new[] { 42 } }), 201);
        var batchId = created["data"]!["id"]!.GetValue<long>();
        var (email, password) = await site.UserAsync("viewer");
        await site.SignInAsync(email, password);
        var page = site.Page;

        await page.GotoAsync($"/batches/{batchId}");
        await Expect(page.Locator("h1")).ToContainTextAsync($"Batch #{batchId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Actions" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Sign out"]);
        await page.GotoAsync("/payouts");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create batch" })).ToHaveCountAsync(0);

        var token = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        foreach (var handler in new[] { "Send", "Sync", "Complete" })
        {
            var form = page.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", token!);
            var response = await page.APIRequest.PostAsync($"/batches/{batchId}?handler={handler}", new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(403, response.Status);
        }
        var create = page.APIRequest.CreateFormData();
        create.Set("__RequestVerificationToken", token!);
        create.Set("batch_method", "paypal");
        create.Set("ids", "44");
        Assert.Equal(403, (await page.APIRequest.PostAsync("/batches?handler=Create", new() { Form = create, MaxRedirects = 0 })).Status);
        Assert.Equal(403, (await page.APIRequest.GetAsync($"/batches/{batchId}?handler=File", new() { MaxRedirects = 0 })).Status);

        var batch = (await Api.GetAsync(site.Api, $"/v1/payout-batches/{batchId}"))["data"]!;
        Assert.Null(batch["provider_batch_id"]);
        Assert.Equal("pending", (await Api.GetAsync(site.Api, "/v1/payouts/44"))["data"]!["status"]!.GetValue<string>());
    }
}
