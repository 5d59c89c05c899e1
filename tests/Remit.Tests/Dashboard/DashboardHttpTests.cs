using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Dashboard;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>What needs no browser: sign-in rules, anti-forgery, tenancy, and the API staying JSON beside the cookie.</summary>
public sealed partial class DashboardHttpTests
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static HttpClient Browser(TestApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> AntiforgeryAsync(HttpClient http, string path) =>
        AntiforgeryField().Match(await http.GetStringAsync(path)).Groups[1].Value;

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string email, string password) =>
        await http.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = await AntiforgeryAsync(http, "/sign-in"),
        }));

    private static async Task<string> UserAsync(TestApp app, long programId, string role = UserRoles.Admin)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        await using var db = app.Db();
        await ProgramAdmin.CreateUserAsync(db, programId, email, Password, role, app.Clock.GetUtcNow().UtcDateTime);
        return email;
    }

    [Fact]
    public async Task Pages_need_a_session_and_the_api_never_takes_the_cookie()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var http = Browser(app);

        var anonymous = await http.GetAsync("/payouts?status=pending");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/sign-in?ReturnUrl=%2Fpayouts%3Fstatus%3Dpending", anonymous.Headers.Location!.PathAndQuery);
        Assert.Equal("/payouts", (await http.GetAsync("/")).Headers.Location!.OriginalString);

        var signIn = await SignInAsync(http, await UserAsync(app, t.ProgramId), Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/payouts")).StatusCode);

        // Signed in, the API still wants a token: 401 in the envelope, not a redirect to a sign-in page.
        await Api.ErrorAsync(await http.GetAsync("/v1/payouts/stats"), 401, "UNAUTHORIZED");
        await Api.ErrorAsync(await http.GetAsync("/api//v1/nope"), 404, "NOT_FOUND");
        var missing = await http.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/html", missing.Content.Headers.ContentType!.MediaType);

        // Signing out ends the session.
        var signOut = await http.PostAsync("/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryAsync(http, "/payouts"),
        }));
        Assert.Equal("/sign-in", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/payouts")).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);

        for (var i = 1; i <= 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(http, email, "wrong password " + i)).StatusCode);
        var fifth = await SignInAsync(http, email, "wrong password 5");
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Contains("locked for 15 minutes", await fifth.Content.ReadAsStringAsync());

        // Locked: even the right password is refused, until the time is up.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(http, email, Password)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(http, email, Password)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, email, Password)).StatusCode);

        // A success resets the count: four more failures do not lock again.
        var other = Browser(app);
        for (var i = 1; i <= 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(other, email, "wrong again " + i)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(other, "nobody@example.com", Password)).StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (_, payout) = await t.PendingPayoutAsync(100m);
        var http = Browser(app);
        await SignInAsync(http, await UserAsync(app, t.ProgramId), Password);

        var forged = await http.PostAsync($"/payouts/{payout}?handler=Complete",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reference"] = "CSRF" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>());

        var real = await http.PostAsync($"/payouts/{payout}?handler=Complete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reference"] = "REAL", ["__RequestVerificationToken"] = await AntiforgeryAsync(http, $"/payouts/{payout}"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("REAL", (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_sees_only_their_own_programs_rows()
    {
        await using var app = await TestApp.StartAsync();
        var a = await app.NewProgramAsync(name: "Program A");
        var b = await app.NewProgramAsync(name: "Program B");
        var (_, payoutOfA) = await a.PendingPayoutAsync(100m);
        var (_, payoutOfB) = await b.PendingPayoutAsync(7m);
        var http = Browser(app);
        await SignInAsync(http, await UserAsync(app, b.ProgramId), Password);

        var page = await http.GetAsync($"/payouts/{payoutOfA}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("belongs to another program", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/payouts/{payoutOfA}/statement")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/payouts/{payoutOfB}")).StatusCode);

        var list = await http.GetStringAsync("/payouts");
        Assert.Contains("Program B", list);
        Assert.DoesNotContain("Program A", list);
        Assert.Contains($"data-payout=\"{payoutOfB}\"", list);
        Assert.DoesNotContain($"data-payout=\"{payoutOfA}\"", list);
        var csv = await http.GetStringAsync("/payouts/export");
        Assert.Equal(2, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        // Acting on A's payout from B's session is a 404 too, and changes nothing.
        var complete = await http.PostAsync($"/payouts/{payoutOfA}?handler=Complete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryAsync(http, "/payouts"),
        }));
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.Equal("pending", (await a.GetAsync($"/v1/payouts/{payoutOfA}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_new_actions_on_another_programs_affiliate_or_commission_are_a_404_and_change_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var a = await app.NewProgramAsync(name: "Program A");
        var b = await app.NewProgramAsync(name: "Program B");
        var affiliateOfA = await a.AffiliateAsync("Ada of A");
        var commissionOfA = await a.CommissionAsync(affiliateOfA, 80m);
        var http = Browser(app);
        await SignInAsync(http, await UserAsync(app, b.ProgramId), Password);
        var antiforgery = await AntiforgeryAsync(http, "/payouts");

        (string Url, Dictionary<string, string> Fields)[] posts =
        [
            ($"/affiliates/{affiliateOfA}?handler=Profile", new() { ["name"] = "Taken", ["email"] = "taken@example.com", ["country"] = "US" }),
            ($"/affiliates/{affiliateOfA}?handler=Status", new() { ["status"] = "disabled" }),
            ($"/affiliates/{affiliateOfA}?handler=Payout", new()),
            ("/commissions?handler=Void", new() { ["id"] = commissionOfA.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        ];
        foreach (var (url, fields) in posts)
        {
            fields["__RequestVerificationToken"] = antiforgery;
            var answer = await http.PostAsync(url, new FormUrlEncodedContent(fields));
            Assert.True(answer.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)answer.StatusCode}");
        }
        // Asking on behalf of A's affiliate from B: refused next to the field as if it did not exist.
        var request = await http.PostAsync("/requests?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["affiliate_id"] = affiliateOfA.ToString(System.Globalization.CultureInfo.InvariantCulture), ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Equal(HttpStatusCode.NotFound, request.StatusCode);
        Assert.Contains("Affiliate not found.", await request.Content.ReadAsStringAsync());

        var affiliate = (await a.GetAsync($"/v1/affiliates/{affiliateOfA}"))["data"]!;
        Assert.Equal("Ada of A", affiliate["name"]!.GetValue<string>());
        Assert.Equal("active", affiliate["status"]!.GetValue<string>());
        Assert.Equal("80.00", Api.Raw(affiliate["balance"]));
        Assert.Equal("approved", (await a.GetAsync($"/v1/commissions/{commissionOfA}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal(0, (await a.GetAsync("/v1/payouts/requests"))["meta"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_session_ends_when_its_users_role_changes()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);
        await SignInAsync(http, email, Password);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/settings")).StatusCode);

        await using (var db = app.Db())
        {
            var user = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Email == email);
            user.Role = UserRoles.Viewer;
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/settings")).StatusCode);
    }
}
