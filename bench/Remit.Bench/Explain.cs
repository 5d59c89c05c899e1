using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Remit.Bench;

/// <summary>
/// The plans behind the ratios. With REMIT_BENCH_EXPLAIN=DIR, after a read is measured, the SQL Remit ran for one more
/// request of it — caught from EF Core's DiagnosticListener events in this process, so Remit is not changed to tell —
/// is planned again with the same parameters on the same database: <c>EXPLAIN (ANALYZE, BUFFERS)</c> on PostgreSQL,
/// <c>EXPLAIN QUERY PLAN</c> on SQLite, into DIR/explain-PROVIDER-SIZE.txt. Only SELECTs are planned (ANALYZE runs the
/// statement; a token's last-used UPDATE must not run twice).
/// </summary>
public sealed class Explain : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private sealed record Captured(string Sql, DbParameter[] Parameters);

    private readonly List<Captured> captured = [];
    private readonly List<IDisposable> subscriptions = [];
    private readonly IDisposable all;
    private volatile bool on;

    public static string? Directory => Environment.GetEnvironmentVariable("REMIT_BENCH_EXPLAIN") is { Length: > 0 } dir ? dir : null;

    public Explain() => all = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Runs <paramref name="request"/> once while catching Remit's SQL, then appends each SELECT's plan to the file.</summary>
    public async Task PlanAsync(string file, string what, DbConnection raw, Func<Task> request)
    {
        lock (captured) captured.Clear();
        on = true;
        try { await request(); }
        finally { on = false; }
        Captured[] statements;
        lock (captured) statements = [.. captured];

        var text = new StringBuilder($"## {what}\n\n");
        foreach (var statement in statements.Where(s => s.Sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)))
        {
            await using var command = raw.CreateCommand();
            command.CommandText = (raw is NpgsqlConnection ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + statement.Sql;
            foreach (var parameter in statement.Parameters) command.Parameters.Add(parameter);
            text.Append(statement.Sql).Append("\n\n");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                text.Append("    ").AppendJoin(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)).Append('\n');
            text.Append('\n');
        }
        await File.AppendAllTextAsync(file, text.ToString());
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name) lock (subscriptions) subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (!on || e.Key != RelationalEventId.CommandExecuted.Name || e.Value is not CommandExecutedEventData data) return;
        // Copied now: the command and its parameters are reused or disposed once EF is done with them.
        var parameters = data.Command.Parameters.Cast<DbParameter>().Select(Copy).ToArray();
        lock (captured) captured.Add(new Captured(data.Command.CommandText, parameters));
    }

    private static DbParameter Copy(DbParameter source)
    {
        if (source is NpgsqlParameter npgsql) return npgsql.Clone();
        return new Microsoft.Data.Sqlite.SqliteParameter(source.ParameterName, source.Value ?? DBNull.Value);
    }

    public void Dispose()
    {
        all.Dispose();
        lock (subscriptions) subscriptions.ForEach(s => s.Dispose());
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }
}
