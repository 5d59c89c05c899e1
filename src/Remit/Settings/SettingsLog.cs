using Remit.Data;

namespace Remit.Settings;

/// <summary>Settings changes in the operator's log: which settings and which fields, never a field's value for ACH or PayPal.</summary>
public static partial class SettingsLog
{
    public const string Category = "Remit.Settings";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(6001, LogLevel.Information, "Payout settings of program {ProgramId} changed: {Frequency} on day {PayoutDay}, minimum {MinPayout} {Currency}, hold {HoldDays} days, early requests {AllowEarlyRequests}, by {ActorType} {ActorId}")]
    public static partial void PayoutSettingsChanged(this ILogger log, long programId, string frequency, int payoutDay, string minPayout, string currency, int holdDays, bool allowEarlyRequests, string actorType, string? actorId);

    [LoggerMessage(6002, LogLevel.Information, "{Settings} settings of program {ProgramId} changed: fields {Fields}, by {ActorType} {ActorId}")]
    public static partial void PaymentSettingsChanged(this ILogger log, string settings, long programId, string fields, string actorType, string? actorId);
}
