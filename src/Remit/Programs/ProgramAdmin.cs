using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Programs;

/// <summary>Operator actions on programs, tokens and dashboard users: used by the CLI, the demo seed and the dashboard.</summary>
public static class ProgramAdmin
{
    public sealed class AdminException(string message) : Exception(message);

    public static async Task<AffiliateProgram> CreateProgramAsync(RemitDb db, string name, string plan, string? currency,
        string? timeZone, DateTime now, CancellationToken ct = default)
    {
        var program = new AffiliateProgram { Name = "", Plan = Plans.Nano, CreatedAt = now };
        Apply(program, name, plan, currency ?? "USD", timeZone ?? "UTC");
        db.Programs.Add(program);
        await db.SaveChangesAsync(ct);
        return program;
    }

    public static async Task<AffiliateProgram> SetProgramAsync(RemitDb db, long programId, string? name, string? plan, string? timeZone, CancellationToken ct = default)
    {
        var program = await db.Programs.SingleOrDefaultAsync(p => p.Id == programId, ct) ?? throw new AdminException($"No program {programId}.");
        Apply(program, name ?? program.Name, plan ?? program.Plan, program.Currency, timeZone ?? program.TimeZone);
        await db.SaveChangesAsync(ct);
        return program;
    }

    private static void Apply(AffiliateProgram program, string name, string plan, string currency, string timeZone)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200) throw new AdminException("--name must be 1 to 200 characters.");
        if (!Plans.All.Contains(plan)) throw new AdminException($"--plan must be one of {string.Join(", ", Plans.All)}.");
        if (!Money.IsSupported(currency)) throw new AdminException($"--currency '{currency}' is not a supported ISO 4217 code.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)) throw new AdminException($"--time-zone '{timeZone}' is not an IANA time zone.");
        program.Name = name.Trim();
        program.Plan = plan;
        program.Currency = currency;
        program.TimeZone = timeZone;
    }

    /// <summary>Makes a token and returns its secret: the only time the secret exists outside the caller's hands.</summary>
    public static async Task<(ApiToken Token, string Secret)> CreateTokenAsync(RemitDb db, long programId, string name,
        IEnumerable<string> scopes, int? expiresInDays, DateTime now, CancellationToken ct = default, Audit.Actor? actor = null)
    {
        await RequireProgram(db, programId, ct);
        var scopeList = scopes.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        var unknown = scopeList.Except(Scopes.All).ToList();
        if (scopeList.Count == 0 || unknown.Count > 0)
            throw new AdminException($"scopes must be one or more of {string.Join(", ", Scopes.All)}" + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}." : "."));
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) throw new AdminException("The token name must be 1 to 200 characters.");
        if (expiresInDays is < 1 or > 3650) throw new AdminException("expires-in-days must be from 1 to 3650.");
        var secret = ApiToken.NewSecret();
        var token = new ApiToken
        {
            ProgramId = programId, Name = name.Trim(), TokenHash = ApiToken.Hash(secret), Prefix = secret[..10],
            Scopes = string.Join(' ', scopeList), CreatedAt = now, ExpiresAt = expiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        if (actor is not null)
        {
            db.AuditEvents.Add(actor.Record(programId, "token.created", "api_token", token.Id, now, notes: token.Scopes));
            await db.SaveChangesAsync(ct);
        }
        return (token, secret);
    }

    public static Task<List<ApiToken>> ListTokensAsync(RemitDb db, long programId, CancellationToken ct = default) =>
        db.ApiTokens.IgnoreQueryFilters().AsNoTracking().Where(t => t.ProgramId == programId).OrderBy(t => t.Id).ToListAsync(ct);

    public static async Task RevokeTokenAsync(RemitDb db, long programId, long tokenId, DateTime now, CancellationToken ct = default, Audit.Actor? actor = null)
    {
        var revoked = await db.ApiTokens.IgnoreQueryFilters().Where(t => t.ProgramId == programId && t.Id == tokenId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        if (revoked == 0) throw new AdminException($"Program {programId} has no active token {tokenId}.");
        if (actor is not null)
        {
            db.AuditEvents.Add(actor.Record(programId, "token.revoked", "api_token", tokenId, now));
            await db.SaveChangesAsync(ct);
        }
    }

    public static async Task<DashboardUser> CreateUserAsync(RemitDb db, long programId, string email, string password, string role, DateTime now, CancellationToken ct = default)
    {
        await RequireProgram(db, programId, ct);
        email = email.Trim().ToLowerInvariant();
        if (!Affiliates.AffiliateActions.IsEmail(email)) throw new AdminException("--email is not a valid email address.");
        if (!UserRoles.All.Contains(role)) throw new AdminException($"--role must be one of {string.Join(", ", UserRoles.All)}.");
        if (password.Length < 10) throw new AdminException("The password must be at least 10 characters.");
        if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email, ct)) throw new AdminException($"A user {email} already exists.");
        var user = new DashboardUser { ProgramId = programId, Email = email, PasswordHash = "", Role = role, CreatedAt = now };
        user.PasswordHash = new PasswordHasher<DashboardUser>().HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    private static async Task RequireProgram(RemitDb db, long programId, CancellationToken ct)
    {
        if (!await db.Programs.AnyAsync(p => p.Id == programId, ct)) throw new AdminException($"No program {programId}.");
    }
}
