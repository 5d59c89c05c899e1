using Microsoft.EntityFrameworkCore;
using Remit.Data;

namespace Remit.Security;

/// <summary>
/// `remit secrets rotate`: re-encrypts every stored secret that is not under the active key, so an old key can be
/// removed from the configuration afterwards. Safe to run again (rows already under the active key are skipped) and
/// while Remit serves (each chunk is its own short transaction).
/// </summary>
public static class SecretRotation
{
    private const int Chunk = 500;

    public sealed record Result(int Affiliates, int Payouts, int Programs, int WebhookEndpoints);

    public static async Task<Result> RotateAsync(RemitDb db, SecretBox secrets, CancellationToken ct = default)
    {
        var prefix = $"{SecretBox.Prefix}{secrets.ActiveKeyId}:";
        var affiliates = 0;
        while (true)
        {
            var rows = await db.Affiliates.IgnoreQueryFilters()
                .Where(a => a.Account.Secret != null && !a.Account.Secret.StartsWith(prefix)).OrderBy(a => a.Id).Take(Chunk).ToListAsync(ct);
            if (rows.Count == 0) break;
            foreach (var a in rows) a.Account = a.Account with { Secret = secrets.Encrypt(secrets.Decrypt(a.Account.Secret!)) };
            affiliates += await SaveUnlessChangedAsync(db, rows.Count, ct);
        }
        var payouts = 0;
        while (true)
        {
            var rows = await db.Payouts.IgnoreQueryFilters()
                .Where(p => p.Account.Secret != null && !p.Account.Secret.StartsWith(prefix)).OrderBy(p => p.Id).Take(Chunk).ToListAsync(ct);
            if (rows.Count == 0) break;
            foreach (var p in rows) p.Account = p.Account with { Secret = secrets.Encrypt(secrets.Decrypt(p.Account.Secret!)) };
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            payouts += rows.Count;
        }
        var programs = 0;
        while (true)
        {
            var rows = await db.Programs.Where(p => p.PayPal.ClientSecret != null && !p.PayPal.ClientSecret.StartsWith(prefix))
                .OrderBy(p => p.Id).Take(Chunk).ToListAsync(ct);
            if (rows.Count == 0) break;
            foreach (var p in rows) p.PayPal = p.PayPal with { ClientSecret = secrets.Encrypt(secrets.Decrypt(p.PayPal.ClientSecret!)) };
            programs += await SaveUnlessChangedAsync(db, rows.Count, ct);
        }
        var endpoints = 0;
        var skip = 0L;
        while (true)
        {
            var rows = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking()
                .Where(e => e.Id > skip && (!e.Secret.StartsWith(prefix) || (e.PreviousSecret != null && !e.PreviousSecret.StartsWith(prefix))))
                .OrderBy(e => e.Id).Take(Chunk).ToListAsync(ct);
            if (rows.Count == 0) break;
            foreach (var e in rows)
            {
                var secret = secrets.Encrypt(secrets.Decrypt(e.Secret));
                var previous = e.PreviousSecret is null ? null : secrets.Encrypt(secrets.Decrypt(e.PreviousSecret));
                // Only over the secrets as read: a rotation meanwhile wins, and its row is left for the next run.
                endpoints += await db.WebhookEndpoints.IgnoreQueryFilters()
                    .Where(x => x.Id == e.Id && x.Secret == e.Secret && x.PreviousSecret == e.PreviousSecret)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Secret, secret).SetProperty(x => x.PreviousSecret, previous), ct);
            }
            skip = rows[^1].Id;
        }
        return new Result(affiliates, payouts, programs, endpoints);
    }

    /// <summary>
    /// Affiliates and programs are versioned (OptimisticConcurrency): when one was changed while its chunk was
    /// re-encrypted, the chunk is dropped and read again, rather than writing the old secret over the new one.
    /// </summary>
    private static async Task<int> SaveUnlessChangedAsync(RemitDb db, int count, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return count;
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
