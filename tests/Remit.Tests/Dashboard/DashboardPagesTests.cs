using System.Net.Http.Json;
using Microsoft.Playwright;
using Remit.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

[Collection(BrowserFixture.Collection)]
public sealed class DashboardPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Requests_are_listed_pending_first_and_are_approved_into_a_payout_or_rejected_with_a_reason()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sidebar" }).GetByRole(AriaRole.Link, new() { Name = "Requests" }).ClickAsync();
        var rows = page.Locator("tr[data-request]");
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-status", "pending");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-status", "pending");
        await Expect(rows.Nth(2)).Not.ToHaveAttributeAsync("data-status", "pending");

        await page.Locator("tr[data-request='10']").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        // 185.00 was asked; failed payout 37 has since released 82.50 of Maria's commissions: approval pays what is payable now.
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Request #10 approved: payout #49 of 267.50 USD created.");
        await Expect(page.Locator("tr[data-request='10']").GetByRole(AriaRole.Link, new() { Name = "Payout #49" })).ToBeVisibleAsync();
        var approved = (await Api.GetAsync(site.Api, "/v1/payouts/requests/10"))["data"]!;
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal(49, approved["payout_id"]!.GetValue<long>());
        var payout = (await Api.GetAsync(site.Api, "/v1/payouts/49"))["data"]!;
        Assert.Equal("request", payout["source"]!.GetValue<string>());
        Assert.Equal("267.50", Api.Raw(payout["amount"]));

        var row11 = page.Locator("tr[data-request='11']");
        await row11.GetByText("Reject…").ClickAsync();
        await row11.GetByLabel("Reason").FillAsync("Below the agreed threshold");
        await row11.GetByRole(AriaRole.Button, new() { Name = "Reject request" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Request #11 rejected.");
        await Expect(page.Locator("tr[data-request='11']")).ToContainTextAsync("Below the agreed threshold");
        var rejected = (await Api.GetAsync(site.Api, "/v1/payouts/requests/11"))["data"]!;
        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());
        Assert.Equal("Below the agreed threshold", rejected["rejection_reason"]!.GetValue<string>());

        await page.GotoAsync("/payouts");
        await Expect(page.Locator("[data-metric='pending-requests'] .value")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task Settings_show_a_validation_error_next_to_its_field_then_save()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/settings");
        await Expect(page.Locator("tr[data-method='paypal'] [data-included]")).ToHaveTextAsync("Included");
        await Expect(page.Locator("tr[data-method='bank'] [data-included]")).ToHaveTextAsync("Included");
        await Expect(page.Locator("tr[data-method='crypto'] [data-included]")).ToHaveTextAsync("Not included");
        await Expect(page.Locator("#payout_day-rule")).ToContainTextAsync("1–28");

        await page.GetByLabel("Payout frequency").SelectOptionAsync("monthly");
        await page.GetByLabel("Payout day").FillAsync("30");
        await page.GetByLabel("Hold period (days)").FillAsync("14");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("[data-error-for='payout_day']")).ToHaveTextAsync("payout_day must be a day of the month from 1 to 28 for monthly payouts.");
        await Expect(page.GetByLabel("Payout day")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Hold period (days)")).ToHaveValueAsync("14");
        var unchanged = (await Api.GetAsync(site.Api, "/v1/settings/payouts"))["data"]!;
        Assert.Equal(1, unchanged["payout_day"]!.GetValue<int>());
        Assert.Equal(0, unchanged["hold_days"]!.GetValue<int>());

        await page.GetByLabel("Payout frequency").SelectOptionAsync("weekly");
        await page.GetByLabel("Payout day").FillAsync("5");
        await page.GetByLabel("Minimum payout (USD)").FillAsync("75.50");
        await page.GetByLabel("Create payouts automatically").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Payout settings saved.");
        var saved = (await Api.GetAsync(site.Api, "/v1/settings/payouts"))["data"]!;
        Assert.Equal("weekly", saved["payout_frequency"]!.GetValue<string>());
        Assert.Equal(5, saved["payout_day"]!.GetValue<int>());
        Assert.Equal("75.50", Api.Raw(saved["min_payout"]));
        Assert.Equal(14, saved["hold_days"]!.GetValue<int>());
        Assert.True(saved["auto_create_payouts"]!.GetValue<bool>());
        Assert.True(saved["allow_early_requests"]!.GetValue<bool>());
        await Expect(page.GetByLabel("Payout day")).ToHaveValueAsync("5");
    }

    [Fact]
    public async Task A_token_made_in_the_ui_calls_the_api_with_its_scopes_until_revoked()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/tokens");
        await page.GetByLabel("Name").FillAsync("Accounting sync");
        await page.GetByLabel("payouts:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = (await page.Locator("[data-new-token]").InnerTextAsync()).Trim();
        Assert.StartsWith("rmt_", secret);

        using var http = OpenApiContractHandler.Client(site.BaseUrl);
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var stats = await Api.GetAsync(http, "/v1/payouts/stats");
        Assert.Equal("1250.00", Api.Raw(stats["data"]!["total_pending_amount"]));
        await Api.ErrorAsync(await http.PutAsJsonAsync("/v1/settings/payouts", new { payout_day = 2 }), 403, "FORBIDDEN");

        // Shown once: the list never shows it again, but shows its last use.
        await page.GotoAsync("/tokens");
        await Expect(page.Locator("[data-new-token]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());
        var row = page.Locator("tr[data-token]", new() { HasText = "Accounting sync" });
        await Expect(row).ToContainTextAsync("payouts:read");
        await Expect(row.Locator("[data-last-used]")).ToHaveTextAsync("2026-03-15 12:00");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke token Accounting sync" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToContainTextAsync("revoked");
        await Api.ErrorAsync(await http.GetAsync("/v1/payouts/stats"), 401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Adding_an_affiliate_and_a_commission_shows_in_their_balance()
    {
        await using var site = await Site.StartAsync(browser);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/affiliates");
        await Expect(page.Locator("#payout_method option[value='crypto']")).ToBeDisabledAsync();
        await page.GetByLabel("Name").FillAsync("Grace Hopper");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("grace@example.com");
        await page.GetByLabel("Country").FillAsync("US");
        await page.GetByLabel("Payout method").SelectOptionAsync("paypal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add affiliate" }).ClickAsync();
        // The API's rule, seen in the form: PayPal needs a PayPal email.
        await Expect(page.Locator("[data-error-for='paypal_email']")).ToHaveTextAsync("paypal_email is required for PayPal payouts.");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("Grace Hopper");
        await page.GetByLabel("PayPal email").FillAsync("grace@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add affiliate" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Affiliate Grace Hopper added.");
        var row = page.Locator("tr[data-affiliate]", new() { HasText = "Grace Hopper" });
        await Expect(row.Locator("[data-balance]")).ToHaveTextAsync("0.00 USD");

        await row.GetByRole(AriaRole.Link, new() { Name = "Commissions" }).ClickAsync();
        await page.GetByLabel("Amount (USD)").FillAsync("42.50");
        await page.GetByLabel("Description").FillAsync("Order 7");
        await page.GetByLabel("Reference (order id)").FillAsync("ORD-1001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record commission" }).ClickAsync();
        // ORD-1001 is a demo commission's reference already: the API's 409 rule, next to the field.
        await Expect(page.Locator("[data-error-for='reference']")).ToContainTextAsync("Already used by commission");
        await page.GetByLabel("Reference (order id)").FillAsync("ORD-9001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record commission" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Commission recorded.");
        await Expect(page.Locator("tr[data-commission]").First).ToContainTextAsync("42.50 USD");
        await Expect(page.Locator("tr[data-commission]").First).ToContainTextAsync("Approved");

        await page.GotoAsync("/affiliates?q=grace");
        await Expect(page.Locator("tr[data-affiliate] [data-balance]")).ToHaveTextAsync("42.50 USD");
    }

    [Fact]
    public async Task A_viewer_sees_no_actions_and_the_server_refuses_a_forged_request()
    {
        await using var site = await Site.StartAsync(browser);
        var (email, password) = await site.UserAsync("viewer");
        await site.SignInAsync(email, password);
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending");
        await Expect(page.Locator("tr[data-payout='42']")).ToBeVisibleAsync();
        await Expect(page.GetByText("Complete…")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark processing" })).ToHaveCountAsync(0);
        await Expect(page.Locator("input[name='ids']")).ToHaveCountAsync(0);
        await page.GotoAsync("/settings");
        await Expect(page.GetByLabel("Payout day")).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save settings" })).ToHaveCountAsync(0);
        await page.GotoAsync("/requests");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        await page.GotoAsync("/tokens");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create token" })).ToHaveCountAsync(0);

        // A forged request from the viewer's own session, with a valid anti-forgery token (the sign-out form's).
        var antiforgery = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(antiforgery));
        var forged = await page.APIRequest.PostAsync("/payouts/42?handler=Complete", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", antiforgery!).Set("reference", "FORGED"),
            MaxRedirects = 0,
        });
        Assert.Equal(403, forged.Status);
        var settings = await page.APIRequest.PostAsync("/settings", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", antiforgery!).Set("payout_frequency", "weekly")
                .Set("payout_day", "2").Set("min_payout", "0").Set("hold_days", "0"),
            MaxRedirects = 0,
        });
        Assert.Equal(403, settings.Status);
        Assert.Equal("pending", (await Api.GetAsync(site.Api, "/v1/payouts/42"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("monthly", (await Api.GetAsync(site.Api, "/v1/settings/payouts"))["data"]!["payout_frequency"]!.GetValue<string>());

        // The same forged request from an admin's session goes through: the 403 above was the role, not the form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/sign-in");
        await page.GotoAsync("/payouts");
        await page.WaitForURLAsync("**/sign-in?ReturnUrl=%2Fpayouts");
        var (adminEmail, adminPassword) = await site.UserAsync("admin");
        await site.SignInAsync(adminEmail, adminPassword);
        var adminToken = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        var allowed = await page.APIRequest.PostAsync("/payouts/42?handler=Complete", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", adminToken!).Set("reference", "BY-ADMIN"),
            MaxRedirects = 0,
        });
        Assert.Equal(302, allowed.Status);
        Assert.Equal("BY-ADMIN", (await Api.GetAsync(site.Api, "/v1/payouts/42"))["data"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_javascript_a_payout_is_completed_from_its_own_page()
    {
        await using var site = await Site.StartAsync(browser, javaScript: false);
        await site.SignInAsync();
        var page = site.Page;
        await page.GotoAsync("/payouts?status=pending");
        await page.Locator("tr[data-payout='44']").GetByRole(AriaRole.Link, new() { Name = "Complete…" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/payouts/44#complete$"));
        var form = page.Locator("form#complete");
        await form.GetByLabel("Reference").FillAsync("NOJS-1");
        await form.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator(".flash.ok")).ToHaveTextAsync("Payout #44 is now completed.");
        await Expect(page.Locator("[data-payout-status]")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("[data-reference]")).ToHaveTextAsync("NOJS-1");
    }
}
