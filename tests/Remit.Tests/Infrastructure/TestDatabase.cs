using Microsoft.EntityFrameworkCore;
using Npgsql;
using Remit.Data;

namespace Remit.Tests.Infrastructure;

/// <summary>
/// A fresh database per test: a real SQLite file, or a real PostgreSQL database, copied from a template that was
/// migrated once per test run (a file copy; CREATE DATABASE ... TEMPLATE). The provider comes from
/// REMIT_TEST_PROVIDER; PostgreSQL needs REMIT_TEST_PG and a test fails, never skips, without it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static string Provider => Environment.GetEnvironmentVariable("REMIT_TEST_PROVIDER") is { Length: > 0 } p ? p : Database.Sqlite;
    public static bool IsPostgres => Provider == Database.Postgres;

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"remit-tests-{Environment.ProcessId}");

    public required string ConnectionString { get; init; }
    private string? _file;
    private string? _pgName;

    public static async Task<TestDatabase> CreateAsync()
    {
        var template = await Template.Value;
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        if (IsPostgres)
        {
            // FILE_COPY copies the small template's files instead of writing every block to the WAL (PostgreSQL 15's
            // default): about a third less per test, measured (scripts/pg.sh runs without fsync, so its checkpoints are cheap).
            await ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY");
            return new TestDatabase { ConnectionString = PgConnection(name), _pgName = name };
        }
        var file = Path.Combine(Root, name + ".db");
        File.Copy(template, file);
        return new TestDatabase { ConnectionString = $"Data Source={file}", _file = file };
    }

    /// <summary>A database with no tables, for tests of the migrations themselves.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        var name = "e_" + Guid.NewGuid().ToString("N")[..16];
        if (IsPostgres)
        {
            await ExecuteAdminAsync($"CREATE DATABASE {name}");
            return new TestDatabase { ConnectionString = PgConnection(name), _pgName = name };
        }
        Directory.CreateDirectory(Root);
        var file = Path.Combine(Root, name + ".db");
        return new TestDatabase { ConnectionString = $"Data Source={file}", _file = file };
    }

    /// <summary>A context on this database for arranging and checking rows behind the API's back.</summary>
    public RemitDb Open(long programId = 0)
    {
        RemitDb db;
        if (IsPostgres)
        {
            var o = new DbContextOptionsBuilder<PostgresRemitDb>();
            Database.ConfigurePostgres(o, ConnectionString);
            db = new PostgresRemitDb(o.Options);
        }
        else
        {
            var o = new DbContextOptionsBuilder<SqliteRemitDb>();
            Database.ConfigureSqlite(o, ConnectionString);
            db = new SqliteRemitDb(o.Options);
        }
        db.ProgramId = programId;
        return db;
    }

    private static string AdminConnection => Environment.GetEnvironmentVariable("REMIT_TEST_PG") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("REMIT_TEST_PROVIDER=Postgres needs REMIT_TEST_PG, an admin connection string (scripts/test.sh sets it).");

    private static string PgConnection(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnection) { Database = database }.ConnectionString;

    private static async Task ExecuteAdminAsync(string sql)
    {
        // No pooling: CREATE DATABASE ... TEMPLATE fails while any session is still connected to the template.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnection) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> CreateTemplateAsync()
    {
        if (IsPostgres)
        {
            var name = $"remit_tpl_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..6]}";
            await ExecuteAdminAsync($"CREATE DATABASE {name}");
            var o = new DbContextOptionsBuilder<PostgresRemitDb>();
            Database.ConfigurePostgres(o, new NpgsqlConnectionStringBuilder(PgConnection(name)) { Pooling = false }.ConnectionString);
            await using (var db = new PostgresRemitDb(o.Options)) await Database.MigrateAsync(db);
            return name;
        }
        Directory.CreateDirectory(Root);
        var file = Path.Combine(Root, "template.db");
        var so = new DbContextOptionsBuilder<SqliteRemitDb>();
        Database.ConfigureSqlite(so, $"Data Source={file};Pooling=False");
        await using (var db = new SqliteRemitDb(so.Options))
        {
            await Database.MigrateAsync(db);
            // Fold the write-ahead log into the file: copies take only the .db file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)");
        }
        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
    }
}
