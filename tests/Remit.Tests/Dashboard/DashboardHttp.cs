using System.Net;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;
using Remit.Tests.Portal;

namespace Remit.Tests.Dashboard;

/// <summary>The dashboard without a browser: a user signed in through the sign-in form, with the session cookie kept.</summary>
public static class DashboardHttp
{
    public const string Password = "correct horse battery";

    /// <summary>A new user of the program with this role, signed in; forms are posted with <see cref="PortalHttp.PostFormAsync"/>.</summary>
    public static async Task<HttpClient> SignedInAsync(TestApp app, long programId, string role = UserRoles.Admin)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, programId, email, Password, role, app.Clock.GetUtcNow().UtcDateTime);
        var http = PortalHttp.Browser(app);
        var signIn = await PortalHttp.PostFormAsync(http, "/sign-in", new() { ["email"] = email, ["password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return http;
    }
}
