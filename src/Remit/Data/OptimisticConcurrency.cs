using Microsoft.EntityFrameworkCore;

namespace Remit.Data;

/// <summary>
/// A row that is changed by read-merge-validate-save (programs: their settings; affiliates: their fields and payout
/// method). Rules span fields (a payout_day is valid only for its frequency; a PayPal email only with the PayPal
/// method), and EF writes only the columns a request changed, so two requests that each validated what they read
/// could together store a row neither would have accepted. The version is a concurrency token: every save of the
/// row bumps it and is made only over the version it read (<c>UPDATE … WHERE version = @read</c>), on SQLite and
/// PostgreSQL alike.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}

public static class OptimisticConcurrency
{
    /// <summary>Each lost race means another writer saved, so a handful of attempts only runs out under a stampede.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Bumps the version of every versioned row about to be written; EF checks the version it read.</summary>
    internal static void BumpVersions(DbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<IVersioned>())
            if (entry.State == EntityState.Modified) entry.Entity.Version++;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (read, merge, validate, save) until its save lands on the row as it read it.
    /// When another writer saved first, everything tracked is dropped and the attempt starts again from a fresh read,
    /// so the merged result is validated against what is really stored. <paramref name="lost"/> answers when every
    /// attempt lost.
    /// </summary>
    public static async Task<T> RetryAsync<T>(this RemitDb db, Func<Task<T>> attempt, Func<T> lost)
    {
        for (var i = 1; i <= MaxAttempts; i++)
        {
            try
            {
                return await attempt();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
            }
        }
        return lost();
    }
}
