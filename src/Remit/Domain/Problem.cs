namespace Remit;

/// <summary>What kind of refusal a domain action answers with; each front end decides how to show it.</summary>
public enum ProblemKind
{
    /// <summary>The thing asked about does not exist (or is another program's).</summary>
    NotFound,
    /// <summary>The input breaks a rule; <see cref="Problem.Details"/> names the fields.</summary>
    Invalid,
    /// <summary>The input is fine but the current state refuses it; <see cref="Problem.Code"/> says which conflict.</summary>
    Conflict,
    /// <summary>The input is larger than we accept.</summary>
    TooLarge,
    /// <summary>The caller could not be verified (an unsigned webhook).</summary>
    Unverified,
    /// <summary>A payment provider refused or failed; nothing of ours was wrong.</summary>
    ProviderFailed,
    /// <summary>This caller may not do it, whatever its scopes (the creator of a batch approving it).</summary>
    Forbidden,
}

public sealed record ErrorDetail(string Field, string Message);

/// <summary>
/// A refusal in domain terms. The code is the stable machine name clients branch on (the seed's codes); the API's
/// mapper (ProblemHttp) picks the status, the dashboard's (ProblemPages) the page answer.
/// </summary>
public sealed record Problem(ProblemKind Kind, string Code, string Message, IReadOnlyList<ErrorDetail> Details)
{
    public static class Codes
    {
        public const string NotFound = "NOT_FOUND", Validation = "VALIDATION_ERROR", InvalidStatus = "INVALID_STATUS";
        public const string DuplicateReference = "DUPLICATE_REFERENCE", PayloadTooLarge = "PAYLOAD_TOO_LARGE";
        public const string Unauthorized = "UNAUTHORIZED", ProviderError = "PAYMENT_PROVIDER_ERROR";
        /// <summary>A row kept changing under a read-merge-validate-save until it gave up (see OptimisticConcurrency).</summary>
        public const string ConcurrentUpdate = "CONCURRENT_UPDATE";
        /// <summary>A batch at or over the program's approval_threshold that no second person has approved yet.</summary>
        public const string ApprovalRequired = "APPROVAL_REQUIRED", Forbidden = "FORBIDDEN";
    }

    public static Problem NotFound(string message = "Not found.") => new(ProblemKind.NotFound, Codes.NotFound, message, []);
    public static Problem Invalid(string field, string message) => new(ProblemKind.Invalid, Codes.Validation, message, [new(field, message)]);
    public static Problem Invalid(string message, IReadOnlyList<ErrorDetail> details) => new(ProblemKind.Invalid, Codes.Validation, message, details);
    public static Problem InvalidStatus(string message) => Conflict(Codes.InvalidStatus, message);
    public static Problem Conflict(string code, string message, IReadOnlyList<ErrorDetail>? details = null) => new(ProblemKind.Conflict, code, message, details ?? []);
    public static Problem ConcurrentUpdate(string what) =>
        Conflict(Codes.ConcurrentUpdate, $"The {what} kept changing while this change was saved; nothing was changed. Try again.");
    public static Problem TooLarge(string message) => new(ProblemKind.TooLarge, Codes.PayloadTooLarge, message, []);
    public static Problem Unverified(string message) => new(ProblemKind.Unverified, Codes.Unauthorized, message, []);
    public static Problem Forbidden(string message) => new(ProblemKind.Forbidden, Codes.Forbidden, message, []);
    public static Problem ProviderFailed(string message) => new(ProblemKind.ProviderFailed, Codes.ProviderError, message, []);
}

/// <summary>The outcome of a domain action: its result, or the problem that refused it.</summary>
public readonly record struct Outcome<T>(T? Value, Problem? Error)
{
    public static implicit operator Outcome<T>(Problem error) => new(default, error);
    public static Outcome<T> Ok(T value) => new(value, null);
}
