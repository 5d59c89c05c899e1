using System.Text.Json.Serialization;
using Remit.Api;

namespace Remit.Payouts;

public sealed record AffiliateRef(long Id, string Name, string Email);

public sealed record StatusChange(string? From, string To, DateTime At, string Actor, string? Notes);

public sealed record PayoutDto(
    long Id, long AffiliateId, AffiliateRef Affiliate, decimal Amount, string Currency, string? Method, string? Destination,
    string Status, string? Reference, string? Notes, string? FailureReason, string Source, long? RequestId, DateOnly? ScheduleDate,
    DateTime? PeriodStart, DateTime? PeriodEnd, DateTime CreatedAt, DateTime? ProcessingAt, DateTime? CompletedAt,
    DateTime? FailedAt, long? BatchId, DateTime? ReturnedAt, DateOnly? ReturnDate, string? ReturnCode, string? ReturnReason,
    IReadOnlyList<string> Holds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CommissionsCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StatusChange>? StatusHistory = null)
{
    public static PayoutDto From(Payout p, string affiliateName, string affiliateEmail) => new(
        p.Id, p.AffiliateId, new AffiliateRef(p.AffiliateId, affiliateName, affiliateEmail), Money.ToDecimal(p.AmountMinor, p.Currency),
        p.Currency, p.Method, p.Destination, p.Status, p.Reference, p.Notes, p.FailureReason, p.Source, p.RequestId, p.ScheduleDate,
        p.PeriodStart, p.PeriodEnd, p.CreatedAt, p.ProcessingAt, p.CompletedAt, p.FailedAt, p.BatchId, p.ReturnedAt, p.ReturnDate,
        p.ReturnCode, p.ReturnReason, PayoutHold.Of(p));
}

/// <summary>A payout with its affiliate's name and email, as one database row.</summary>
public sealed record PayoutRow(Payout Payout, string AffiliateName, string AffiliateEmail)
{
    public PayoutDto ToDto() => PayoutDto.From(Payout, AffiliateName, AffiliateEmail);
}

public sealed record PayoutStats(
    decimal TotalPendingAmount, int TotalPendingCount, decimal CompletedThisMonth, int FailedCount, int PendingRequestsCount,
    decimal ProcessingAmount, int ProcessingCount, string Currency);
