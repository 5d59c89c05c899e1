using Remit.Data;

namespace Remit.Affiliates;

/// <summary>
/// Changes to where an affiliate is paid, in the operator's log: ids and the method only. Never the account or
/// routing number, wallet address, PayPal email or name: the log is not a place for an affiliate's details.
/// </summary>
public static partial class AffiliateLog
{
    public const string Category = "Remit.Affiliates";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(5001, LogLevel.Information, "Payout details of affiliate {AffiliateId} in program {ProgramId} set: method {Method}, by {ActorType} {ActorId}")]
    public static partial void PayoutDetailsChanged(this ILogger log, long affiliateId, long programId, string? method, string actorType, string? actorId);

    [LoggerMessage(5002, LogLevel.Information, "Affiliate {AffiliateId} of program {ProgramId} updated: status {Status}, method {Method}, by {ActorType} {ActorId}")]
    public static partial void Updated(this ILogger log, long affiliateId, long programId, string status, string? method, string actorType, string? actorId);

    [LoggerMessage(5003, LogLevel.Information, "Payout details of affiliate {AffiliateId} in program {ProgramId} confirmed: {Released} held payouts released, by {ActorType} {ActorId}")]
    public static partial void PayoutDetailsConfirmed(this ILogger log, long affiliateId, long programId, int released, string actorType, string? actorId);
}
