using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Remit.Data;

namespace Remit.Hosting;

/// <summary>/healthz: the process answers. /readyz: the database is reachable and every migration is applied.</summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddRemitHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<RemitDb>("database", tags: [Ready],
            customTestQuery: async (db, ct) => await db.Database.CanConnectAsync(ct)
                && !(await db.Database.GetPendingMigrationsAsync(ct)).Any());
        return services;
    }

    public static IEndpointRouteBuilder MapRemitHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return app;
    }
}
