using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Audit;
using Remit.Commissions;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;

namespace Remit.Schedule;

/// <summary>A run as the API, the dashboard and the CLI show it: the payouts of its day and who was passed over.</summary>
public sealed record ScheduleRunDto(long Id, long ProgramId, DateOnly PayoutDate, DateTime StartedAt, DateTime? FinishedAt,
    IReadOnlyList<long> Created, IReadOnlyList<SkippedAffiliate> Skipped);

/// <summary>
/// The payout schedule: on each payout day, a pending payout for every active affiliate whose payable balance is at
/// least min_payout and who has no pending payout. The Quartz job and <c>remit schedule run</c> both call
/// <see cref="RunDueAsync"/>; nothing here relies on being the only caller. A payout per affiliate and day is made
/// once by the unique key (program, affiliate, schedule_date) on payouts, so any number of processes may run the
/// same day at once, or again after a crash, and each affiliate is paid once for it.
/// </summary>
public sealed class PayoutSchedule(IServiceScopeFactory scopes, TimeProvider clock, ILoggerFactory logs)
{
    /// <summary>
    /// Runs the latest payout day that is due and not yet finished, for one program or every program with
    /// auto_create_payouts on. Only the latest: after downtime, the days missed before it are not paid twice over
    /// (its payouts take everything payable anyway). <paramref name="asOf"/> (a date of the program's calendar, not
    /// after its today) runs the latest payout day up to that date instead. Each program on its own: one failing is
    /// logged and the others still run; its unfinished day is picked up by the next run.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<ScheduleRunDto>>> RunDueAsync(long? programId, DateOnly? asOf, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<AffiliateProgram> programs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            var query = db.Programs.AsNoTracking();
            query = programId is { } id ? query.Where(p => p.Id == id) : query.Where(p => p.AutoCreatePayouts);
            programs = await query.OrderBy(p => p.Id).ToListAsync(ct);
        }
        if (programId is not null && programs.Count == 0) return Problem.NotFound($"No program {programId}.");
        if (asOf is { } date && programs.FirstOrDefault(p => date > Today(p, now)) is { } ahead)
            return Problem.Invalid("as_of", $"{date:yyyy-MM-dd} is after today ({Today(ahead, now):yyyy-MM-dd}) in program {ahead.Id}'s time zone ({ahead.TimeZone}): a payout day is run on or after it, never before.");

        var runs = new List<ScheduleRunDto>();
        foreach (var program in programs)
        {
            try
            {
                if (await RunProgramAsync(program, asOf, now, ct) is { } run) runs.Add(run);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logs.CreateLogger(ScheduleLog.Category).ProgramFailed(e, program.Id);
            }
        }
        return Outcome<IReadOnlyList<ScheduleRunDto>>.Ok(runs);
    }

    /// <summary>The program's payout day due at <paramref name="utcNow"/> (up to <paramref name="asOf"/>), if the schedule is on.</summary>
    public static DateOnly? DueDay(AffiliateProgram program, DateTime utcNow, DateOnly? asOf = null)
    {
        if (!program.AutoCreatePayouts || program.ScheduleSince is not { } since) return null;
        var zone = ZoneCalendar.Zone(program);
        return ScheduleCalendar.LatestOnOrBefore(program.PayoutFrequency, program.PayoutDay, ZoneCalendar.Date(since, zone), asOf ?? ZoneCalendar.Date(utcNow, zone));
    }

    /// <summary>
    /// The first payout day not yet run: the due day while it has not finished (also a missed one, which the next
    /// run makes up), else the next payout day after it. Null while the schedule is off.
    /// </summary>
    public static async Task<DateOnly?> NextPayoutDateAsync(RemitDb db, AffiliateProgram program, DateTime utcNow, CancellationToken ct)
    {
        if (!program.AutoCreatePayouts || program.ScheduleSince is not { } sinceUtc) return null;
        var zone = ZoneCalendar.Zone(program);
        var since = ZoneCalendar.Date(sinceUtc, zone);
        var due = DueDay(program, utcNow);
        if (due is { } day && !await db.ScheduleRuns.AnyAsync(r => r.ProgramId == program.Id && r.PayoutDate == day && r.FinishedAt != null, ct))
            return day;
        return ScheduleCalendar.FirstOnOrAfter(program.PayoutFrequency, program.PayoutDay, since, due?.AddDays(1) ?? ZoneCalendar.Date(utcNow, zone));
    }

    private static DateOnly Today(AffiliateProgram program, DateTime utcNow) => ZoneCalendar.Date(utcNow, ZoneCalendar.Zone(program));

    private async Task<ScheduleRunDto?> RunProgramAsync(AffiliateProgram program, DateOnly? asOf, DateTime now, CancellationToken ct)
    {
        if (DueDay(program, now, asOf) is not { } day) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        db.ProgramId = program.Id;
        var run = await StartAsync(db, day, now, ct);
        if (run is null) return null;

        var skipped = await PayAsync(db, program, day, now, ct);
        var finished = clock.GetUtcNow().UtcDateTime;
        // Whoever finishes the day last writes it; every process that ran it saw the same affiliates.
        await db.ScheduleRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.FinishedAt, finished)
            .SetProperty(r => r.Skipped, skipped), ct);
        var created = await CreatedAsync(db, [day], ct);
        ScheduleLog.For(db).DayRun(program.Id, day, created[day].Count, skipped.Count);
        return new ScheduleRunDto(run.Id, program.Id, day, run.StartedAt, finished, created[day], skipped);
    }

    /// <summary>The day's run row: recorded by the first process to get there; null when the day is already finished.</summary>
    private static async Task<ScheduleRun?> StartAsync(RemitDb db, DateOnly day, DateTime now, CancellationToken ct)
    {
        var run = await db.ScheduleRuns.AsNoTracking().SingleOrDefaultAsync(r => r.PayoutDate == day, ct);
        if (run is null)
        {
            run = new ScheduleRun { ProgramId = db.ProgramId, PayoutDate = day, StartedAt = now };
            db.ScheduleRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                // Another process recorded the day first: run it alongside (the payouts' key keeps that harmless).
                db.ChangeTracker.Clear();
                run = await db.ScheduleRuns.AsNoTracking().SingleAsync(r => r.PayoutDate == day, ct);
            }
            db.ChangeTracker.Clear();
        }
        return run.FinishedAt is null ? run : null;
    }

    /// <summary>
    /// Affiliates paid in one transaction and one <see cref="PayoutActions.CreateManyAsync"/>: a fixed number of
    /// statements per chunk, so a day of 20,000 affiliates costs a few hundred statements, not 20,000 transactions.
    /// Bounded so that one chunk holds SQLite's write lock (and PostgreSQL's row locks) for a fraction of a second,
    /// which manual payouts and the API wait on, and a failure costs one chunk's work, which the next run redoes.
    /// </summary>
    private const int ChunkSize = 500;

    /// <summary>Pays every affiliate due on <paramref name="day"/>, a chunk per transaction; returns those passed over.</summary>
    private static async Task<List<SkippedAffiliate>> PayAsync(RemitDb db, AffiliateProgram program, DateOnly day, DateTime now, CancellationToken ct)
    {
        var cutoff = CommissionStatus.PayableCutoff(now, program.HoldDays);
        // Everyone with something payable now (the hold period is judged at the run, as for any payout).
        var balances = await db.Commissions.Where(CommissionStatus.IsPayable(cutoff))
            .Where(c => c.Affiliate!.Status == AffiliateStatus.Active)
            .GroupBy(c => c.AffiliateId)
            .Select(g => new { AffiliateId = g.Key, Balance = g.Sum(c => (decimal)c.AmountMinor) })
            .Where(b => b.Balance > 0)
            .OrderBy(b => b.AffiliateId)
            .ToListAsync(ct);
        // A payout of this very day is no reason to skip: it is this run's (or a racing run's) own.
        var pending = (await db.Payouts.Where(p => p.Status == PayoutStatus.Pending && (p.ScheduleDate == null || p.ScheduleDate != day))
            .Select(p => p.AffiliateId).Distinct().ToListAsync(ct)).ToHashSet();
        var skipped = new List<SkippedAffiliate>();
        var due = new List<long>();
        foreach (var (affiliateId, balance) in balances.Select(b => (b.AffiliateId, b.Balance)))
        {
            var reason = pending.Contains(affiliateId) ? SkipReasons.PendingPayout
                : balance < program.MinPayoutMinor ? SkipReasons.BelowMinPayout
                : balance > Money.MaxPayoutMinor ? SkipReasons.OverMaxPayout
                : null;
            if (reason is null) due.Add(affiliateId);
            else skipped.Add(new SkippedAffiliate(affiliateId, reason));
        }
        foreach (var chunk in due.Chunk(ChunkSize))
            skipped.AddRange(await PayChunkAsync(db, program, chunk, day, now, ct));
        return skipped.OrderBy(s => s.AffiliateId).ToList();
    }

    /// <summary>
    /// A chunk of affiliates' scheduled payouts in one transaction, through the one payout-making code; returns those
    /// passed over and why. An affiliate already paid for the day (by an earlier, cut-short run or a racing process) is
    /// neither paid again nor skipped: their payout counts among the day's.
    /// </summary>
    private static async Task<List<SkippedAffiliate>> PayChunkAsync(RemitDb db, AffiliateProgram program, long[] chunk, DateOnly day, DateTime now, CancellationToken ct)
    {
        var skipped = new List<SkippedAffiliate>();
        var log = ScheduleLog.For(db);
        var affiliates = await db.Affiliates.AsNoTracking().Where(a => chunk.Contains(a.Id)).OrderBy(a => a.Id).ToListAsync(ct);
        var paid = (await PaidAsync(db, chunk, day, ct)).ToHashSet();
        var payable = new List<Affiliate>();
        foreach (var affiliate in affiliates)
        {
            if (PayoutActions.MethodProblem(program, affiliate) is not null) skipped.Add(new SkippedAffiliate(affiliate.Id, SkipReasons.MethodNotInPlan));
            else if (paid.Contains(affiliate.Id)) log.AlreadyMade(program.Id, affiliate.Id, day);
            else payable.Add(affiliate);
        }
        while (payable.Count > 0)
        {
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var made = await PayoutActions.CreateManyAsync(db, program, payable, PayoutSource.Schedule, null, program.MinPayoutMinor, Actor.System, now, ct, day);
                await tx.CommitAsync(ct);
                var payoutLog = PayoutLog.For(db);
                foreach (var (affiliateId, (payout, claimed)) in made.OrderBy(m => m.Key))
                {
                    if (payout is not null) payoutLog.Created(payout, Actor.System);
                    // The balance moved since it was read (a commission voided, another payout made): judged on what was claimed.
                    else if ((claimed > Money.MaxPayoutMinor ? SkipReasons.OverMaxPayout : claimed > 0 ? SkipReasons.BelowMinPayout : null) is { } reason)
                        skipped.Add(new SkippedAffiliate(affiliateId, reason));
                }
                return skipped;
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                // A racing process made some of these payouts first (its transaction committed: PostgreSQL reports the
                // conflict only then, and SQLite writes one at a time). The chunk rolled back; it goes again without them.
                db.ChangeTracker.Clear();
                var racedTo = (await PaidAsync(db, [.. payable.Select(a => a.Id)], day, ct)).ToHashSet();
                if (racedTo.Count == 0) throw;
                foreach (var affiliateId in racedTo) log.AlreadyMade(program.Id, affiliateId, day);
                payable.RemoveAll(a => racedTo.Contains(a.Id));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        return skipped;
    }

    /// <summary>Which of these affiliates have their payout for the day already.</summary>
    private static Task<List<long>> PaidAsync(RemitDb db, long[] affiliateIds, DateOnly day, CancellationToken ct) =>
        db.Payouts.Where(p => p.ScheduleDate == day && affiliateIds.Contains(p.AffiliateId)).Select(p => p.AffiliateId).ToListAsync(ct);

    /// <summary>The payouts each of these days made, by day, oldest first.</summary>
    public static async Task<Dictionary<DateOnly, List<long>>> CreatedAsync(RemitDb db, IReadOnlyCollection<DateOnly> days, CancellationToken ct)
    {
        var rows = await db.Payouts.Where(p => p.ScheduleDate != null && days.Contains(p.ScheduleDate.Value))
            .OrderBy(p => p.Id).Select(p => new { Day = p.ScheduleDate!.Value, p.Id }).ToListAsync(ct);
        return days.ToDictionary(d => d, d => rows.Where(r => r.Day == d).Select(r => r.Id).ToList());
    }
}
