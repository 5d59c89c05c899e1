using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Remit.Affiliates;
using Remit.Data;
using Remit.Programs;

namespace Remit.Demo;

/// <summary>
/// `remit demo`: bulk data for benchmarks. Rows go in through the driver's fastest path (one prepared statement
/// in one transaction on SQLite, binary COPY on PostgreSQL) because a million tracked EF entities would take
/// minutes and gigabytes.
/// </summary>
public static class BulkDemo
{
    public static async Task<(int Affiliates, int Commissions)> GenerateAsync(RemitDb db, long programId, int affiliates, int commissions,
        DateTime now, CancellationToken ct = default)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct)
            ?? throw new ProgramAdmin.AdminException($"No program {programId}.");
        if (affiliates < 1) throw new ProgramAdmin.AdminException("--affiliates must be at least 1.");
        if (commissions < 0) throw new ProgramAdmin.AdminException("--commissions must not be negative.");
        db.ProgramId = programId;

        // Affiliates through the same fast path as commissions; memory holds only their ids (8 bytes each), read back
        // in id order (a million affiliates as tracked entities took gigabytes).
        var before = await db.Affiliates.Select(a => (long?)a.Id).MaxAsync(ct) ?? 0;
        if (db.Database.IsNpgsql()) await CopyAffiliatesPostgresAsync(db, programId, affiliates, now, ct);
        else await InsertAffiliatesSqliteAsync(db, programId, affiliates, now, ct);
        var ids = await db.Affiliates.Where(a => a.Id > before).OrderBy(a => a.Id).Select(a => a.Id).ToArrayAsync(ct);
        var random = new Random(42);
        IEnumerable<(long Affiliate, long Amount, DateTime Earned)> Rows()
        {
            for (var i = 0; i < commissions; i++)
                yield return (ids[i % ids.Length], 100 + random.NextInt64(99_900), now.AddMinutes(-random.Next(0, 60 * 24 * 365)));
        }

        if (db.Database.IsNpgsql()) await CopyPostgresAsync(db, program, Rows(), now, ct);
        else await InsertSqliteAsync(db, program, Rows(), now, ct);
        await Database.AnalyzeAfterLoadAsync(db, ct);
        return (affiliates, commissions);
    }

    private static async Task InsertSqliteAsync(RemitDb db, AffiliateProgram program, IEnumerable<(long Affiliate, long Amount, DateTime Earned)> rows, DateTime now, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            // A big page cache keeps index pages in memory instead of spilling them to the WAL row after row.
            pragma.CommandText = "PRAGMA cache_size = -262144";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO commissions (program_id, affiliate_id, amount_minor, clawed_back_minor, currency, description, kind, earned_at, created_at) VALUES ($p, $a, $m, 0, $c, 'Bulk demo sale', 'sale', $e, $n)";
        var p = Add(command, "$p", program.Id);
        var a = Add(command, "$a", 0L);
        var m = Add(command, "$m", 0L);
        Add(command, "$c", program.Currency);
        var e = Add(command, "$e", now);
        Add(command, "$n", now);
        await command.PrepareAsync(ct);
        foreach (var row in rows)
        {
            a.Value = row.Affiliate;
            m.Value = row.Amount;
            e.Value = row.Earned;
            await command.ExecuteNonQueryAsync(ct);
        }
        p.Value = program.Id;
        await tx.CommitAsync(ct);
    }

    private static (string Name, string Email) Person(int i) => ($"Affiliate {i + 1:D6}", $"affiliate{i + 1}@bulk.example.com");

    private static async Task InsertAffiliatesSqliteAsync(RemitDb db, long programId, int count, DateTime now, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO affiliates (program_id, name, email, country, payout_method, pay_pal_email, status, search_text, version, created_at) VALUES ($p, $name, $email, 'US', $method, $email, $status, $search, 0, $n)";
        Add(command, "$p", programId);
        var name = Add(command, "$name", "");
        var email = Add(command, "$email", "");
        Add(command, "$method", PayoutMethods.PayPal);
        Add(command, "$status", AffiliateStatus.Active);
        var search = Add(command, "$search", "");
        Add(command, "$n", now);
        await command.PrepareAsync(ct);
        for (var i = 0; i < count; i++)
        {
            var (n, e) = Person(i);
            name.Value = n;
            email.Value = e;
            search.Value = Affiliates.Affiliate.Normalise($"{n} {e}");
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task CopyAffiliatesPostgresAsync(RemitDb db, long programId, int count, DateTime now, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY affiliates (program_id, name, email, country, payout_method, pay_pal_email, status, search_text, version, created_at) FROM STDIN (FORMAT BINARY)", ct);
        import.Timeout = CopyTimeout;
        for (var i = 0; i < count; i++)
        {
            var (name, email) = Person(i);
            await import.StartRowAsync(ct);
            await import.WriteAsync(programId, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(name, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(email, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync("US", NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(PayoutMethods.PayPal, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(email, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(AffiliateStatus.Active, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(Affiliates.Affiliate.Normalise($"{name} {email}"), NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(0, NpgsqlDbType.Integer, ct);
            await import.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        await import.CompleteAsync(ct);
    }

    /// <summary>
    /// COPY ends when the server has stored every row and its index entries: minutes for ten million commissions, where
    /// the connection's usual 30 s read timeout cut the 1M benchmark's build short.
    /// </summary>
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromHours(1);

    private static DbParameter Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task CopyPostgresAsync(RemitDb db, AffiliateProgram program, IEnumerable<(long Affiliate, long Amount, DateTime Earned)> rows, DateTime now, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY commissions (program_id, affiliate_id, amount_minor, clawed_back_minor, currency, description, kind, earned_at, created_at) FROM STDIN (FORMAT BINARY)", ct);
        import.Timeout = CopyTimeout;
        foreach (var row in rows)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(program.Id, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(row.Affiliate, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(row.Amount, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(program.Currency, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync("Bulk demo sale", NpgsqlDbType.Varchar, ct);
            await import.WriteAsync("sale", NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(row.Earned, NpgsqlDbType.TimestampTz, ct);
            await import.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        await import.CompleteAsync(ct);
    }
}
