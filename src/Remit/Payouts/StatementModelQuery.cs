using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Payouts;

/// <summary>Gathers what a payout statement shows, formatted for people in the program's currency and time zone.</summary>
public static class StatementModelQuery
{
    public static async Task<StatementModel?> BuildAsync(RemitDb db, long payoutId, DateTime now, CancellationToken ct)
    {
        var row = await db.Payouts.AsNoTracking().Where(p => p.Id == payoutId)
            .Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email)).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var program = await db.CurrentProgramAsync(ct);
        var zone = program.TimeZoneInfo;
        var p = row.Payout;
        string Day(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Stamp(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        // A payout's commissions are bounded by one affiliate's payable balance; a statement needs all of them.
        // Ids first, then rows by primary key: a join lets the planner walk every commission of the program in
        // earned_at order instead.
        var ids = await db.PayoutCommissions.Where(pc => pc.PayoutId == payoutId).Select(pc => pc.CommissionId).ToListAsync(ct);
        var lines = await db.Commissions.AsNoTracking().Where(c => ids.Contains(c.Id))
            .OrderBy(c => c.EarnedAt).ThenBy(c => c.Id)
            .Select(c => new { c.EarnedAt, c.Description, c.Reference, c.AmountMinor, c.Currency })
            .ToListAsync(ct);

        return new StatementModel(
            program.Name, row.AffiliateName, row.AffiliateEmail, p.Id,
            p.Method ?? "not set", p.Destination ?? "—", p.Status, p.Currency, p.Reference,
            Stamp(p.CreatedAt), p.ProcessingAt is { } pa ? Stamp(pa) : null, p.CompletedAt is { } ca ? Stamp(ca) : null,
            p.FailedAt is { } fa ? Stamp(fa) : null,
            p.PeriodStart is { } ps ? Day(ps) : null, p.PeriodEnd is { } pe ? Day(pe) : null,
            lines.Select(l => new StatementLine(Day(l.EarnedAt), l.Description ?? "", l.Reference, Money.Format(l.AmountMinor, l.Currency))).ToList(),
            Money.Format(p.AmountMinor, p.Currency),
            Stamp(now));
    }
}
