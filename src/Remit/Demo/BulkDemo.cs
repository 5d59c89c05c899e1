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
    private const int AffiliateChunk = 5_000;

    public static async Task<(int Affiliates, int Commissions)> GenerateAsync(RemitDb db, long programId, int affiliates, int commissions,
        DateTime now, CancellationToken ct = default)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct)
            ?? throw new ProgramAdmin.AdminException($"No program {programId}.");
        if (affiliates < 1) throw new ProgramAdmin.AdminException("--affiliates must be at least 1.");
        if (commissions < 0) throw new ProgramAdmin.AdminException("--commissions must not be negative.");
        db.ProgramId = programId;

        // Saved a chunk at a time with the tracker cleared after each, so memory holds the ids, not every affiliate
        // (a million affiliates in one SaveChanges took gigabytes).
        var ids = new long[affiliates];
        for (var first = 0; first < affiliates; first += AffiliateChunk)
        {
            var chunk = new List<Affiliate>(Math.Min(AffiliateChunk, affiliates - first));
            for (var i = first; i < first + chunk.Capacity; i++)
            {
                var a = new Affiliate
                {
                    ProgramId = programId, Name = $"Affiliate {i + 1:D6}", Email = $"affiliate{i + 1}@bulk.example.com", Country = "US",
                    PayoutMethod = PayoutMethods.PayPal, PayPalEmail = $"affiliate{i + 1}@bulk.example.com", CreatedAt = now,
                };
                a.RefreshSearchText();
                chunk.Add(a);
            }
            db.Affiliates.AddRange(chunk);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            for (var i = 0; i < chunk.Count; i++) ids[first + i] = chunk[i].Id;
        }
        var random = new Random(42);
        IEnumerable<(long Affiliate, long Amount, DateTime Earned)> Rows()
        {
            for (var i = 0; i < commissions; i++)
                yield return (ids[i % ids.Length], 100 + random.NextInt64(99_900), now.AddMinutes(-random.Next(0, 60 * 24 * 365)));
        }

        if (db.Database.IsNpgsql()) await CopyPostgresAsync(db, program, Rows(), now, ct);
        else await InsertSqliteAsync(db, program, Rows(), now, ct);
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
