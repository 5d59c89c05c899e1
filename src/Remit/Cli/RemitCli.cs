using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Demo;
using Remit.Hosting;
using Remit.Programs;

namespace Remit.Cli;

/// <summary>
/// The operator commands. Each prints its result on stdout, one value per line (or JSON with --json), and errors
/// on stderr with exit code 2, so scripts can rely on them.
/// </summary>
public static class RemitCli
{
    private static readonly string[] Commands = ["migrate", "programs", "tokens", "users", "demo", "secrets", "schedule", "help", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextReader? stdin = null, TextWriter? stdout = null, TimeProvider? clock = null)
    {
        stdin ??= Console.In;
        stdout ??= Console.Out;
        clock ??= TimeProvider.System;
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var programOpt = new Option<long>("--program") { Required = true, Description = "Program id." };
        var root = new RootCommand("Remit: affiliate payouts. With no command, serves the API and dashboard.");

        var migrate = new Command("migrate", "Apply database migrations.");
        migrate.SetAction((_, ct) => WithDb(async db =>
        {
            await Database.MigrateAsync(db, ct);
            stdout.WriteLine("migrated");
        }));
        root.Subcommands.Add(migrate);

        // programs create | set
        var programs = new Command("programs", "Create and change programs (tenants).");
        var name = new Option<string>("--name") { Description = "Program name." };
        var plan = new Option<string>("--plan") { Description = "nano | basic | standard | custom" };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 code (default USD)." };
        var timeZone = new Option<string>("--time-zone") { Description = "IANA time zone (default UTC)." };
        var create = new Command("create", "Create a program; prints its id.") { name, plan, currency, timeZone, json };
        create.SetAction((r, ct) => WithDb(async db =>
        {
            var p = await ProgramAdmin.CreateProgramAsync(db, r.GetValue(name) ?? "", r.GetValue(plan) ?? "",
                r.GetValue(currency), r.GetValue(timeZone), clock.GetUtcNow().UtcDateTime, ct);
            Print(stdout, r.GetValue(json), p.Id.ToString(CultureInfo.InvariantCulture), new { id = p.Id, name = p.Name, plan = p.Plan, currency = p.Currency, time_zone = p.TimeZone });
        }));
        var set = new Command("set", "Change a program's plan, name or time zone.") { programOpt, name, plan, timeZone, json };
        set.SetAction((r, ct) => WithDb(async db =>
        {
            var p = await ProgramAdmin.SetProgramAsync(db, r.GetValue(programOpt), r.GetValue(name), r.GetValue(plan), r.GetValue(timeZone), ct);
            Print(stdout, r.GetValue(json), p.Id.ToString(CultureInfo.InvariantCulture), new { id = p.Id, name = p.Name, plan = p.Plan, currency = p.Currency, time_zone = p.TimeZone });
        }));
        programs.Subcommands.Add(create);
        programs.Subcommands.Add(set);
        root.Subcommands.Add(programs);

        // tokens create | list | revoke
        var tokens = new Command("tokens", "API tokens.");
        var tokenName = new Option<string>("--name") { Required = true, Description = "What the token is for." };
        var scopes = new Option<string>("--scopes") { Required = true, Description = $"Comma-separated: {string.Join(",", Scopes.All)}" };
        var expires = new Option<int?>("--expires-in-days") { Description = "Days until the token stops working." };
        var tokenCreate = new Command("create", "Create a token; prints it (shown once).") { programOpt, tokenName, scopes, expires, json };
        tokenCreate.SetAction((r, ct) => WithDb(async db =>
        {
            var (token, secret) = await ProgramAdmin.CreateTokenAsync(db, r.GetValue(programOpt), r.GetValue(tokenName)!,
                r.GetValue(scopes)!.Split(','), r.GetValue(expires), clock.GetUtcNow().UtcDateTime, ct);
            Print(stdout, r.GetValue(json), secret, new { id = token.Id, token = secret, scopes = token.ScopeList, expires_at = token.ExpiresAt });
        }));
        var tokenList = new Command("list", "List a program's tokens (never their secrets).") { programOpt, json };
        tokenList.SetAction((r, ct) => WithDb(async db =>
        {
            var list = await ProgramAdmin.ListTokensAsync(db, r.GetValue(programOpt), ct);
            if (r.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(list.Select(t => new { id = t.Id, name = t.Name, prefix = t.Prefix, scopes = t.ScopeList, created_at = t.CreatedAt, expires_at = t.ExpiresAt, revoked_at = t.RevokedAt, last_used_at = t.LastUsedAt })));
            else
                foreach (var t in list)
                    stdout.WriteLine(string.Join('\t', t.Id, t.Name, t.Prefix + "…", t.Scopes.Replace(' ', ','), t.RevokedAt is null ? "active" : "revoked"));
        }));
        var tokenId = new Option<long>("--token-id") { Required = true, Description = "The token's id (from tokens list)." };
        var tokenRevoke = new Command("revoke", "Revoke a token; it stops working at once.") { programOpt, tokenId };
        tokenRevoke.SetAction((r, ct) => WithDb(async db =>
        {
            await ProgramAdmin.RevokeTokenAsync(db, r.GetValue(programOpt), r.GetValue(tokenId), clock.GetUtcNow().UtcDateTime, ct);
            stdout.WriteLine("revoked");
        }));
        tokens.Subcommands.Add(tokenCreate);
        tokens.Subcommands.Add(tokenList);
        tokens.Subcommands.Add(tokenRevoke);
        root.Subcommands.Add(tokens);

        // users create (password on stdin)
        var users = new Command("users", "Dashboard users.");
        var email = new Option<string>("--email") { Required = true };
        var role = new Option<string>("--role") { Description = "admin | viewer (default admin)" };
        var userCreate = new Command("create", "Create a dashboard user; reads the password from stdin; prints the id.") { programOpt, email, role, json };
        userCreate.SetAction((r, ct) => WithDb(async db =>
        {
            var password = (await stdin.ReadLineAsync(ct))?.TrimEnd('\r', '\n') ?? "";
            var user = await ProgramAdmin.CreateUserAsync(db, r.GetValue(programOpt), r.GetValue(email)!, password,
                r.GetValue(role) ?? UserRoles.Admin, clock.GetUtcNow().UtcDateTime, ct);
            Print(stdout, r.GetValue(json), user.Id.ToString(CultureInfo.InvariantCulture), new { id = user.Id, email = user.Email, role = user.Role });
        }));
        users.Subcommands.Add(userCreate);
        root.Subcommands.Add(users);

        // demo: bulk data
        var affiliates = new Option<int>("--affiliates") { Required = true };
        var commissions = new Option<int>("--commissions") { Required = true };
        var demo = new Command("demo", "Add bulk demo affiliates and commissions to a program.") { programOpt, affiliates, commissions, json };
        demo.SetAction((r, ct) => WithDb(async db =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (a, c) = await BulkDemo.GenerateAsync(db, r.GetValue(programOpt), r.GetValue(affiliates), r.GetValue(commissions), clock.GetUtcNow().UtcDateTime, ct);
            Print(stdout, r.GetValue(json), $"{a}\n{c}", new { affiliates = a, commissions = c, seconds = Math.Round(started.Elapsed.TotalSeconds, 1) });
        }));
        root.Subcommands.Add(demo);

        // secrets rotate: re-encrypt with the active key, so old keys can leave the configuration
        var secrets = new Command("secrets", "Encrypted secrets (bank accounts, wallets, PayPal client secrets).");
        var rotate = new Command("rotate", "Re-encrypt every secret not under Remit:Encryption:ActiveKeyId; prints the counts.") { json };
        rotate.SetAction((r, ct) => WithDb(async (db, host) =>
        {
            var configuration = host.Services.GetRequiredService<IConfiguration>();
            var box = Security.SecretBox.FromConfiguration(configuration,
                configuration["Remit:Encryption:DevKeyFile"] ?? Security.SecretsSetup.DefaultDevKeyFile,
                host.Services.GetRequiredService<IHostEnvironment>().IsDevelopment(),
                file => Console.Error.WriteLine($"remit: generated a development encryption key in {file}"));
            var result = await Security.SecretRotation.RotateAsync(db, box, ct);
            Print(stdout, r.GetValue(json), $"{result.Affiliates}\n{result.Payouts}\n{result.Programs}\n{result.WebhookEndpoints}",
                new { affiliates = result.Affiliates, payouts = result.Payouts, programs = result.Programs, webhook_endpoints = result.WebhookEndpoints, active_key_id = box.ActiveKeyId });
        }));
        secrets.Subcommands.Add(rotate);
        root.Subcommands.Add(secrets);

        // schedule run: what the in-process scheduler does each minute, for cron or by hand; safe to repeat
        var schedule = new Command("schedule", "The payout schedule.");
        var scheduleProgram = new Option<long?>("--program") { Description = "Only this program (default: every program with auto_create_payouts on)." };
        var asOf = new Option<string>("--as-of") { Description = "Run the latest payout day up to this date (YYYY-MM-DD, not in the future; default: each program's today)." };
        var scheduleRun = new Command("run", "Run the payout day that is due, if not yet run; prints one line per day run: program, payout date, payouts made, affiliates skipped.") { scheduleProgram, asOf, json };
        scheduleRun.SetAction((r, ct) => WithDb(async (db, host) =>
        {
            DateOnly? date = null;
            if (r.GetValue(asOf) is { } text)
                date = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d : throw new ProgramAdmin.AdminException($"--as-of must be a date as YYYY-MM-DD, not '{text}'.");
            var runner = new Schedule.PayoutSchedule(host.Services.GetRequiredService<IServiceScopeFactory>(), clock, host.Services.GetRequiredService<ILoggerFactory>());
            var outcome = await runner.RunDueAsync(r.GetValue(scheduleProgram), date, ct);
            if (outcome.Error is { } error) throw new ProgramAdmin.AdminException(error.Message);
            var runs = outcome.Value!;
            if (r.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(runs.Select(run => new
                {
                    program_id = run.ProgramId, id = run.Id, payout_date = run.PayoutDate, created = run.Created,
                    skipped = run.Skipped.Select(s => new { affiliate_id = s.AffiliateId, reason = s.Reason }),
                })));
            else
                foreach (var run in runs)
                    stdout.WriteLine(string.Join('\t', run.ProgramId, run.PayoutDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), run.Created.Count, run.Skipped.Count));
        }));
        schedule.Subcommands.Add(scheduleRun);
        root.Subcommands.Add(schedule);

        return await root.Parse(args).InvokeAsync();
    }

    private static void Print(TextWriter stdout, bool json, string plain, object structured) =>
        stdout.WriteLine(json ? JsonSerializer.Serialize(structured) : plain);

    /// <summary>Runs one command against the configured database; a refused input is exit code 2 with the reason.</summary>
    private static Task<int> WithDb(Func<RemitDb, Task> action) => WithDb((db, _) => action(db));

    private static async Task<int> WithDb(Func<RemitDb, IHost, Task> action)
    {
        // The server's appsettings.json and environment, wherever the command is run from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = RemitHost.ContentRoot([]),
            EnvironmentName = RemitHost.EnvironmentName(),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddRemitDatabase(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        try
        {
            await Database.MigrateAsync(db);
            await action(db, host);
            return 0;
        }
        catch (ProgramAdmin.AdminException e)
        {
            await Console.Error.WriteLineAsync($"remit: {e.Message}");
            return 2;
        }
        catch (SettingException e)
        {
            await Console.Error.WriteLineAsync($"remit: {e.Message}");
            return 1;
        }
    }
}
