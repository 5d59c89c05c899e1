using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Portal.Payouts;

/// <summary>The affiliate's own payouts, newest first, a page at a time.</summary>
public sealed class IndexModel(RemitDb db) : PortalPage
{
    public const int PageSize = 25;

    public IReadOnlyList<Payout> Rows { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public int PageCount { get; private set; } = 1;

    public async Task OnGetAsync(int? page, CancellationToken ct)
    {
        var mine = db.Payouts.AsNoTracking().Where(p => p.AffiliateId == Affiliate.Id);
        var total = await mine.CountAsync(ct);
        PageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(page ?? 1, 1, PageCount);
        Rows = await mine.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }
}
