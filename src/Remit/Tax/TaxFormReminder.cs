using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Remit.Audit;
using Remit.Data;
using Remit.Portal;
using Quartz;

namespace Remit.Tax;

/// <summary>
/// The W-8 reminder: <see cref="TaxForms.RemindExpiringAsync"/> decides which forms are due and claims each once (a
/// conditional update), and this e-mails the affiliate for each form it claimed, with a portal sign-in link to sign a
/// new one. A reminder whose mail fails is not retried: the claim is the "once", and the merchant still sees the form
/// as expiring in the dashboard and through the tax_form.expiring webhook.
/// </summary>
public sealed class TaxFormReminder(IServiceScopeFactory scopes, PortalMailer mailer, IOptions<PortalOptions> portal, IOptions<PublicUrlOptions> publicUrl,
    TimeProvider clock)
{
    /// <summary>The job's body: every program's forms due now. Returns how many reminders were claimed.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        return await TaxForms.RemindExpiringAsync(db, clock, form => MailAsync(db, form, ct), ct);
    }

    private async Task MailAsync(RemitDb db, TaxForm form, CancellationToken ct)
    {
        var log = TaxLog.For(db);
        db.ProgramId = form.ProgramId;
        var to = await db.Affiliates.AsNoTracking().Where(a => a.Id == form.AffiliateId).Select(a => new { a.Name, a.Email, a.Status }).SingleAsync(ct);
        if (string.IsNullOrWhiteSpace(to.Email))
        {
            log.ReminderNoEmail(form.Id, form.AffiliateId, form.ProgramId);
            return;
        }
        if (!mailer.IsConfigured)
        {
            log.ReminderNoSmtp(form.Id, form.AffiliateId, form.ProgramId);
            return;
        }
        var program = await db.CurrentProgramAsync(ct);
        // Without a configured public URL a background job knows no host to link to: the mail asks for a link instead.
        PortalLinkDto? link = null;
        if (!string.IsNullOrEmpty(publicUrl.Value.Base))
            link = (await PortalLinks.CreateAsync(db, form.AffiliateId, publicUrl.Value.Base.TrimEnd('/'), portal.Value.LinkLifetime, Actor.System, clock, ct)).Value;
        try
        {
            await mailer.SendTaxFormReminderAsync(to.Name, to.Email, program.Name, TaxFormKinds.Label(form.Kind), form.ExpiresAt!.Value, link, ct);
        }
        catch (Exception e) when (PortalMailer.IsMailFailure(e))
        {
            // The server's words may echo the address: the log gets the kind of failure and SMTP's status only.
            log.ReminderMailFailed(form.Id, form.AffiliateId, form.ProgramId, e is MailKit.Net.Smtp.SmtpCommandException smtp ? $"SMTP {(int)smtp.StatusCode}" : e.GetType().Name);
            return;
        }
        log.ReminderMailed(form.Id, form.AffiliateId, form.ProgramId);
    }
}

/// <summary>The Quartz job (hourly, with the payout schedule's): the reminders due now, for every program.</summary>
internal sealed class TaxFormReminderJob(TaxFormReminder reminder) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await reminder.RunAsync(cancellationToken);
}
