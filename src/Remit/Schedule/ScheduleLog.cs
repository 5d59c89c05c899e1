using Remit.Data;

namespace Remit.Schedule;

/// <summary>The payout schedule in the operator's log: programs, days and counts (each payout made is PayoutLog's line).</summary>
public static partial class ScheduleLog
{
    public const string Category = "Remit.Schedule";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(8501, LogLevel.Information, "Schedule of program {ProgramId} ran payout day {PayoutDate}: {Created} payouts made, {Skipped} affiliates skipped")]
    public static partial void DayRun(this ILogger log, long programId, DateOnly payoutDate, int created, int skipped);

    [LoggerMessage(8502, LogLevel.Error, "Schedule of program {ProgramId} failed; the next run tries again")]
    public static partial void ProgramFailed(this ILogger log, Exception exception, long programId);

    [LoggerMessage(8503, LogLevel.Debug, "Schedule of program {ProgramId}: affiliate {AffiliateId} already has its payout for {PayoutDate} (another run made it)")]
    public static partial void AlreadyMade(this ILogger log, long programId, long affiliateId, DateOnly payoutDate);
}
