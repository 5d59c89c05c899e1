using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// What was API-only before: editing, disabling and paying an affiliate, voiding a commission, a request on an
/// affiliate's behalf, a bulk completion with a reference per payout, and completed-date filters; each checked on the
/// page and through the API, and refused to a viewer. Demo affiliates: 1 Maria (request 10 pending), 4 Dmitry
/// (64.00 payable, no request), 5 Taro (25.00 payable, under the 50.00 minimum).
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class DashboardActionsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_affiliate_is_edited_then_disabled_and_enabled_again()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/affiliates/4");
        var profile = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }) });

        // The domain's rule, next to its field; nothing changes.
        await profile.GetByLabel("Country").FillAsync("XX");
        await profile.GetByLabel("Name").FillAsync("Dmitri Ivanov");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='country']")).ToHaveTextAsync("country must be an ISO 3166-1 alpha-2 code such as US.");
        await Expect(profile.GetByLabel("Country")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(profile.GetByLabel("Name")).ToHaveValueAsync("Dmitri Ivanov");
        var unchanged = (await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!;
        Assert.Equal("Дмитрий Иванов", unchanged["name"]!.GetValue<string>());
        Assert.Equal("RU", unchanged["country"]!.GetValue<string>());

        await profile.GetByLabel("Country").FillAsync("de");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Profile of Dmitri Ivanov saved.");
        await Expect(page.Locator("h1")).ToContainTextAsync("Dmitri Ivanov");
        var edited = (await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!;
        Assert.Equal("Dmitri Ivanov", edited["name"]!.GetValue<string>());
        Assert.Equal("DE", edited["country"]!.GetValue<string>());
        Assert.Equal("dmitry@example.ru", edited["email"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable affiliate" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Dmitri Ivanov is disabled: no new commissions, payouts or payout requests until enabled again.");
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Disabled");
        Assert.Equal("disabled", (await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!["status"]!.GetValue<string>());
        // Disabled means what the API means by it: no payout, said on the page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create payout" }).ClickAsync();
        await Expect(page.Locator(".flash.error")).ToHaveTextAsync("No payout was made: The affiliate is disabled.");
        Assert.Equal(0, (await Api.GetAsync(site.Api, "/v1/payouts?affiliate_id=4&status=pending"))["meta"]!["total"]!.GetValue<int>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Enable affiliate" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Dmitri Ivanov is active again.");
        Assert.Equal("active", (await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_manual_payout_pays_what_is_payable_now_and_is_refused_when_nothing_is()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/affiliates/4");
        await Expect(page.Locator("#pay-title + form")).ToContainTextAsync("64.00 USD");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create payout" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/payouts/49$"));
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Payout #49 of 64.00 USD created (pending).");
        await Expect(page.Locator("[data-payout-status]")).ToHaveTextAsync("Pending");
        var payout = (await Api.GetAsync(site.Api, "/v1/payouts/49"))["data"]!;
        Assert.Equal(4, payout["affiliate_id"]!.GetValue<long>());
        Assert.Equal("64.00", Api.Raw(payout["amount"]));
        Assert.Equal("manual", payout["source"]!.GetValue<string>());
        Assert.Equal(site.Demo.Email, payout["status_history"]!.AsArray().Single()!["actor"]!.GetValue<string>());

        await page.GotoAsync("/affiliates/4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create payout" }).ClickAsync();
        await Expect(page.Locator(".flash.error")).ToHaveTextAsync("No payout was made: The affiliate has no payable commissions.");
        Assert.Equal(1, (await Api.GetAsync(site.Api, "/v1/payouts?affiliate_id=4&status=pending"))["meta"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_commission_is_voided_and_one_in_a_payout_cannot_be()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        var commissions = (await Api.GetAsync(site.Api, "/v1/commissions?affiliate_id=4&per_page=100"))["data"]!.AsArray();
        var free = commissions.Single(c => c!["status"]!.GetValue<string>() == "approved")!["id"]!.GetValue<long>();
        var paid = commissions.First(c => c!["status"]!.GetValue<string>() == "paid")!["id"]!.GetValue<long>();

        await page.GotoAsync("/commissions?affiliate_id=4");
        // Only a commission in no payout offers the action.
        await Expect(page.Locator($"tr[data-commission='{paid}']").GetByText("Void…")).ToHaveCountAsync(0);
        var row = page.Locator($"tr[data-commission='{free}']");
        await row.GetByText("Void…").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = $"Void commission #{free}" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync($"Commission #{free} is void: it will not be paid.");
        await Expect(page).ToHaveURLAsync(new Regex("/commissions\\?affiliate_id=4$"));
        await Expect(page.Locator($"tr[data-commission='{free}']")).ToHaveAttributeAsync("data-status", "void");
        Assert.Equal("void", (await Api.GetAsync(site.Api, $"/v1/commissions/{free}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("0.00", Api.Raw((await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!["balance"]));

        // A stale form (the commission was paid meanwhile) gets the domain's 409 as a message, and nothing changes.
        var antiforgery = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        var stale = await page.APIRequest.PostAsync("/commissions?handler=Void", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", antiforgery!).Set("id", paid.ToString())
                .Set("returnUrl", "/commissions?affiliate_id=4"),
        });
        Assert.Equal(200, stale.Status);
        Assert.Contains($"Commission #{paid} was not voided: The commission is already void or is in a payout.", await stale.TextAsync());
        Assert.Equal("paid", (await Api.GetAsync(site.Api, $"/v1/commissions/{paid}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payout_request_is_made_on_an_affiliates_behalf_under_the_apis_rules()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/requests");
        var form = page.Locator("#ask");

        await form.GetByLabel("Affiliate").SelectOptionAsync("5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create request" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='affiliate_id']")).ToHaveTextAsync("The payable balance (25.00 USD) is below the minimum payout (50.00 USD).");
        await Expect(page.Locator("#affiliate_id")).ToHaveValueAsync("5");

        await form.GetByLabel("Affiliate").SelectOptionAsync("1");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create request" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='affiliate_id']")).ToHaveTextAsync("The affiliate already has a pending payout request.");
        Assert.Equal(11, (await Api.GetAsync(site.Api, "/v1/payouts/requests"))["meta"]!["total"]!.GetValue<int>());

        await form.GetByLabel("Affiliate").SelectOptionAsync("4");
        await form.GetByLabel("Note").FillAsync("Asked by phone");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create request" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Request #12 created for 64.00 USD: approve it to make the payout.");
        var row = page.Locator("tr[data-request='12']");
        await Expect(row).ToHaveAttributeAsync("data-status", "pending");
        await Expect(row).ToContainTextAsync("Asked by phone");
        var request = (await Api.GetAsync(site.Api, "/v1/payouts/requests/12"))["data"]!;
        Assert.Equal(4, request["affiliate_id"]!.GetValue<long>());
        Assert.Equal("64.00", Api.Raw(request["amount"]));
        Assert.Equal("pending", request["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bulk_completion_gives_each_payout_its_own_reference()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending&sort=id");
        foreach (var id in new[] { 44, 45, 46 })
            await page.GetByLabel($"Select payout {id}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Reference for payout 44").FillAsync("TXN-A44");
        await page.GetByLabel("Reference for payout 45").FillAsync("TXN-A45");
        // A reference on a row that is not checked is a mistake the domain refuses, not ignores.
        await page.GetByLabel("Reference for payout 42").FillAsync("TXN-A42");
        await page.Locator("#bulk-reference").FillAsync("SHARED-1");
        await page.Locator("#bulk").GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();

        await Expect(page.Locator("[data-error-for='references.42']")).ToHaveTextAsync("references.42 names a payout that is not in ids.");
        await Expect(page.GetByLabel("Reference for payout 42")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("[data-bulk-errors]")).ToContainTextAsync("Nothing was completed: 1 problem.");
        // The list as it was (filter and sort), with what was typed and checked.
        await Expect(page.Locator("tr[data-payout]")).ToHaveCountAsync(5);
        await Expect(page.GetByLabel("Reference for payout 44")).ToHaveValueAsync("TXN-A44");
        await Expect(page.GetByLabel("Select payout 45", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.Locator("#bulk-reference")).ToHaveValueAsync("SHARED-1");
        Assert.Equal("pending", (await Api.GetAsync(site.Api, "/v1/payouts/44"))["data"]!["status"]!.GetValue<string>());

        await page.GetByLabel("Reference for payout 42").FillAsync("");
        await page.Locator("#bulk").GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Marked 3 of 3 payouts completed.");
        await Expect(page).ToHaveURLAsync(new Regex("/payouts\\?status=pending&sort=id$"));
        foreach (var (id, reference) in new[] { (44, "TXN-A44"), (45, "TXN-A45"), (46, "SHARED-1") })
        {
            var payout = (await Api.GetAsync(site.Api, $"/v1/payouts/{id}"))["data"]!;
            Assert.Equal("completed", payout["status"]!.GetValue<string>());
            Assert.Equal(reference, payout["reference"]!.GetValue<string>());
        }
        Assert.Equal("pending", (await Api.GetAsync(site.Api, "/v1/payouts/42"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completed_date_filters_narrow_the_table_and_its_csv_export()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts");
        await page.GetByLabel("Completed from").FillAsync("2026-03-01");
        await page.GetByLabel("Completed to").FillAsync("2026-03-15");
        await page.GetByLabel("Sort").SelectOptionAsync("-id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("completed_from=2026-03-01&completed_to=2026-03-15"));

        // The four completed this month (the seed's 3400.00), as the API's list gives them for the same filter.
        string[] expected = ["41", "40", "39", "38"];
        var api = (await Api.GetAsync(site.Api, "/v1/payouts?completed_from=2026-03-01&completed_to=2026-03-15&sort=-id"))["data"]!.AsArray();
        Assert.Equal(expected, api.Select(p => p!["id"]!.GetValue<long>().ToString()).ToArray());
        var rows = page.Locator("tr[data-payout]");
        await Expect(rows).ToHaveCountAsync(4);
        Assert.Equal(expected, (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.payout)")));

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var lines = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await csv.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());

        // A day before any completion this month: nothing.
        await page.GetByLabel("Completed to").FillAsync("2026-02-27");
        await page.GetByLabel("Completed from").FillAsync("2026-02-27");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("td.empty")).ToHaveTextAsync("No payouts match.");
    }

    [Fact]
    public async Task A_viewer_sees_none_of_these_actions_and_forged_posts_are_refused()
    {
        await using var site = await Site.StartAsync(browser);
        var (email, password) = await site.UserAsync("viewer");
        await site.SignInAsync(email, password);
        var page = site.Page;

        await page.GotoAsync("/affiliates/4");
        await Expect(page.Locator("h1")).ToContainTextAsync("Дмитрий Иванов");
        foreach (var name in new[] { "Save profile", "Create payout", "Disable affiliate", "Save payout details" })
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = name })).ToHaveCountAsync(0);
        await Expect(page.Locator("form").GetByLabel("Name", new() { Exact = true })).ToBeDisabledAsync();
        await page.GotoAsync("/commissions?affiliate_id=4");
        await Expect(page.Locator("tr[data-commission]").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Void…")).ToHaveCountAsync(0);
        await page.GotoAsync("/requests");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create request" })).ToHaveCountAsync(0);
        await page.GotoAsync("/payouts?status=pending");
        await Expect(page.Locator("tr[data-payout='44']")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Reference for payout 44")).ToHaveCountAsync(0);

        var free = (await Api.GetAsync(site.Api, "/v1/commissions?affiliate_id=4&status=approved"))["data"]!.AsArray().Single()!["id"]!.GetValue<long>();
        var antiforgery = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(antiforgery));
        (string Url, (string Name, string Value)[] Fields)[] forged =
        [
            ("/affiliates/4?handler=Profile", [("name", "Forged"), ("email", "forged@example.com"), ("country", "US")]),
            ("/affiliates/4?handler=Status", [("status", "disabled")]),
            ("/affiliates/4?handler=Payout", []),
            ("/commissions?handler=Void", [("id", free.ToString())]),
            ("/requests?handler=Create", [("affiliate_id", "4")]),
            ("/payouts?handler=Bulk", [("to", "completed"), ("ids", "44"), ("references[44]", "FORGED")]),
        ];
        foreach (var (url, fields) in forged)
        {
            var form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", antiforgery!);
            foreach (var (name, value) in fields) form = form.Set(name, value);
            var answer = await page.APIRequest.PostAsync(url, new() { Form = form, MaxRedirects = 0 });
            Assert.True(answer.Status == 403, $"{url} answered {answer.Status} to a viewer");
        }

        var affiliate = (await Api.GetAsync(site.Api, "/v1/affiliates/4"))["data"]!;
        Assert.Equal("Дмитрий Иванов", affiliate["name"]!.GetValue<string>());
        Assert.Equal("active", affiliate["status"]!.GetValue<string>());
        Assert.Equal("64.00", Api.Raw(affiliate["balance"]));
        Assert.Equal("approved", (await Api.GetAsync(site.Api, $"/v1/commissions/{free}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal(11, (await Api.GetAsync(site.Api, "/v1/payouts/requests"))["meta"]!["total"]!.GetValue<int>());
        Assert.Equal("pending", (await Api.GetAsync(site.Api, "/v1/payouts/44"))["data"]!["status"]!.GetValue<string>());
    }
}
