using Remit.Api;

namespace Remit.Dashboard;

/// <summary>The pages' one mapping from a domain problem to what a page shows: a message, field errors, a status.</summary>
public static class ProblemPages
{
    /// <summary>A page redisplayed with the problem answers the status the API would, so scripts and tests see the same refusal.</summary>
    public static int Status(this Problem problem) => ProblemHttp.Status(problem.Kind);

    /// <summary>The refusal as one line for a flash message.</summary>
    public static string Line(this Problem problem) => problem.Message;

    /// <summary>The message and each field's detail: a 422 names what to fix.</summary>
    public static string Sentence(this Problem problem)
    {
        var details = problem.Details.Select(d => d.Message).Where(m => m != problem.Message).ToList();
        return details.Count == 0 ? problem.Message : $"{problem.Message} {string.Join(" ", details)}";
    }

    /// <summary>Errors beside the form's fields; a problem naming no field is shown at <paramref name="field"/>.</summary>
    public static IReadOnlyList<ErrorDetail> FieldErrors(this Problem problem, string? field = null) =>
        problem.Details.Count > 0 || field is null ? problem.Details : [new(field, problem.Message)];
}
