using Remit.Data;

namespace Remit.Payouts;

/// <summary>
/// The payout lifecycle in the operator's log: ids, amounts and statuses, and who acted (kind and id, never a name or
/// email). Never an account, destination, reference or free text: those can carry what a log must not.
/// </summary>
public static partial class PayoutLog
{
    public const string Category = "Remit.Payouts";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    /// <summary>A payout made (manual, request, schedule): logged by the caller once its transaction committed.</summary>
    public static void Created(this ILogger log, Payout payout, Audit.Actor actor) =>
        log.Created(payout.Id, payout.ProgramId, payout.AffiliateId, Api.Money.Format(payout.AmountMinor, payout.Currency), payout.Currency,
            payout.Method, payout.Source, actor.Type, actor.Id);

    [LoggerMessage(1001, LogLevel.Information, "Payout {PayoutId} created in program {ProgramId} for affiliate {AffiliateId}: {Amount} {Currency} by {Method}, source {Source}, by {ActorType} {ActorId}")]
    public static partial void Created(this ILogger log, long payoutId, long programId, long affiliateId, string amount, string currency, string? method, string source, string actorType, string? actorId);

    [LoggerMessage(1002, LogLevel.Information, "Payout {PayoutId} in program {ProgramId} moved {FromStatus} -> {ToStatus}: {Amount} {Currency}, batch {BatchId}, by {ActorType} {ActorId}")]
    public static partial void Moved(this ILogger log, long payoutId, long programId, string fromStatus, string toStatus, string amount, string currency, long? batchId, string actorType, string? actorId);

    [LoggerMessage(1003, LogLevel.Debug, "Payout {PayoutId} in program {ProgramId} is {Status}; refused the move to {ToStatus} by {ActorType} {ActorId}")]
    public static partial void MoveRefused(this ILogger log, long payoutId, long programId, string status, string toStatus, string actorType, string? actorId);

    [LoggerMessage(1004, LogLevel.Information, "{Count} payouts of program {ProgramId} moved pending -> processing into batch {BatchId} by {ActorType} {ActorId}")]
    public static partial void MovedIntoBatch(this ILogger log, int count, long programId, long batchId, string actorType, string? actorId);

    [LoggerMessage(1007, LogLevel.Information, "{Count} payouts of program {ProgramId} moved processing -> completed with batch {BatchId} by {ActorType} {ActorId}: {PayoutIds}")]
    public static partial void CompletedWithBatch(this ILogger log, int count, long programId, long batchId, string actorType, string? actorId, string payoutIds);

    [LoggerMessage(1005, LogLevel.Information, "Bulk move to {ToStatus} in program {ProgramId}: {Succeeded} moved, {Failed} refused, by {ActorType} {ActorId}")]
    public static partial void BulkMoved(this ILogger log, string toStatus, long programId, int succeeded, int failed, string actorType, string? actorId);

    [LoggerMessage(1006, LogLevel.Warning, "Payout {PayoutId} in program {ProgramId} returned ({ReturnCode}): {Amount} {Currency} owed again as adjustment commission {CommissionId}, recorded by {ActorType} {ActorId}")]
    public static partial void Returned(this ILogger log, long payoutId, long programId, string returnCode, string amount, string currency, long commissionId, string actorType, string? actorId);
}
