namespace Remit.Payouts
{
    public sealed record StatementLine(string Date, string Description, string? Reference, string Amount);
    public sealed record StatementModel(
        string ProgramName, string AffiliateName, string AffiliateEmail,
        long PayoutId, string Method, string Destination, string Status,
        string Currency, string? Reference,
        string CreatedAt, string? ProcessingAt, string? CompletedAt, string? FailedAt,
        string? PeriodFrom, string? PeriodTo,
        IReadOnlyList<StatementLine> Lines, string Total, string GeneratedAt);
    public static class StatementPdf { public static void Write(StatementModel model, Stream output) => output.WriteByte(0); }
}
namespace Remit.Payments
{
    public static class CryptoAddress { public static bool IsValidTransactionHash(string n, string h) => h.Length > 0 && n.Length >= 0; }
}
