using System.Text.Json;
using System.Text.Json.Serialization;

namespace Remit.Payments.PayPal;

// PayPal's JSON as documented in the Payouts v1, OAuth2 and Webhooks v1 references. Reads tolerate missing fields
// (PayPal omits what does not apply, e.g. transaction_id on a FAILED item) and the client decides what is required.

internal static class PayPalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

internal sealed record PayPalMoney(string Value, string Currency);

internal sealed record CreatePayoutRequest(CreatePayoutRequest.Header SenderBatchHeader, IReadOnlyList<CreatePayoutRequest.Item> Items)
{
    public sealed record Header(string SenderBatchId, string? EmailSubject, string RecipientType);

    public sealed record Item(string RecipientType, PayPalMoney Amount, string Receiver, string? Note, string SenderItemId);
}

internal sealed record TokenResponse(string? AccessToken, long? ExpiresIn);

internal sealed record PayoutBatchResponse(PayoutBatchResponse.Header? BatchHeader, IReadOnlyList<PayoutItemResponse>? Items, int? TotalPages)
{
    public sealed record Header(string? PayoutBatchId, string? BatchStatus, SenderHeader? SenderBatchHeader);

    public sealed record SenderHeader(string? SenderBatchId);
}

/// <summary>An item of "show payout batch details", and the resource of a PAYMENT.PAYOUTS-ITEM.* webhook.</summary>
internal sealed record PayoutItemResponse(
    string? PayoutItemId,
    string? TransactionId,
    string? TransactionStatus,
    string? PayoutBatchId,
    string? SenderBatchId,
    PayoutItemResponse.Detail? PayoutItem,
    PayoutItemResponse.Error? Errors)
{
    public sealed record Detail(string? SenderItemId, string? Receiver, PayPalMoney? Amount);

    // Only name and message: PayPal has been seen sending this object's details and links as {} instead of [].
    public sealed record Error(string? Name, string? Message);
}

internal sealed record WebhookEvent(string? EventType, PayoutItemResponse? Resource);

internal sealed record VerifyWebhookResponse(string? VerificationStatus);

/// <summary>Both error shapes: the REST one (name, message, details, links) and OAuth2's (error, error_description).</summary>
internal sealed record ErrorResponse(
    string? Name,
    string? Message,
    string? Error,
    string? ErrorDescription,
    IReadOnlyList<ErrorResponse.Detail>? Details,
    IReadOnlyList<ErrorResponse.Link>? Links)
{
    // A duplicate sender_batch_id puts the link to the original batch under details[].link (singular, an array).
    public sealed record Detail(string? Field, string? Issue, IReadOnlyList<Link>? Link);

    public sealed record Link(string? Href, string? Rel);
}
