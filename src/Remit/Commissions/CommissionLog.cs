using Remit.Data;

namespace Remit.Commissions;

/// <summary>Commissions in the operator's log: ids and amounts; never the description or reference text.</summary>
public static partial class CommissionLog
{
    public const string Category = "Remit.Commissions";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(4001, LogLevel.Information, "Commission {CommissionId} created in program {ProgramId} for affiliate {AffiliateId}: {Amount} {Currency}, by {ActorType} {ActorId}")]
    public static partial void Created(this ILogger log, long commissionId, long programId, long affiliateId, string amount, string currency, string actorType, string? actorId);

    [LoggerMessage(4002, LogLevel.Information, "Commission {CommissionId} of program {ProgramId} voided by {ActorType} {ActorId}")]
    public static partial void Voided(this ILogger log, long commissionId, long programId, string actorType, string? actorId);

    [LoggerMessage(4003, LogLevel.Information, "Commission {CommissionId} of program {ProgramId} clawed back by {Amount} {Currency} as adjustment {ClawbackId}, by {ActorType} {ActorId}")]
    public static partial void ClawedBack(this ILogger log, long commissionId, long programId, string amount, string currency, long clawbackId, string actorType, string? actorId);
}
