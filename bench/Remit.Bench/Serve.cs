using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Programs;

namespace Remit.Bench;

/// <summary>
/// `serve SIZE [PORT]`: Remit over a SQLite file holding SIZE affiliates with 10 commissions and a pending payout each,
/// served on 127.0.0.1:PORT (5999) with a bare endpoint at /bare, until stopped; prints the token and the process id.
/// For wrk, dotnet-counters and dotnet-trace against one process (README "Measurements").
/// </summary>
public static class Serve
{
    public static async Task RunAsync(string[] args)
    {
        var size = int.Parse(args[0], CultureInfo.InvariantCulture);
        var dir = Directory.CreateTempSubdirectory("remit-serve-");
        Environment.SetEnvironmentVariable("Remit__Database__Provider", "Sqlite");
        Environment.SetEnvironmentVariable("ConnectionStrings__Remit", $"Data Source={Path.Combine(dir.FullName, "bench.db")}");
        Environment.SetEnvironmentVariable("Remit__Demo__Seed", "false");
        Environment.SetEnvironmentVariable("Remit__Encryption__Keys__bench", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Environment.SetEnvironmentVariable("Remit__RateLimit__PermitsPerMinute", "100000000");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Warning");
        var builder = RemitApp.Build(["--urls", $"http://127.0.0.1:{(args.Length > 1 ? args[1] : "5999")}"]);
        await RemitApp.PrepareAsync(builder);
        string token;
        await using (var scope = builder.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
            var now = DateTime.UtcNow;
            var program = await ProgramAdmin.CreateProgramAsync(db, "Bench", Plans.Basic, "USD", "UTC", now);
            token = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "bench", Scopes.All, null, now)).Secret;
            await BulkDemo.GenerateAsync(db, program.Id, size, size * 10, now);
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
                "INSERT INTO payouts (program_id, affiliate_id, amount_minor, currency, method, destination, status, source, created_at) SELECT program_id, id, 1000, 'USD', 'paypal', pay_pal_email, 'pending', 'manual', '2026-01-01' FROM affiliates");
        }
        await builder.DisposeAsync();
        var app = RemitApp.Build(["--urls", $"http://127.0.0.1:{(args.Length > 1 ? args[1] : "5999")}"]);
        app.MapGet("/bare", () => "ok");
        await RemitApp.PrepareAsync(app);
        await app.StartAsync();
        Console.WriteLine($"TOKEN {token} PID {Environment.ProcessId}");
        await app.WaitForShutdownAsync();
    }
}
