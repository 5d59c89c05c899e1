using System.Net;
using System.Text.RegularExpressions;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;
using Remit.Tests.Portal;

namespace Remit.Tests.Dashboard;

/// <summary>The dashboard without a browser: a user signed in through the sign-in form, with the session cookie kept.</summary>
public static partial class DashboardHttp
{
    public const string Password = "correct horse battery";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"__FormToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();

    /// <summary>A new user of the program with this role, signed in.</summary>
    public static async Task<HttpClient> SignedInAsync(TestApp app, long programId, string role = UserRoles.Admin)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, programId, email, Password, role, app.Clock.GetUtcNow().UtcDateTime);
        var http = PortalHttp.Browser(app);
        var signIn = await PostFormAsync(http, "/sign-in", "/sign-in", new() { ["email"] = email, ["password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return http;
    }

    /// <summary>Posts as the page's form would: its anti-forgery token and one-time form token read from <paramref name="page"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, string page, Dictionary<string, string> fields)
    {
        var html = await http.GetStringAsync(page);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value) };
        if (FormTokenField().Match(html) is { Success: true } token)
            form["__FormToken"] = token.Groups[1].Value;
        return await http.PostAsync(path, new FormUrlEncodedContent(form));
    }
}
