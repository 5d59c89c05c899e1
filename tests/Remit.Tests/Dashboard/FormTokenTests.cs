using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Dashboard;

/// <summary>
/// A dashboard form sent twice (double click, reload, back button) does its action once: each rendered form carries a
/// one-time token, and the second submission of it lands where the first went without running the handler.
/// </summary>
public sealed partial class FormTokenTests
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("<form[^>]*action=\"/commissions\\?handler=Add\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex AddForm();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"__FormToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();

    [Fact]
    public async Task Sending_one_rendered_form_twice_records_one_commission()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, t.ProgramId, email, Password, UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signInPage = await http.GetStringAsync("/sign-in");
        await http.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = Password, ["__RequestVerificationToken"] = AntiforgeryField().Match(signInPage).Groups[1].Value,
        }));

        var page = await http.GetStringAsync("/commissions");
        var form = AddForm().Match(page);
        Assert.True(form.Success, "The add-commission form was not found.");
        var token = FormTokenField().Match(form.Groups[1].Value).Groups[1].Value;
        Assert.NotEmpty(token);
        // Each rendering has its own token.
        Assert.NotEqual(token, FormTokenField().Match(AddForm().Match(await http.GetStringAsync("/commissions")).Groups[1].Value).Groups[1].Value);
        var fields = new Dictionary<string, string>
        {
            ["affiliate_id"] = affiliate.ToString(System.Globalization.CultureInfo.InvariantCulture), ["amount"] = "12.50", ["description"] = "Sale",
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form.Groups[1].Value).Groups[1].Value, ["__FormToken"] = token,
        };

        var first = await http.PostAsync("/commissions?handler=Add", new FormUrlEncodedContent(fields));
        var second = await http.PostAsync("/commissions?handler=Add", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Contains("was not sent again", await http.GetStringAsync(second.Headers.Location));
        await using var check = app.Db(t.ProgramId);
        Assert.Equal(1, await check.Commissions.CountAsync());
        Assert.Equal(1, await check.AuditEvents.CountAsync(e => e.Action == "commission.created"));

        // A new rendering of the form is a new action.
        var again = FormTokenField().Match(AddForm().Match(await http.GetStringAsync("/commissions")).Groups[1].Value).Groups[1].Value;
        await http.PostAsync("/commissions?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__FormToken"] = again }));
        Assert.Equal(2, await check.Commissions.CountAsync());
    }
}
