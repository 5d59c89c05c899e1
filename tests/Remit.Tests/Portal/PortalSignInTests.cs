using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Portal;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>Sign-in links (made by the merchant, used once, expiring), the portal's own session, and its refusals.</summary>
public sealed class PortalSignInTests
{
    [Fact]
    public async Task A_link_opens_a_page_with_one_button_and_signs_in_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync("Grace Hopper");
        var (url, expiresAt) = await PortalHttp.LinkAsync(t, affiliate);
        Assert.StartsWith("http://localhost/portal/sign-in/", url);
        Assert.Equal(TestApp.Start.UtcDateTime.AddHours(24), expiresAt);
        var path = new Uri(url).AbsolutePath;

        // Only its hash is kept.
        await using (var db = app.Db(t.ProgramId))
        {
            var stored = await db.PortalLinks.SingleAsync();
            Assert.DoesNotContain(stored.TokenHash, url);
            Assert.Equal(Remit.Portal.PortalLinks.Hash(path[(path.LastIndexOf('/') + 1)..]), stored.TokenHash);
        }

        // Opening it (as a mail scanner would, twice) uses nothing up: it shows one Sign in button.
        var http = PortalHttp.Browser(app);
        await PortalHttp.PageAsync(http, path);
        var page = await PortalHttp.PageAsync(http, path);
        Assert.Contains("<button type=\"submit\" class=\"primary\">Sign in</button>", page);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/portal")).StatusCode);

        // Someone else opened the page too (a forwarded mail) and holds a good form: only the first press counts.
        var other = PortalHttp.Browser(app);
        var otherForm = await PortalHttp.AntiforgeryAsync(other, path);

        var signIn = await PortalHttp.SignInAsync(http, url);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/portal", signIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("remit_portal=", StringComparison.Ordinal));
        Assert.Contains("path=/portal", cookie);
        Assert.Contains("httponly", cookie);
        var overview = await PortalHttp.PageAsync(http, "/portal");
        Assert.Contains("Grace Hopper", overview);

        // The same link again, from the other browser: refused, no session.
        var again = await other.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = otherForm }));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("used already or has expired", await again.Content.ReadAsStringAsync());
        Assert.Equal("/portal/signed-out", (await other.GetAsync("/portal")).Headers.Location!.OriginalString);

        // The audit trail says who made the link.
        await using var check = app.Db(t.ProgramId);
        Assert.Single(await check.AuditEvents.Where(e => e.Action == "affiliate.portal_link.created" && e.EntityId == affiliate && e.ActorType == "token").ToListAsync());
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_the_lifetime_and_public_url_come_from_configuration()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings["Remit:Portal:LinkLifetime"] = "01:00:00";
            a.Settings["Remit:PublicUrl"] = "https://pay.example.com/remit/";
        });
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var (url, expiresAt) = await PortalHttp.LinkAsync(t, affiliate);
        Assert.StartsWith("https://pay.example.com/remit/portal/sign-in/", url);
        Assert.Equal(TestApp.Start.UtcDateTime.AddHours(1), expiresAt);
        var path = new Uri(url).AbsolutePath["/remit".Length..];

        var http = PortalHttp.Browser(app);
        var antiforgery = await PortalHttp.AntiforgeryAsync(http, path);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var page = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.DoesNotContain(">Sign in</button>", await page.Content.ReadAsStringAsync());
        var late = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }));
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal("/portal/signed-out", (await http.GetAsync("/portal")).Headers.Location!.OriginalString);
        await using var db = app.Db(t.ProgramId);
        Assert.Null((await db.PortalLinks.SingleAsync()).UsedAt);
    }

    [Fact]
    public async Task Without_a_session_the_portal_asks_for_a_new_link()
    {
        await using var app = await TestApp.StartAsync();
        var http = PortalHttp.Browser(app);
        foreach (var path in new[] { "/portal" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/portal/signed-out", response.Headers.Location!.OriginalString);
        }
        var page = await PortalHttp.PageAsync(http, "/portal/signed-out", HttpStatusCode.Unauthorized);
        Assert.Contains("Ask the program you work with for a new sign-in link", page);
        // An unknown link says so, without a button.
        var unknown = await PortalHttp.PageAsync(http, "/portal/sign-in/nope", HttpStatusCode.Gone);
        Assert.DoesNotContain(">Sign in</button>", unknown);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_for_every_copy_of_the_cookie()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var http = PortalHttp.Browser(app);
        var signIn = await PortalHttp.SignInAsync(http, (await PortalHttp.LinkAsync(t, affiliate)).Url);
        var stolen = PortalHttp.WithCookie(app, PortalHttp.CookieOf(signIn, "remit_portal"));
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/portal")).StatusCode);

        var signOut = await PortalHttp.PostFormAsync(http, "/portal/sign-out", formPage: "/portal");
        Assert.Equal("/portal/signed-out", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/portal")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stolen.GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_with_its_lifetime_and_when_the_affiliate_is_disabled()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var http = await PortalHttp.SignedInAsync(app, t, affiliate);
        app.Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/portal")).StatusCode);

        await t.Http.PatchAsync($"/v1/affiliates/{affiliate}", JsonContent.Create(new { status = "disabled" }));
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/portal")).StatusCode);
        // And a disabled affiliate gets no new link.
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/affiliates/{affiliate}/portal-link", null), 422, "VALIDATION_ERROR");

        await t.Http.PatchAsync($"/v1/affiliates/{affiliate}", JsonContent.Create(new { status = "active" }));
        var again = await PortalHttp.SignedInAsync(app, t, affiliate);
        app.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task A_link_for_another_programs_affiliate_is_not_found()
    {
        await using var app = await TestApp.StartAsync();
        var mine = await app.NewProgramAsync();
        var theirs = await app.NewProgramAsync();
        var theirAffiliate = await theirs.AffiliateAsync();
        await Api.ErrorAsync(await mine.Http.PostAsync($"/v1/affiliates/{theirAffiliate}/portal-link", null), 404, "NOT_FOUND");
        await Api.ErrorAsync(await mine.Http.PostAsync("/v1/affiliates/999999/portal-link", null), 404, "NOT_FOUND");
        await Api.ErrorAsync(await mine.Http.PostAsync($"/v1/affiliates/{theirAffiliate}/portal-link", JsonContent.Create(new { nope = 1 })), 404, "NOT_FOUND");
        var mineAffiliate = await mine.AffiliateAsync();
        await Api.ErrorAsync(await mine.Http.PostAsync($"/v1/affiliates/{mineAffiliate}/portal-link", JsonContent.Create(new { nope = 1 })), 422, "VALIDATION_ERROR");
        // Without SMTP configured, e-mailing it is refused and no link is made.
        await Api.ErrorAsync(await mine.Http.PostAsync($"/v1/affiliates/{mineAffiliate}/portal-link", JsonContent.Create(new { send_email = true })), 422, "VALIDATION_ERROR");
        await using var db = app.Db();
        Assert.Equal(0, await db.PortalLinks.CountAsync());
    }

    [Fact]
    public async Task The_merchants_cookie_does_not_open_the_portal_nor_the_portals_cookie_the_dashboard()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        // A merchant signed in to the dashboard is nobody on the portal.
        var merchant = await PortalHttp.MerchantAsync(app, t.ProgramId);
        Assert.Equal(HttpStatusCode.OK, (await merchant.GetAsync("/payouts")).StatusCode);
        var onPortal = await merchant.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Redirect, onPortal.StatusCode);
        Assert.Equal("/portal/signed-out", onPortal.Headers.Location!.OriginalString);

        // An API token is nobody on the portal either.
        var withToken = PortalHttp.Browser(app);
        withToken.DefaultRequestHeaders.Authorization = new("Bearer", t.Token);
        Assert.Equal(HttpStatusCode.Redirect, (await withToken.GetAsync("/portal")).StatusCode);

        // The portal's cookie, even sent to the dashboard by hand (its path keeps browsers from doing so), is nobody there.
        var signIn = await PortalHttp.SignInAsync(PortalHttp.Browser(app), (await PortalHttp.LinkAsync(t, affiliate)).Url);
        var portalCookie = PortalHttp.CookieOf(signIn, "remit_portal");
        var misplaced = PortalHttp.WithCookie(app, portalCookie);
        Assert.Equal(HttpStatusCode.OK, (await misplaced.GetAsync("/portal")).StatusCode);
        var onDashboard = await misplaced.GetAsync("/payouts");
        Assert.Equal(HttpStatusCode.Redirect, onDashboard.StatusCode);
        Assert.StartsWith("/sign-in", onDashboard.Headers.Location!.PathAndQuery);
        await Api.ErrorAsync(await misplaced.GetAsync("/v1/payouts"), 401, "UNAUTHORIZED");
        // Nor does a dashboard cookie renamed to the portal's name open the portal (it is another scheme's ticket).
        var merchantCookie = PortalHttp.CookieOf(await MerchantSignInAsync(app, t.ProgramId), "remit_session");
        var renamed = PortalHttp.WithCookie(app, "remit_portal=" + merchantCookie["remit_session=".Length..]);
        Assert.Equal(HttpStatusCode.Redirect, (await renamed.GetAsync("/portal")).StatusCode);
    }

    private static async Task<HttpResponseMessage> MerchantSignInAsync(TestApp app, long programId)
    {
        const string password = "correct horse battery";
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await Remit.Programs.ProgramAdmin.CreateUserAsync(db, programId, email, password, Remit.Api.UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        return await PortalHttp.PostFormAsync(PortalHttp.Browser(app), "/sign-in", new() { ["email"] = email, ["password"] = password });
    }
}
