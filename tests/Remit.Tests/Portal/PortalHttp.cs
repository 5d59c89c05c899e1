using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Portal;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>An affiliate's browser without a browser: sign-in links, the sign-in button, forms with their anti-forgery token.</summary>
public static partial class PortalHttp
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>A cookie-keeping client that does not follow redirects (tests read where they lead).</summary>
    public static HttpClient Browser(TestApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<(string Url, DateTime ExpiresAt)> LinkAsync(Tenant t, long affiliateId)
    {
        var data = (await t.PostAsync($"/v1/affiliates/{affiliateId}/portal-link", status: 201))["data"]!;
        return (data["url"]!.GetValue<string>(), data["expires_at"]!.GetValue<DateTime>());
    }

    /// <summary>The anti-forgery token of the first form on a page.</summary>
    public static async Task<string> AntiforgeryAsync(HttpClient http, string path)
    {
        var page = await http.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"No form on {path} ({(int)page.StatusCode}): {html[..Math.Min(html.Length, 400)]}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a form as the page's own form would: with the anti-forgery token read from the page.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, Dictionary<string, string>? fields = null, string? formPage = null)
    {
        var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = await AntiforgeryAsync(http, formPage ?? path) };
        return await http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>Opens the link and presses "Sign in".</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient http, string url) => PostFormAsync(http, new Uri(url).PathAndQuery);

    /// <summary>An affiliate signed in to the portal through a link the merchant made.</summary>
    public static async Task<HttpClient> SignedInAsync(TestApp app, Tenant t, long affiliateId)
    {
        var http = Browser(app);
        var (url, _) = await LinkAsync(t, affiliateId);
        var signIn = await SignInAsync(http, url);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/portal", signIn.Headers.Location!.OriginalString);
        return http;
    }

    public static async Task<string> PageAsync(HttpClient http, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} from {path}, got {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        return html;
    }

    /// <summary>A merchant admin of the program signed in to the dashboard in their own browser.</summary>
    public static async Task<HttpClient> MerchantAsync(TestApp app, long programId)
    {
        const string password = "correct horse battery";
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await Remit.Programs.ProgramAdmin.CreateUserAsync(db, programId, email, password, Remit.Api.UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        var http = Browser(app);
        var signIn = await PostFormAsync(http, "/sign-in", new() { ["email"] = email, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return http;
    }

    /// <summary>"name=value" of a cookie an answer sets.</summary>
    public static string CookieOf(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal)).Split(';')[0];

    /// <summary>A client sending exactly this cookie on every request, wherever its path says it belongs (a stolen or misplaced copy).</summary>
    public static HttpClient WithCookie(TestApp app, string cookie)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    /// <summary>The error answer of the API, for tests that also look at the envelope.</summary>
    public static Task<System.Text.Json.Nodes.JsonNode> ErrorAsync(HttpResponseMessage response, int status, string code) => Api.ErrorAsync(response, status, code);
}
