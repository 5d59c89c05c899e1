using Remit.Data;

namespace Remit.Portal;

/// <summary>The portal in the operator's log: ids only, never a link's token, an e-mail address or a session key.</summary>
public static partial class PortalLog
{
    public const string Category = "Remit.Portal";

    public static ILogger For(RemitDb db) => db.Logger(Category);

    [LoggerMessage(8801, LogLevel.Information, "Portal sign-in link for affiliate {AffiliateId} of program {ProgramId} made by {ActorType} {ActorId}")]
    public static partial void LinkCreated(this ILogger log, long affiliateId, long programId, string actorType, string? actorId);

    [LoggerMessage(8802, LogLevel.Information, "Affiliate {AffiliateId} of program {ProgramId} signed in to the portal")]
    public static partial void SignedIn(this ILogger log, long affiliateId, long programId);

    [LoggerMessage(8803, LogLevel.Information, "Portal sign-in refused: the link is unknown, used or expired")]
    public static partial void SignInRefused(this ILogger log);

    [LoggerMessage(8804, LogLevel.Information, "Portal sign-in link for affiliate {AffiliateId} of program {ProgramId} e-mailed")]
    public static partial void LinkMailed(this ILogger log, long affiliateId, long programId);

    [LoggerMessage(8805, LogLevel.Error, "Portal sign-in link for affiliate {AffiliateId} of program {ProgramId} could not be e-mailed: {Reason}")]
    public static partial void MailFailed(this ILogger log, long affiliateId, long programId, string reason);
}
