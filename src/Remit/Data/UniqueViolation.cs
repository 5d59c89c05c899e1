using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Remit.Data;

public static class UniqueViolation
{
    /// <summary>A save refused by a unique index (PostgreSQL 23505, SQLite's SQLITE_CONSTRAINT_UNIQUE), not any other failure.</summary>
    public static bool Is(DbUpdateException e) => e.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067,
        _ => false,
    };
}
