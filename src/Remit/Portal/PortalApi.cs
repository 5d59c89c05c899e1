using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Remit.Api;
using Remit.Audit;
using Remit.Data;

namespace Remit.Portal;

public sealed record PortalLinkBody(bool? SendEmail);

/// <summary>POST /v1/affiliates/{id}/portal-link: a one-time sign-in link to the portal, answered once.</summary>
public static class PortalApi
{
    public static IEndpointRouteBuilder MapPortalLinks(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/affiliates", "Affiliates");
        group.MapPost("/{id:long}/portal-link", CreateLink).RequireAuthorization(Scopes.AffiliatesWrite).Accepts<PortalLinkBody>("application/json")
            .WithName("createPortalLink").WithSummary("Make a portal sign-in link")
            .WithDescription("A one-time link that signs the affiliate in to the portal (`/portal`): answered once as `url` (only its hash is kept), " +
                "usable once until `expires_at` (Remit__Portal__LinkLifetime, 24 hours by default). With `{\"send_email\": true}` Remit also " +
                "e-mails it to the affiliate (SMTP must be configured; `emailed` says whether it went). A disabled affiliate gets no link (422).");
        return app;
    }

    public static async Task<Results<Created<DataEnvelope<PortalLinkDto>>, ApiError>> CreateLink(long id, HttpContext http, RemitDb db,
        IOptions<PortalOptions> options, IOptions<PublicUrlOptions> publicUrl, PortalMailer mailer, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<PortalLinkBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.Affiliates.AnyAsync(a => a.Id == id, ct), "Affiliate not found.");
        var outcome = await CreateAsync(db, id, body?.SendEmail == true, publicUrl.Value.For(http.Request), options.Value, mailer, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp()
            ?? (Results<Created<DataEnvelope<PortalLinkDto>>, ApiError>)TypedResults.Created((string?)null, new DataEnvelope<PortalLinkDto>(outcome.Value!));
    }

    /// <summary>A link, e-mailed too when asked: the API and the dashboard's buttons both come here.</summary>
    public static async Task<Outcome<PortalLinkDto>> CreateAsync(RemitDb db, long id, bool sendEmail, string publicBase, PortalOptions options,
        PortalMailer mailer, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        if (sendEmail && !mailer.IsConfigured)
        {
            if (!await db.Affiliates.AnyAsync(a => a.Id == id, ct)) return Problem.NotFound("Affiliate not found.");
            return Problem.Invalid("send_email", "E-mail is not configured on this server (Remit__Smtp__Host); copy the link and send it yourself.");
        }
        var outcome = await PortalLinks.CreateAsync(db, id, publicBase, options.LinkLifetime, actor, clock, ct);
        if (outcome.Error is not null || !sendEmail) return outcome;
        var link = outcome.Value!;
        var to = await db.Affiliates.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.Name, a.Email }).SingleAsync(ct);
        var program = await db.CurrentProgramAsync(ct);
        try
        {
            await mailer.SendSignInLinkAsync(to.Name, to.Email, program.Name, link.Url, link.ExpiresAt, ct);
        }
        catch (Exception e) when (PortalMailer.IsMailFailure(e))
        {
            // The link exists and is answered: the merchant can still pass it on by hand.
            // The server's words may echo the address: the log gets the kind of failure and SMTP's status only.
            PortalLog.For(db).MailFailed(id, program.Id, e is MailKit.Net.Smtp.SmtpCommandException smtp ? $"SMTP {(int)smtp.StatusCode}" : e.GetType().Name);
            return Outcome<PortalLinkDto>.Ok(link);
        }
        PortalLog.For(db).LinkMailed(id, program.Id);
        return Outcome<PortalLinkDto>.Ok(link with { Emailed = true });
    }
}
