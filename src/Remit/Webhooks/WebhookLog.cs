using Remit.Data;

namespace Remit.Webhooks;

/// <summary>Webhooks in the operator's log: ids, event types, HTTP statuses; never a secret, a URL or a payload.</summary>
public static partial class WebhookLog
{
    public const string Category = "Remit.Webhooks";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(9001, LogLevel.Information, "Webhook endpoint {EndpointId} of program {ProgramId} {Change} by {ActorType} {ActorId}")]
    public static partial void EndpointChanged(this ILogger log, long endpointId, long programId, string change, string actorType, string? actorId);

    [LoggerMessage(9002, LogLevel.Information, "Webhook delivery {DeliveryId} to endpoint {EndpointId} of program {ProgramId} queued again (replay) by {ActorType} {ActorId}")]
    public static partial void Replayed(this ILogger log, long deliveryId, long endpointId, long programId, string actorType, string? actorId);

    [LoggerMessage(9003, LogLevel.Debug, "Webhook {EventType} {MessageId} delivered to endpoint {EndpointId} of program {ProgramId} (attempt {Attempt}, HTTP {StatusCode})")]
    public static partial void Delivered(this ILogger log, string eventType, string messageId, long endpointId, long programId, int attempt, int statusCode);

    [LoggerMessage(9004, LogLevel.Warning, "Webhook {EventType} {MessageId} to endpoint {EndpointId} of program {ProgramId} failed (attempt {Attempt}, HTTP {StatusCode}): {Error}")]
    public static partial void AttemptFailed(this ILogger log, string eventType, string messageId, long endpointId, long programId, int attempt, int? statusCode, string? error);

    [LoggerMessage(9005, LogLevel.Warning, "Webhook {EventType} {MessageId} to endpoint {EndpointId} of program {ProgramId} given up after {Attempts} attempts")]
    public static partial void GaveUp(this ILogger log, string eventType, string messageId, long endpointId, long programId, int attempts);

    [LoggerMessage(9006, LogLevel.Warning, "Webhook endpoint {EndpointId} of program {ProgramId} disabled: every attempt has failed since {FailingSince:u}")]
    public static partial void EndpointDisabled(this ILogger log, long endpointId, long programId, DateTime failingSince);

    [LoggerMessage(9007, LogLevel.Error, "Webhook delivery round failed; the next round tries again")]
    public static partial void RoundFailed(this ILogger log, Exception e);
}
