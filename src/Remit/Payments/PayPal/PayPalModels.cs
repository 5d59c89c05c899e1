namespace Remit.Payments.PayPal;

/// <summary>A merchant's PayPal REST app. <paramref name="BaseUrl"/> comes from the server's configuration only
/// (https://api-m.paypal.com or https://api-m.sandbox.paypal.com), never from the merchant.</summary>
public sealed record PayPalCredentials(string ClientId, string ClientSecret, Uri BaseUrl)
{
    // Records print every property; a secret in a log line or an exception message is a leak.
    public override string ToString() => $"PayPalCredentials {{ ClientId = {ClientId}, BaseUrl = {BaseUrl} }}";
}

/// <summary>One payment of a batch. <paramref name="Amount"/> is already formatted with the currency's decimals
/// ("12.50"); <paramref name="SenderItemId"/> is Remit's payout id and comes back on every item and webhook.</summary>
public sealed record PayPalPayoutItem(string SenderItemId, string ReceiverEmail, string Amount, string Currency, string? Note);

/// <summary>PayPal's view of one item. <paramref name="TransactionStatus"/> is PayPal's word: SUCCESS, FAILED,
/// PENDING, UNCLAIMED, RETURNED, ONHOLD, BLOCKED, REFUNDED or REVERSED.</summary>
public sealed record PayPalItemResult(string SenderItemId, string? PayoutItemId, string TransactionStatus, string? TransactionId, string? ErrorName, string? ErrorMessage);

/// <summary>A batch as PayPal reports it. <see cref="PayPalClient.CreateBatchAsync"/> results carry no items when PayPal only
/// acknowledged the batch (its 201 holds the header alone); <see cref="PayPalClient.GetBatchAsync"/> reads them.</summary>
public sealed record PayPalBatchResult(string PayoutBatchId, string BatchStatus, IReadOnlyList<PayPalItemResult> Items)
{
    /// <summary>True when PayPal refused the create because the sender_batch_id had already been used and the result
    /// is the batch that earlier request made: nothing new was paid.</summary>
    public bool AlreadySent { get; init; }
}

/// <summary>A PAYMENT.PAYOUTS-ITEM.* webhook, reduced to what a payout's status needs.</summary>
public sealed record PayPalItemEvent(string EventType, string PayoutBatchId, string? PayoutItemId, string SenderItemId, string TransactionStatus, string? TransactionId, string? ErrorName, string? ErrorMessage)
{
    /// <summary>Our sender_batch_id, which PayPal repeats on each item: it finds a batch whose PayPal id is not known yet.</summary>
    public string? SenderBatchId { get; init; }
}

/// <summary>PayPal answered and said no (a 4xx, or a response Remit cannot read): repeating the same request will not
/// help. <see cref="Name"/> is PayPal's error name (VALIDATION_ERROR, invalid_client, ...). Failures that may pass on
/// their own (5xx, 429, timeouts, refused connections) surface as <see cref="HttpRequestException"/> once the
/// client's retries are spent, and leave the outcome unknown.</summary>
public class PayPalException(string message, int? status = null, string? name = null) : Exception(message)
{
    public int? Status { get; } = status;
    public string? Name { get; } = name;
}

/// <summary>PayPal refused a sender_batch_id as already used but named no batch to read: PayPal has the batch (nothing
/// new was paid) and its payout_batch_id is unknown until a webhook of one of its items or the merchant names it.</summary>
public sealed class PayPalBatchUnlinkedException(string message, int status, string? name) : PayPalException(message, status, name);
