// Placeholder for branch `paypal` (Remit.Payments.PayPal.PayPalClient, the agreed contract): deleted when it merges.
namespace Remit.Payments.PayPal;

public sealed record PayPalCredentials(string ClientId, string ClientSecret, Uri BaseUrl);
public sealed record PayPalPayoutItem(string SenderItemId, string ReceiverEmail, string Amount, string Currency, string? Note);
public sealed record PayPalItemResult(string SenderItemId, string? PayoutItemId, string TransactionStatus, string? TransactionId, string? ErrorName, string? ErrorMessage);
public sealed record PayPalBatchResult(string PayoutBatchId, string BatchStatus, IReadOnlyList<PayPalItemResult> Items);
public sealed record PayPalItemEvent(string EventType, string PayoutBatchId, string? PayoutItemId, string SenderItemId, string TransactionStatus, string? TransactionId, string? ErrorName, string? ErrorMessage);
public sealed class PayPalException(string message, int? status = null, string? name = null) : Exception(message)
{
    public int? Status { get; } = status;
    public string? Name { get; } = name;
}

public sealed class PayPalClient(HttpClient http, TimeProvider clock)
{
    public HttpClient Http => http;
    public TimeProvider Clock => clock;
    public Task<PayPalBatchResult> CreateBatchAsync(PayPalCredentials c, string senderBatchId, string emailSubject, IReadOnlyList<PayPalPayoutItem> items, CancellationToken ct) => throw new PayPalException("The PayPal client is not merged yet.");
    public Task<PayPalBatchResult> GetBatchAsync(PayPalCredentials c, string payoutBatchId, CancellationToken ct) => throw new PayPalException("The PayPal client is not merged yet.");
    public Task<bool> VerifyWebhookAsync(PayPalCredentials c, string webhookId, IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct) => throw new PayPalException("The PayPal client is not merged yet.");
    public static PayPalItemEvent? ParseWebhook(string body) => body.Length < 0 ? null : throw new PayPalException("The PayPal client is not merged yet.");
}
