using Microsoft.AspNetCore.Http.HttpResults;
using Remit.Api;
using Remit.Data;

namespace Remit.Programs;

public sealed record ProgramDto(long Id, string Name, string Plan, string Currency, string TimeZone, IReadOnlyList<string> PayoutMethods);

public static class ProgramApi
{
    public static IEndpointRouteBuilder MapProgram(this IEndpointRouteBuilder app)
    {
        app.MapApiGroup("/v1/program", "Program").MapGet("/", Get).RequireAuthorization(ApiAuth.AnyToken)
            .WithName("getProgram").WithSummary("The token's program")
            .WithDescription("The program the token belongs to: name, plan, currency, time zone and the payout methods its plan offers. Any scope.");
        return app;
    }

    public static async Task<Ok<DataEnvelope<ProgramDto>>> Get(RemitDb db, CancellationToken ct)
    {
        var p = await db.CurrentProgramAsync(ct);
        return TypedResults.Ok(new DataEnvelope<ProgramDto>(new(p.Id, p.Name, p.Plan, p.Currency, p.TimeZone, Plans.Methods(p.Plan))));
    }
}
