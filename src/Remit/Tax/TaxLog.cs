using Remit.Data;

namespace Remit.Tax;

/// <summary>
/// Tax forms in the operator's log: ids, the form, statuses and who acted. Never a TIN (whole or in part), a date of
/// birth, a name or an address: the log is not a place for what a form says.
/// </summary>
public static partial class TaxLog
{
    public const string Category = "Remit.Tax";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(9001, LogLevel.Information, "Tax form {FormId} ({Kind}) on file for affiliate {AffiliateId} of program {ProgramId}: {Source}, superseding a form: {Supersedes}, by {ActorType} {ActorId}")]
    public static partial void FormSubmitted(this ILogger log, long formId, string kind, long affiliateId, long programId, string source, bool supersedes, string actorType, string? actorId);

    [LoggerMessage(9002, LogLevel.Information, "Tax form {FormId} of affiliate {AffiliateId} in program {ProgramId} expires on {ExpiresAt}: the affiliate is asked for a new one")]
    public static partial void FormExpiring(this ILogger log, long formId, long affiliateId, long programId, DateOnly expiresAt);

    [LoggerMessage(9003, LogLevel.Warning, "Tax form {FormId} of affiliate {AffiliateId} in program {ProgramId} is invalid: IRS TIN matching code {Code}")]
    public static partial void FormInvalidated(this ILogger log, long formId, long affiliateId, long programId, int code);

    [LoggerMessage(9004, LogLevel.Information, "TIN matching results read for program {ProgramId}: {Matched} matched, {Mismatched} mismatched, {NotProcessed} not processed, by {ActorType} {ActorId}")]
    public static partial void TinMatchingRead(this ILogger log, long programId, int matched, int mismatched, int notProcessed, string actorType, string? actorId);

    [LoggerMessage(9005, LogLevel.Information, "TIN matching request file of program {ProgramId} made: {Lines} lines, by {ActorType} {ActorId}")]
    public static partial void TinMatchingRequested(this ILogger log, long programId, int lines, string actorType, string? actorId);

    [LoggerMessage(9006, LogLevel.Information, "Tax settings of program {ProgramId} changed: require_tax_form {RequireTaxForm}, include_paypal_in_1099 {IncludePayPal}, by {ActorType} {ActorId}")]
    public static partial void SettingsChanged(this ILogger log, long programId, bool requireTaxForm, bool includePayPal, string actorType, string? actorId);

    [LoggerMessage(9007, LogLevel.Information, "Payouts {PayoutIds} of program {ProgramId} held: no valid tax form on file")]
    public static partial void Held(this ILogger log, string payoutIds, long programId);

    [LoggerMessage(9020, LogLevel.Information, "W-8 reminder for tax form {FormId} e-mailed to affiliate {AffiliateId} of program {ProgramId}")]
    public static partial void ReminderMailed(this ILogger log, long formId, long affiliateId, long programId);

    [LoggerMessage(9021, LogLevel.Warning, "W-8 reminder for tax form {FormId} not e-mailed: affiliate {AffiliateId} of program {ProgramId} has no e-mail address")]
    public static partial void ReminderNoEmail(this ILogger log, long formId, long affiliateId, long programId);

    [LoggerMessage(9022, LogLevel.Warning, "W-8 reminder for tax form {FormId} of affiliate {AffiliateId} in program {ProgramId} not e-mailed: SMTP is not configured (Remit__Smtp__Host)")]
    public static partial void ReminderNoSmtp(this ILogger log, long formId, long affiliateId, long programId);

    [LoggerMessage(9023, LogLevel.Error, "W-8 reminder for tax form {FormId} of affiliate {AffiliateId} in program {ProgramId} could not be e-mailed: {Reason}")]
    public static partial void ReminderMailFailed(this ILogger log, long formId, long affiliateId, long programId, string reason);

    [LoggerMessage(9024, LogLevel.Warning, "Tax form {FormId} of affiliate {AffiliateId} in program {ProgramId} is invalid: the affiliate's name changed, by {ActorType} {ActorId}")]
    public static partial void FormInvalidatedByName(this ILogger log, long formId, long affiliateId, long programId, string actorType, string? actorId);
}
