using Microsoft.AspNetCore.Mvc;
using Remit.Api;
using Remit.Data;
using Remit.Programs;

namespace Remit.Dashboard.Tokens;

/// <summary>API tokens: made with chosen scopes and shown once, listed with their last use, revoked.</summary>
public sealed class IndexModel(RemitDb db, TokenCache tokens, TimeProvider clock) : DashboardPage
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    /// <summary>The secret of the token just made. It is in this one answer and nowhere else, ever.</summary>
    public string? NewSecret { get; private set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Tokens = await ProgramAdmin.ListTokensAsync(db, Program.Id, ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string[] scopes, [FromForm(Name = "expires_in_days")] int? expiresInDays, CancellationToken ct)
    {
        try
        {
            var (_, secret) = await ProgramAdmin.CreateTokenAsync(db, Program.Id, name ?? "", scopes, expiresInDays, clock.GetUtcNow().UtcDateTime, ct, Actor);
            NewSecret = secret;
            Response.Headers.CacheControl = "no-store";
        }
        catch (ProgramAdmin.AdminException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        Tokens = await ProgramAdmin.ListTokensAsync(db, Program.Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken ct)
    {
        try
        {
            await ProgramAdmin.RevokeTokenAsync(db, Program.Id, id, clock.GetUtcNow().UtcDateTime, ct, Actor);
            tokens.Forget(id);
            Flash = $"Token #{id} revoked: it stops working at once here, and within {TokenCache.Lifetime.TotalSeconds:0} seconds on every other server.";
        }
        catch (ProgramAdmin.AdminException e)
        {
            FlashError = e.Message;
        }
        return LocalRedirect("/tokens");
    }
}
