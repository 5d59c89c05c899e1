using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Remit.Data;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Data;

/// <summary>
/// A model change always comes with its migration, for both providers. Remit skips EF's own check of this at start
/// when the database is up to date (Database.MigrateAsync), so it is made here, from the model alone, no database.
/// And migrating, first or again, leaves no error in the log.
/// </summary>
public sealed class MigrationsTests
{
    [Fact]
    public void The_sqlite_migrations_describe_the_model()
    {
        var o = new DbContextOptionsBuilder<SqliteRemitDb>();
        Database.ConfigureSqlite(o, "Data Source=unused.db");
        using var db = new SqliteRemitDb(o.Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: dotnet ef migrations add NAME --context SqliteRemitDb --output-dir Data/Migrations/Sqlite");
    }

    [Fact]
    public void The_postgres_migrations_describe_the_model()
    {
        var o = new DbContextOptionsBuilder<PostgresRemitDb>();
        Database.ConfigurePostgres(o, "Host=unused;Database=unused");
        using var db = new PostgresRemitDb(o.Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: dotnet ef migrations add NAME --context PostgresRemitDb --output-dir Data/Migrations/Postgres");
    }

    /// <summary>
    /// An operator's first start on a new database migrates it, and every later start asks whether it must. On
    /// PostgreSQL the provider asks whether the history table exists by querying it, and a new database's refusal is
    /// logged as an error ("fail: … __EFMigrationsHistory", npgsql/efcore.pg #3407): a healthy first start would send
    /// the operator looking for a fault that is not there.
    /// </summary>
    [Fact]
    public async Task A_new_database_is_migrated_without_an_error_in_the_log()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        var errors = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Error).AddProvider(new TestLogProvider(errors)));
        await using (var db = Open(database, loggers))
            await Database.MigrateAsync(db);
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        await using (var db = Open(database, loggers))
        {
            await Database.MigrateAsync(db);
            Assert.True(errors.IsEmpty, string.Join("\n", errors));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await db.Programs.IgnoreQueryFilters().CountAsync());
        }
    }

    private static RemitDb Open(TestDatabase database, ILoggerFactory loggers)
    {
        if (TestDatabase.IsPostgres)
        {
            var o = new DbContextOptionsBuilder<PostgresRemitDb>();
            Database.ConfigurePostgres(o, database.ConnectionString).UseLoggerFactory(loggers);
            return new PostgresRemitDb(o.Options);
        }
        var so = new DbContextOptionsBuilder<SqliteRemitDb>();
        Database.ConfigureSqlite(so, database.ConnectionString + ";Pooling=False").UseLoggerFactory(loggers);
        return new SqliteRemitDb(so.Options);
    }
}
