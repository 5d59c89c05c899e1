using Remit.Data;

namespace Remit.Requests;

/// <summary>Payout requests in the operator's log: ids, amounts and who decided (kind and id); never the note or reason text.</summary>
public static partial class RequestLog
{
    public const string Category = "Remit.Requests";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(3001, LogLevel.Information, "Payout request {RequestId} created in program {ProgramId} for affiliate {AffiliateId}: {Amount} {Currency}, by {ActorType} {ActorId}")]
    public static partial void Created(this ILogger log, long requestId, long programId, long affiliateId, string amount, string currency, string actorType, string? actorId);

    [LoggerMessage(3002, LogLevel.Information, "Payout request {RequestId} of program {ProgramId} for affiliate {AffiliateId} approved as payout {PayoutId} by {ActorType} {ActorId}")]
    public static partial void Approved(this ILogger log, long requestId, long programId, long affiliateId, long payoutId, string actorType, string? actorId);

    [LoggerMessage(3003, LogLevel.Information, "Payout request {RequestId} of program {ProgramId} for affiliate {AffiliateId} rejected by {ActorType} {ActorId}")]
    public static partial void Rejected(this ILogger log, long requestId, long programId, long affiliateId, string actorType, string? actorId);
}
