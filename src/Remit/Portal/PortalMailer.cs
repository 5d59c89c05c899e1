using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Remit.Portal;

/// <summary>Remit:Smtp in the configuration: where sign-in links are e-mailed from. Without a Host, nothing is e-mailed.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public bool IsValid => !IsConfigured || Port is > 0 and <= 65535 && MailboxAddress.TryParse(From, out _);
}

/// <summary>E-mails affiliates (sign-in links, W-8 reminders) through the configured SMTP server (MailKit).</summary>
public sealed class PortalMailer(IOptions<SmtpOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Sends one sign-in link. Throws on any SMTP failure: the caller says the mail was not sent.</summary>
    public Task SendSignInLinkAsync(string toName, string toEmail, string programName, string url, DateTime expiresAt, CancellationToken ct) =>
        SendAsync(toName, toEmail, $"Your sign-in link for {programName}", $"""
            Hello {toName},

            Open this link to see your balance and payouts with {programName}, and to give your payout details:

            {url}

            The link works once and until {expiresAt:yyyy-MM-dd HH:mm} UTC. If you did not ask for it, you can ignore this e-mail.
            """, ct);

    /// <summary>
    /// Asks the affiliate for a new W-8 before theirs expires, with a sign-in link when one could be made (the portal's
    /// tax form page is where they sign it). The form's content (TINs above all) is never in the mail.
    /// </summary>
    public Task SendTaxFormReminderAsync(string toName, string toEmail, string programName, string form, DateOnly expiresAt, PortalLinkDto? link,
        CancellationToken ct)
    {
        var how = link is null
            ? $"Ask {programName} for a sign-in link to the portal, then sign a new form on its Tax form page."
            : $"""
              Sign in with this link, then sign a new form on the Tax form page:

              {link.Url}

              The link works once and until {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC; {programName} can send you another.
              """;
        return SendAsync(toName, toEmail, $"Your {form} for {programName} expires on {expiresAt:yyyy-MM-dd}", $"""
            Hello {toName},

            The {form} you gave {programName} is good until {expiresAt:yyyy-MM-dd}. After that day your payouts wait until a new one is on file.

            {how}
            """, ct);
    }

    /// <summary>
    /// STARTTLS is used whenever the server offers it (implicit TLS on port 465); a user and password are sent only
    /// when configured. Throws on any SMTP failure.
    /// </summary>
    private async Task SendAsync(string toName, string toEmail, string subject, string text, CancellationToken ct)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From!));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };

        using var client = new SmtpClient();
        var security = o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(o.Host!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }

    /// <summary>A failure of the mail itself (the server, the network, TLS), as opposed to a bug: the caller logs it and goes on.</summary>
    public static bool IsMailFailure(Exception e) => e is MailKit.ProtocolException or MailKit.CommandException or IOException
        or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or TimeoutException;
}
