using System.Net;
using System.Text.RegularExpressions;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Portal;

/// <summary>The sign-in link e-mailed through a real SMTP server (SmtpServer on a loopback port) arrives and signs in once.</summary>
public sealed partial class PortalMailTests
{
    [GeneratedRegex(@"https?://\S+/portal/sign-in/\S+")]
    private static partial Regex SignInLink();

    [Fact]
    public async Task An_emailed_sign_in_link_reaches_the_affiliate_and_signs_in_once()
    {
        await using var smtp = await SmtpListener.StartAsync();
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings["Remit:Smtp:Host"] = "127.0.0.1";
            a.Settings["Remit:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            a.Settings["Remit:Smtp:From"] = "Acme payouts <payouts@acme.example>";
        });
        var t = await app.NewProgramAsync("standard", name: "Acme");
        var email = $"{Guid.NewGuid():N}@example.com";
        var affiliate = await t.AffiliateAsync("Grace Hopper", email);

        var data = (await t.PostAsync($"/v1/affiliates/{affiliate}/portal-link", new { send_email = true }, status: 201))["data"]!;
        Assert.True(data["emailed"]!.GetValue<bool>());

        var message = await smtp.NextAsync();
        Assert.Equal(email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("payouts@acme.example", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Your sign-in link for Acme", message.Subject);
        var url = SignInLink().Match(message.TextBody ?? "").Value;
        Assert.Equal(data["url"]!.GetValue<string>(), url);

        var http = PortalHttp.Browser(app);
        var signIn = await PortalHttp.SignInAsync(http, url);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/portal", signIn.Headers.Location!.OriginalString);
        Assert.Contains("Grace Hopper", await PortalHttp.PageAsync(http, "/portal"));

        // Opened again (a forwarded copy of the mail): the link is spent and offers no sign-in.
        var again = await PortalHttp.PageAsync(PortalHttp.Browser(app), new Uri(url).PathAndQuery, HttpStatusCode.Gone);
        Assert.Contains("used already or has expired", again);
        Assert.DoesNotContain("__RequestVerificationToken", again);
    }
}
