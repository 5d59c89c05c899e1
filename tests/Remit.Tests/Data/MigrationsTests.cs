using Microsoft.EntityFrameworkCore;
using Remit.Data;

namespace Remit.Tests.Data;

/// <summary>
/// A model change always comes with its migration, for both providers. Remit skips EF's own check of this at start
/// when the database is up to date (Database.MigrateAsync), so it is made here, from the model alone, no database.
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
}
