using Remit.Data;

namespace Remit.Portal;

/// <summary>The portal's first page: what the affiliate is owed, what is on hold until when, and the next payout day.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : PortalPage
{
    public Overview Overview { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Overview = await Overview.ForAsync(db, Program, Affiliate.Id, clock.GetUtcNow().UtcDateTime, ct);
}
