namespace Remit.Api;

public sealed record DataEnvelope<T>(T Data);

public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, PageMeta Meta);

public sealed record PageMeta(int Page, int PerPage, long Total, long TotalPages);

public sealed record ErrorBody(string Code, string Message, IReadOnlyList<ErrorDetail> Details);

public sealed record ErrorEnvelope(ErrorBody Error);

public static class ErrorCodes
{
    public const string Unauthorized = "UNAUTHORIZED", Forbidden = "FORBIDDEN", NotFound = "NOT_FOUND";
    public const string InvalidStatus = "INVALID_STATUS", Validation = "VALIDATION_ERROR", RateLimited = "RATE_LIMITED";
    public const string DuplicateReference = "DUPLICATE_REFERENCE", PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED", Internal = "INTERNAL_ERROR";
}
