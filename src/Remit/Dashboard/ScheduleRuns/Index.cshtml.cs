using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Schedule;

namespace Remit.Dashboard.ScheduleRuns;

/// <summary>Sidebar → Schedule: what each run of the payout schedule did (GET /v1/schedule-runs' page) and the next payout day.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public ListEnvelope<ScheduleRunDto> Table { get; private set; } = null!;
    public DateOnly? NextPayoutDate { get; private set; }
    /// <summary>Names of the affiliates the page's runs skipped.</summary>
    public Dictionary<long, string> Names { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var paging = Paging.Parse(Request, new Validation());
        Table = await ScheduleApi.PageAsync(db, paging, HttpContext, ct);
        NextPayoutDate = await PayoutSchedule.NextPayoutDateAsync(db, Program, clock.GetUtcNow().UtcDateTime, ct);
        var ids = Table.Data.SelectMany(r => r.Skipped.Select(s => s.AffiliateId)).Distinct().ToList();
        Names = await db.Affiliates.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
    }
}
