using Remit.Data;

namespace Remit.Batches;

/// <summary>
/// Batches and PayPal in the operator's log: ids, counts, totals, statuses and what failed outside. Never a file's
/// content, a destination, PayPal credentials or tokens.
/// </summary>
public static partial class BatchLog
{
    public const string Category = "Remit.Batches";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(2001, LogLevel.Information, "Batch {BatchId} created in program {ProgramId}: {Method}, {Count} payouts, {Total} {Currency}, by {ActorType} {ActorId}")]
    public static partial void Created(this ILogger log, long batchId, long programId, string method, int count, string total, string currency, string actorType, string? actorId);

    [LoggerMessage(2002, LogLevel.Information, "Batch {BatchId} file {FileName} downloaded in program {ProgramId} by {ActorType} {ActorId}")]
    public static partial void FileDownloaded(this ILogger log, long batchId, string fileName, long programId, string actorType, string? actorId);

    [LoggerMessage(2003, LogLevel.Information, "Batch {BatchId} of program {ProgramId} sent to PayPal as payout_batch_id {PayPalBatchId}: {Count} items, by {ActorType} {ActorId}")]
    public static partial void Sent(this ILogger log, long batchId, long programId, string payPalBatchId, int count, string actorType, string? actorId);

    [LoggerMessage(2004, LogLevel.Information, "Batch {BatchId} of program {ProgramId} synced with PayPal: batch_status {PayPalStatus}, {Count} items, by {ActorType} {ActorId}")]
    public static partial void Synced(this ILogger log, long batchId, long programId, string payPalStatus, int count, string actorType, string? actorId);

    [LoggerMessage(2005, LogLevel.Information, "Batch {BatchId} of program {ProgramId} marked completed: {Count} processing payouts completed, batch now {Status}, by {ActorType} {ActorId}")]
    public static partial void Completed(this ILogger log, long batchId, long programId, int count, string status, string actorType, string? actorId);

    [LoggerMessage(2006, LogLevel.Information, "Batch {BatchId} of program {ProgramId} approved by {ActorType} {ActorId}")]
    public static partial void Approved(this ILogger log, long batchId, long programId, string actorType, string? actorId);

    [LoggerMessage(2101, LogLevel.Warning, "PayPal did not take batch {BatchId} of program {ProgramId} (HTTP {PayPalStatus}); nothing recorded as sent, a retry reuses its sender_batch_id")]
    public static partial void SendFailed(this ILogger log, Exception exception, long batchId, long programId, int? payPalStatus);

    [LoggerMessage(2102, LogLevel.Warning, "PayPal could not be read for batch {BatchId} of program {ProgramId} (HTTP {PayPalStatus})")]
    public static partial void SyncFailed(this ILogger log, Exception exception, long batchId, long programId, int? payPalStatus);

    [LoggerMessage(2103, LogLevel.Warning, "PayPal could not verify a webhook for batch {BatchId} of program {ProgramId} (HTTP {PayPalStatus})")]
    public static partial void WebhookVerifyFailed(this ILogger log, Exception exception, long batchId, long programId, int? payPalStatus);

    [LoggerMessage(2104, LogLevel.Warning, "PayPal webhook rejected: {Reason} (payout_batch_id {PayPalBatchId}, batch {BatchId}, program {ProgramId})")]
    public static partial void WebhookRejected(this ILogger log, string reason, string? payPalBatchId, long? batchId, long? programId);

    [LoggerMessage(2105, LogLevel.Information, "PayPal webhook {EventType} for batch {BatchId} of program {ProgramId}: item {SenderItemId} {TransactionStatus}")]
    public static partial void WebhookApplied(this ILogger log, string eventType, long batchId, long programId, string senderItemId, string transactionStatus);

    [LoggerMessage(2106, LogLevel.Debug, "PayPal webhook without a payout item ignored")]
    public static partial void WebhookIgnored(this ILogger log);

    /// <summary>The HTTP status PayPal answered, when there was an answer (none for a timeout or a lost connection).</summary>
    public static int? StatusOf(Exception e) => e switch
    {
        Payments.PayPal.PayPalException p => p.Status,
        HttpRequestException { StatusCode: { } code } => (int)code,
        _ => null,
    };
}
