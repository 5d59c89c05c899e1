using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Remit.Data;

public static class Database
{
    public const string Sqlite = "Sqlite", Postgres = "Postgres";

    /// <summary>
    /// Registers RemitDb for the provider named by Remit:Database:Provider (Sqlite by default). Contexts come from a
    /// pool: building the options and EF's internal services for a fresh context cost more than a simple query
    /// (measured under wrk, README "Measurements"). A pooled context keeps its own properties between requests, so
    /// each one is handed out with no program (<see cref="Rented"/>): a scope that forgets to set it sees nothing.
    /// </summary>
    public static IServiceCollection AddRemitDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Remit:Database:Provider"] ?? Sqlite;
        var connectionString = configuration.GetConnectionString("Remit") ?? "Data Source=remit.db";
        switch (provider)
        {
            case Sqlite:
                services.AddPooledDbContextFactory<SqliteRemitDb>((sp, o) => AddInterceptors(sp, ConfigureSqlite(o, connectionString)));
                services.AddScoped<RemitDb>(sp => Rented(sp.GetRequiredService<IDbContextFactory<SqliteRemitDb>>().CreateDbContext()));
                services.AddHostedService<SqliteOptimizer>();
                break;
            case Postgres:
                services.AddPooledDbContextFactory<PostgresRemitDb>((sp, o) => AddInterceptors(sp, ConfigurePostgres(o, connectionString)));
                services.AddScoped<RemitDb>(sp => Rented(sp.GetRequiredService<IDbContextFactory<PostgresRemitDb>>().CreateDbContext()));
                break;
            default:
                throw new InvalidOperationException($"Remit:Database:Provider must be {Sqlite} or {Postgres}, not '{provider}'.");
        }
        return services;
    }

    /// <summary>EF resets a pooled context's tracking, transaction and timeout; Remit's own state is reset here.</summary>
    private static RemitDb Rented(RemitDb db)
    {
        db.ProgramId = 0;
        db.WebhooksQueued = false;
        return db;
    }

    /// <summary>
    /// A list of ids in a query (<c>ids.Contains(p.Id)</c>) goes to the database as one parameter, a JSON array on SQLite
    /// (<c>json_each</c>) and an array on PostgreSQL (<c>= ANY</c>), not EF 10's default of one parameter per id. Both
    /// were measured: one per id makes SQL whose text depends on the count, which EF cannot keep compiled (GET one
    /// payout re-generated three queries' SQL per request, under a lock), and binding thousands of named parameters
    /// costs SQLite time that grows with their square (a batch of 5,000 spent 0.7–0.9 s in each of three such queries,
    /// 20–130 ms as one array). README "Measurements".
    /// </summary>
    private const ParameterTranslationMode IdLists = ParameterTranslationMode.Parameter;

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder o, string connectionString)
    {
        // Writers queue for up to 30 s instead of failing with "database is locked" under concurrent requests.
        var builder = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30 };
        return o.UseSqlite(builder.ConnectionString, s => s.MigrationsAssembly(typeof(RemitDb).Assembly.GetName().Name)
                .UseParameterizedCollectionMode(IdLists))
            .UseSnakeCaseNamingConvention();
    }

    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, n => n.UseParameterizedCollectionMode(IdLists)).UseSnakeCaseNamingConvention();

    /// <summary>A commit that queued webhook deliveries wakes the deliverer (when the server runs one).</summary>
    private static void AddInterceptors(IServiceProvider services, DbContextOptionsBuilder o)
    {
        if (services.GetService<Webhooks.WebhookSignal>() is { } signal) o.AddInterceptors(signal);
    }

    /// <summary>Where the data is, for the start-up log: the SQLite file's full path, or PostgreSQL's host and database (never a password).</summary>
    public static string Describe(RemitDb db)
    {
        var connectionString = db.Database.GetConnectionString() ?? "";
        if (db.Database.IsSqlite())
            return "SQLite file " + Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}";
    }

    /// <summary>
    /// Applies migrations; on SQLite also switches the file to WAL so readers never block the writer, and gives the
    /// query planner its statistics (<see cref="OptimizeAsync"/>).
    /// </summary>
    /// <remarks>
    /// EF's Migrate compares the whole model with the migrations' snapshot before it looks for work — about half a
    /// second of CPU at every start and every `remit` command. An up-to-date database (the history table lists every
    /// migration) skips it; a model changed without its migration is caught where migrations do run, and by
    /// MigrationsTests.
    /// </remarks>
    public static async Task MigrateAsync(RemitDb db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        // A new database has no history table, and asking whether it exists logs a refused query as an error on
        // PostgreSQL (a "fail:" line at a healthy first start: the provider asks by querying the table, npgsql/efcore.pg
        // #3407), so the table is made first if missing (CREATE TABLE IF NOT EXISTS: nothing happens when it is there).
        if (await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct) || (await db.Database.GetPendingMigrationsAsync(ct)).Any())
            await db.Database.MigrateAsync(ct);
        await OptimizeAsync(db, atOpen: true, ct);
    }

    /// <summary>
    /// SQLite keeps no statistics unless asked: without them its planner picks an index by its leading column alone
    /// (at a million payouts, a payout's page walked every link row of the program). SQLite's documentation asks
    /// long-lived connections (ours are pooled) to run <c>PRAGMA optimize=0x10002</c> when opened — it analyses every
    /// table whose statistics are missing or stale, each within a bounded effort — and <c>PRAGMA optimize</c>
    /// periodically after (<see cref="SqliteOptimizer"/>). The statistics are stored in the file, for every
    /// connection. PostgreSQL's autovacuum keeps its own.
    /// </summary>
    public static async Task OptimizeAsync(RemitDb db, bool atOpen, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync(atOpen ? "PRAGMA optimize=0x10002;" : "PRAGMA optimize;", ct);
    }

    /// <summary>
    /// Statistics at once after a bulk load (`remit demo`): PostgreSQL's autovacuum analyses a table only a while
    /// after it changed, and until then the planner reads the loaded tables as nearly empty — measured: a payout's
    /// history, `entity_id = ANY(@ids)`, was filtered out of all 100,000 audit rows instead of being an index condition
    /// (25 ms for one row; 0.05 ms after ANALYZE).
    /// </summary>
    public static async Task AnalyzeAfterLoadAsync(RemitDb db, CancellationToken ct = default)
    {
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync("ANALYZE;", ct);
        else await OptimizeAsync(db, atOpen: false, ct);
    }
}

// Design-time factories so `dotnet ef migrations add --context X` builds each provider's model on its own.
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteRemitDb>
{
    public SqliteRemitDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteRemitDb>();
        Database.ConfigureSqlite(o, "Data Source=design.db");
        return new SqliteRemitDb(o.Options);
    }
}

internal sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresRemitDb>
{
    public PostgresRemitDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresRemitDb>();
        Database.ConfigurePostgres(o, "Host=localhost;Database=remit_design");
        return new PostgresRemitDb(o.Options);
    }
}

/// <summary>Runs SQLite's <c>PRAGMA optimize</c> once an hour, as its documentation asks of long-lived connections.</summary>
public sealed class SqliteOptimizer(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SqliteOptimizer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await Database.OptimizeAsync(scope.ServiceProvider.GetRequiredService<RemitDb>(), atOpen: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Statistics a little older are no reason to stop: the next hour tries again.
                log.LogWarning(e, "PRAGMA optimize failed; the planner keeps its previous statistics");
            }
        }
    }
}
