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

/// <summary>E-mails sign-in links through the configured SMTP server (MailKit).</summary>
public sealed class PortalMailer(IOptions<SmtpOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>
    /// Sends one sign-in link. STARTTLS is used whenever the server offers it (implicit TLS on port 465); a user and
    /// password are sent only when configured. Throws on any SMTP failure: the caller says the mail was not sent.
    /// </summary>
    public async Task SendSignInLinkAsync(string toName, string toEmail, string programName, string url, DateTime expiresAt, CancellationToken ct)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From!));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = $"Your sign-in link for {programName}";
        var text = $"""
            Hello {toName},

            Open this link to see your balance and payouts with {programName}, and to give your payout details:

            {url}

            The link works once and until {expiresAt:yyyy-MM-dd HH:mm} UTC. If you did not ask for it, you can ignore this e-mail.
            """;
        message.Body = new TextPart("plain") { Text = text };

        using var client = new SmtpClient();
        var security = o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(o.Host!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
