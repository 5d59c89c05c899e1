using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Tax;
using Remit.Tests.Infrastructure;
using Remit.Tests.Portal;

namespace Remit.Tests.Tax;

/// <summary>The W-8 reminder e-mail through a real SMTP server: once per form, whichever of two processes runs the job.</summary>
public sealed partial class TaxFormReminderTests
{
    [GeneratedRegex(@"https?://\S+/portal/sign-in/\S+")]
    private static partial Regex SignInLink();

    [Fact]
    public async Task An_expiring_W8_mails_its_affiliate_once_across_two_processes_with_a_sign_in_link()
    {
        await using var smtp = await SmtpListener.StartAsync();
        var database = await TestDatabase.CreateAsync();
        void Configure(TestApp a)
        {
            a.Settings["Remit:Smtp:Host"] = "127.0.0.1";
            a.Settings["Remit:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            a.Settings["Remit:Smtp:From"] = "Acme payouts <payouts@acme.example>";
            a.Settings["Remit:PublicUrl"] = "http://localhost";
        }
        await using var first = new TestApp { Database = database };
        await using var second = new TestApp { Database = database, OwnsDatabase = false };
        Configure(first);
        Configure(second);
        var t = await first.NewProgramAsync("standard", name: "Acme");
        var email = $"{Guid.NewGuid():N}@example.com";
        var hanna = await t.AffiliateAsync("Hanna Schmidt", email);
        await t.RecordFormAsync(hanna, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt", "2026-03-01T10:00:00Z"));
        var mute = await t.AffiliateAsync("Jonas Weber");
        await t.RecordFormAsync(mute, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields("Jonas Weber"), "Jonas Weber", "2026-03-01T10:00:00Z"));
        // An affiliate imported without an address: the reminder is logged, not mailed.
        await using (var db = first.Db(t.ProgramId))
            await db.Affiliates.Where(a => a.Id == mute).ExecuteUpdateAsync(s => s.SetProperty(a => a.Email, ""));

        var dueAt = new DateTimeOffset(2029, 10, 3, 0, 0, 0, TimeSpan.Zero);
        first.Clock.SetUtcNow(dueAt.AddMinutes(-1));
        Assert.Equal(0, await first.Services.GetRequiredService<TaxFormReminder>().RunAsync(default));
        Assert.Null(await smtp.NextOrNoneAsync(TimeSpan.FromMilliseconds(300)));

        first.Clock.SetUtcNow(dueAt);
        second.Clock.SetUtcNow(dueAt);
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Services.GetRequiredService<TaxFormReminder>().RunAsync(default))));
        Assert.Equal(2, runs.Sum());

        var message = await smtp.NextAsync();
        Assert.Equal(email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Your W-8BEN for Acme expires on 2029-12-31", message.Subject);
        Assert.Null(await smtp.NextOrNoneAsync(TimeSpan.FromSeconds(1)));
        var body = message.TextBody ?? "";
        Assert.DoesNotContain(TaxSetup.W8BenFields()["foreign_tin"]!.GetValue<string>(), body, StringComparison.Ordinal);

        var url = SignInLink().Match(body).Value;
        var http = PortalHttp.Browser(first);
        await PortalHttp.SignInAsync(http, url);
        Assert.Contains("expir", await PortalHttp.PageAsync(http, "/portal/tax-form"), StringComparison.OrdinalIgnoreCase);

        var logs = first.Logs.Concat(second.Logs).ToList();
        Assert.Single(logs, l => l.Contains("Remit.Tax[9020]", StringComparison.Ordinal) && l.Contains($"affiliate {hanna} ", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Contains("Remit.Tax[9021]", StringComparison.Ordinal) && l.Contains($"affiliate {mute} ", StringComparison.Ordinal));
        Assert.Equal(0, await second.Services.GetRequiredService<TaxFormReminder>().RunAsync(default));
    }
}
