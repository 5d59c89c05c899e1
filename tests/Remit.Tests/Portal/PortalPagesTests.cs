using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;

namespace Remit.Tests.Portal;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>The affiliate's pages, their own data only, and a change of payout details held for the merchant.</summary>
public sealed class PortalPagesTests
{
    private static Dictionary<string, string> Bank(string account = "5508834321") => new()
    {
        ["payout_method"] = "bank", ["bank.holder_name"] = "Grace Hopper", ["bank.holder_type"] = "individual",
        ["bank.routing_number"] = "021000021", ["bank.account_number"] = account, ["bank.account_type"] = "checking",
    };

    [Fact]
    public async Task Payouts_show_only_the_affiliates_own_and_anyone_elses_id_is_not_found()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (affiliate, payout) = await t.PendingPayoutAsync(40m, 2.5m);
        await t.PostAsync($"/v1/payouts/{payout}/fail", new { reason = "Account closed" });
        var (_, othersPayout) = await t.PendingPayoutAsync(10m);
        var otherProgram = await app.NewProgramAsync();
        var (_, otherProgramsPayout) = await otherProgram.PendingPayoutAsync(10m);

        var http = await PortalHttp.SignedInAsync(app, t, affiliate);
        var list = await PortalHttp.PageAsync(http, "/portal/payouts");
        Assert.Contains($"href=\"/portal/payouts/{payout}\"", list);
        Assert.DoesNotContain($"/portal/payouts/{othersPayout}\"", list);
        var detail = await PortalHttp.PageAsync(http, $"/portal/payouts/{payout}");
        Assert.Contains("42.50 USD", detail);
        Assert.Contains("data-failure-reason>Account closed<", detail);

        var statement = await http.GetAsync($"/portal/payouts/{payout}/statement");
        Assert.Equal(HttpStatusCode.OK, statement.StatusCode);
        Assert.Equal("application/pdf", statement.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await statement.Content.ReadAsByteArrayAsync())[..4]);

        foreach (var id in new[] { othersPayout, otherProgramsPayout, 999999 })
        {
            await PortalHttp.PageAsync(http, $"/portal/payouts/{id}", HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/portal/payouts/{id}/statement")).StatusCode);
        }
    }

    [Fact]
    public async Task Without_a_session_every_page_leads_to_the_new_link_page()
    {
        await using var app = await TestApp.StartAsync();
        var http = PortalHttp.Browser(app);
        foreach (var path in new[] { "/portal/payouts", "/portal/payouts/1", "/portal/payouts/1/statement", "/portal/payout-details", "/portal/request" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/portal/signed-out", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task New_payout_details_are_audited_shown_to_the_merchant_and_hold_the_payout_until_confirmed()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        await t.SetAchAsync();
        var affiliate = await t.AffiliateAsync("Grace Hopper");
        await t.CommissionAsync(affiliate, 100m);
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);

        // A refused field is shown beside it and nothing changes.
        var refused = await PortalHttp.PostFormAsync(http, "/portal/payout-details", new(Bank()) { ["bank.routing_number"] = "021000022" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("data-error-for=\"bank.routing_number\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal("paypal", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["payout_method"]!.GetValue<string>());

        var saved = await PortalHttp.PostFormAsync(http, "/portal/payout-details", Bank());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("checking ••••4321", WebUtility.HtmlDecode(await PortalHttp.PageAsync(http, "/portal/payout-details")));

        // The merchant sees the change (API and dashboard); the trail names the affiliate.
        var shown = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
        Assert.Equal("bank", shown["payout_method"]!.GetValue<string>());
        Assert.Equal("checking ••••4321", shown["unconfirmed_payout_details"]!["destination"]!.GetValue<string>());
        await using (var db = app.Db(t.ProgramId))
        {
            var audit = await db.AuditEvents.SingleAsync(e => e.Action == "affiliate.payout_method.updated" && e.EntityId == affiliate);
            Assert.Equal(("affiliate", affiliate.ToString(), "Grace Hopper"), (audit.ActorType, audit.ActorId, audit.ActorName));
        }
        var merchant = await PortalHttp.MerchantAsync(app, t.ProgramId);
        Assert.Contains("data-unconfirmed-details", await PortalHttp.PageAsync(merchant, $"/affiliates/{affiliate}"));

        // The payout to the new details is held: no processing, no completing, no batch.
        var payout = await t.PayoutAsync(affiliate);
        Assert.Equal("payout_details_unconfirmed", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["holds"]![0]!.GetValue<string>());
        Assert.Contains("held: new payout details not confirmed", await PortalHttp.PageAsync(merchant, $"/payouts/{payout}"));
        Assert.Contains("held: new payout details not confirmed", await PortalHttp.PageAsync(merchant, "/payouts"));
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/payouts/{payout}/processing", null), 409, "PAYOUT_DETAILS_UNCONFIRMED");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/complete", new { reference = "T1" }), 409, "PAYOUT_DETAILS_UNCONFIRMED");
        var bulk = (await t.PostAsync("/v1/payouts/bulk-complete", new { ids = new[] { payout }, reference = "T1" }))["data"]!;
        Assert.Equal("PAYOUT_DETAILS_UNCONFIRMED", bulk["failed"]![0]!["code"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", payout_ids = new[] { payout } }), 409, "PAYOUT_DETAILS_UNCONFIRMED");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { status = "pending" } }), 409, "PAYOUT_DETAILS_UNCONFIRMED");
        var still = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("pending", still["status"]!.GetValue<string>());
        Assert.Null(still["batch_id"]);
        Assert.Contains("It is paid once they do", await PortalHttp.PageAsync(http, $"/portal/payouts/{payout}"));

        // The merchant confirms: the payout is released and can be paid in a batch.
        var confirmed = (await t.PostAsync($"/v1/affiliates/{affiliate}/payout-details/confirm"))["data"]!;
        Assert.Null(confirmed["unconfirmed_payout_details"]);
        Assert.Empty((await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["holds"]!.AsArray());
        await t.BatchAsync("bank", [payout]);
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/affiliates/{affiliate}/payout-details/confirm", null), 409, "INVALID_STATUS");
        await using (var db = app.Db(t.ProgramId))
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "affiliate.payout_details.confirmed" && e.EntityId == affiliate && e.ActorType == "token"));
    }

    [Fact]
    public async Task A_forged_post_without_the_anti_forgery_token_changes_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 10 }), 200);
        var affiliate = await t.AffiliateAsync();
        await t.CommissionAsync(affiliate, 100m);
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);

        var forgedDetails = await http.PostAsync("/portal/payout-details", new FormUrlEncodedContent(Bank()));
        Assert.Equal(HttpStatusCode.BadRequest, forgedDetails.StatusCode);
        var forgedRequest = await http.PostAsync("/portal/request", new FormUrlEncodedContent(new Dictionary<string, string> { ["note"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, forgedRequest.StatusCode);
        var (url, _) = await PortalHttp.LinkAsync(t, affiliate);
        var forgedSignIn = await PortalHttp.Browser(app).PostAsync(new Uri(url).AbsolutePath, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forgedSignIn.StatusCode);

        Assert.Equal("paypal", (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["payout_method"]!.GetValue<string>());
        Assert.Equal(0, (await t.GetAsync("/v1/payouts/requests"))["meta"]!["total"]!.GetValue<int>());
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.PortalLinks.CountAsync(l => l.UsedAt == null));
    }

    [Fact]
    public async Task The_request_page_says_why_not_and_makes_a_request_when_allowed()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        await t.CommissionAsync(affiliate, 30m);
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);

        Assert.Contains("does not allow early payout requests", await PortalHttp.PageAsync(http, "/portal/request"));
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 50 }), 200);
        Assert.Contains("below the minimum payout", await PortalHttp.PageAsync(http, "/portal/request"));
        await t.CommissionAsync(affiliate, 25m);

        var sent = await PortalHttp.PostFormAsync(http, "/portal/request", new() { ["note"] = "Rent is due" });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var request = (await t.GetAsync("/v1/payouts/requests"))["data"]![0]!;
        Assert.Equal("55.00", Api.Raw(request["amount"]));
        Assert.Equal("Rent is due", request["note"]!.GetValue<string>());
        Assert.Contains("already has a pending payout request", await PortalHttp.PageAsync(http, "/portal/request"));
        await using var db = app.Db(t.ProgramId);
        Assert.Equal("affiliate", (await db.AuditEvents.SingleAsync(e => e.Action == "request.created")).ActorType);
    }
}
