using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Commissions;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Settings;

namespace Remit.Portal;

/// <summary>A part of the balance still in its hold period, and the day (program's calendar) it becomes payable.</summary>
public sealed record HeldPart(DateOnly PayableOn, long AmountMinor);

/// <summary>What the portal's overview shows an affiliate, in minor units of the program's currency.</summary>
public sealed record Overview(decimal PayableMinor, IReadOnlyList<HeldPart> OnHold, decimal OnItsWayMinor, DateOnly? NextPayoutDay)
{
    /// <summary>
    /// Balances by the same rules as the API's affiliate (payable, on hold), what is on hold grouped by the day it
    /// becomes payable, what is in pending or processing payouts, and the next payout day of the program's schedule.
    /// </summary>
    public static async Task<Overview> ForAsync(RemitDb db, AffiliateProgram program, long affiliateId, DateTime now, CancellationToken ct)
    {
        var row = await AffiliatesApi.WithBalances(db, db.Affiliates.AsNoTracking().Where(a => a.Id == affiliateId), program, now).SingleAsync(ct);
        var cutoff = CommissionStatus.PayableCutoff(now, program.HoldDays);
        var held = await db.Commissions.AsNoTracking().Where(c => c.AffiliateId == affiliateId).Where(CommissionStatus.IsOnHold(cutoff))
            .Select(c => new { c.EarnedAt, c.AmountMinor }).ToListAsync(ct);
        var zone = ZoneCalendar.Zone(program);
        // A commission is payable from earned_at + hold_days (CommissionStatus.PayableCutoff), shown as that instant's local day.
        var parts = held.GroupBy(c => ZoneCalendar.Date(c.EarnedAt.AddDays(program.HoldDays), zone))
            .OrderBy(g => g.Key).Select(g => new HeldPart(g.Key, g.Sum(c => c.AmountMinor))).ToList();
        var onItsWay = await db.Payouts.Where(p => p.AffiliateId == affiliateId && (p.Status == PayoutStatus.Pending || p.Status == PayoutStatus.Processing))
            .SumAsync(p => (decimal)p.AmountMinor, ct);
        return new Overview(row.Payable, parts, onItsWay, PayoutSchedule.NextPayoutDay(program, ZoneCalendar.Date(now, zone)));
    }

    /// <summary>An amount in minor units as people read it: "1,250.00 USD".</summary>
    public static string Amount(decimal minor, string currency) => Dashboard.Display.Money(Api.Money.ToDecimal(minor, currency), currency);
}
