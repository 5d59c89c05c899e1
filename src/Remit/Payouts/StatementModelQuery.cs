using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Remit.Api;
using Remit.Data;
using Remit.Programs;

namespace Remit.Payouts;

/// <summary>Gathers what a payout statement shows, formatted for people in the program's currency and time zone.</summary>
public static class StatementModelQuery
{
    /// <summary>Lines read per query: a page of a few hundred KB, however many commissions the payout has.</summary>
    public const int LinesPerQuery = 2000;

    public static async Task<(StatementModel Model, StatementLines Lines)?> BuildAsync(RemitDb db, long payoutId, DateTime now, CancellationToken ct)
    {
        var row = await db.Payouts.AsNoTracking().Where(p => p.Id == payoutId)
            .Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email)).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var program = await db.CurrentProgramAsync(ct);
        var zone = ZoneCalendar.Zone(program);
        var p = row.Payout;
        var model = new StatementModel(
            program.Name, row.AffiliateName, row.AffiliateEmail, p.Id,
            p.Method ?? "not set", p.Destination ?? "—", p.Status, p.Currency, p.Reference,
            Stamp(p.CreatedAt, zone), p.ProcessingAt is { } pa ? Stamp(pa, zone) : null,
            p.CompletedAt is { } ca ? Stamp(ca, zone) : null, p.FailedAt is { } fa ? Stamp(fa, zone) : null,
            p.PeriodStart is { } ps ? Day(ps, zone) : null, p.PeriodEnd is { } pe ? Day(pe, zone) : null,
            Money.Format(p.AmountMinor, p.Currency),
            Stamp(now, zone));
        return (model, (add, token) => ReadLinesAsync(db, payoutId, zone, add, token));
    }

    /// <summary>
    /// The payout's commissions in (earned_at, id) order, a page at a time by keyset (after the last line's
    /// earned_at and id), so no query carries more than a page and no list of all ids is ever built.
    /// </summary>
    private static async Task ReadLinesAsync(RemitDb db, long payoutId, DateTimeZone zone, Action<StatementLine> add, CancellationToken ct)
    {
        (DateTime EarnedAt, long Id)? after = null;
        while (true)
        {
            var commissions = db.PayoutCommissions.Where(pc => pc.PayoutId == payoutId).Select(pc => pc.Commission!);
            if (after is { } last)
            {
                var (earnedAt, id) = last;
                commissions = commissions.Where(c => c.EarnedAt > earnedAt || (c.EarnedAt == earnedAt && c.Id > id));
            }
            var page = await commissions.AsNoTracking().OrderBy(c => c.EarnedAt).ThenBy(c => c.Id).Take(LinesPerQuery)
                .Select(c => new { c.Id, c.EarnedAt, c.Description, c.Reference, c.AmountMinor, c.Currency })
                .ToListAsync(ct);
            foreach (var l in page)
                add(new StatementLine(Day(l.EarnedAt, zone), l.Description ?? "", l.Reference, Money.Format(l.AmountMinor, l.Currency)));
            if (page.Count < LinesPerQuery) return;
            after = (page[^1].EarnedAt, page[^1].Id);
        }
    }

    private static string Day(DateTime utc, DateTimeZone zone) =>
        ZoneCalendar.Date(utc, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Stamp(DateTime utc, DateTimeZone zone) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(zone).LocalDateTime
            .ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
