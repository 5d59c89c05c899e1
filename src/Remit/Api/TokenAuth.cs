using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Remit.Audit;
using Remit.Data;

namespace Remit.Api;

/// <summary>
/// Bearer tokens: looked up by hash (through <see cref="TokenCache"/>), refused when revoked or expired; claims carry
/// program and scopes.
/// </summary>
public sealed class TokenAuthHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TimeProvider clock, TokenCache tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string ProgramClaim = "program_id", TokenClaim = "token_id", ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Not a Bearer token.");
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is 0 or > 200) return AuthenticateResult.Fail("Malformed token.");

        var hash = ApiToken.Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var token = tokens.Find(hash);
        if (token is null)
        {
            var db = Context.RequestServices.GetRequiredService<RemitDb>();
            var row = await db.ApiTokens.IgnoreQueryFilters().AsNoTracking()
                .Where(t => t.TokenHash == hash && t.RevokedAt == null)
                .Select(t => new { t.Id, t.ProgramId, t.Name, t.Scopes, t.ExpiresAt, t.LastUsedAt })
                .SingleOrDefaultAsync(Context.RequestAborted);
            if (row is null) return AuthenticateResult.Fail("Unknown, revoked or expired token.");
            token = tokens.Add(hash, new TokenCache.Entry(row.Id, row.ProgramId, row.Name,
                row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), row.ExpiresAt) { LastUsedAt = row.LastUsedAt });
        }
        if (token.ExpiresAt <= now) return AuthenticateResult.Fail("Unknown, revoked or expired token.");

        // "Last used" to the minute is enough for a person deciding what to revoke, and spares a write per request.
        if (token.LastUsedAt is not { } lastUsed || now - lastUsed > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            var db = Context.RequestServices.GetRequiredService<RemitDb>();
            await db.ApiTokens.IgnoreQueryFilters().Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ProgramClaim, token.ProgramId.ToString(CultureInfo.InvariantCulture)),
            new(TokenClaim, token.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, token.Name),
        };
        claims.AddRange(token.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, 401, new(new(ErrorCodes.Unauthorized, "Missing or invalid Bearer token.", [])));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, 403, new(new(ErrorCodes.Forbidden, "Token lacks required scope.", [])));
}

public static class ApiAuth
{
    public const string AnyToken = "any-token";

    public static IServiceCollection AddRemitApiAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenCache>();
        services.AddAuthentication(TokenAuthHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthHandler>(TokenAuthHandler.SchemeName, null);
        var auth = services.AddAuthorizationBuilder();
        auth.AddPolicy(AnyToken, p => p.AddAuthenticationSchemes(TokenAuthHandler.SchemeName).RequireAuthenticatedUser());
        foreach (var scope in Scopes.All)
            auth.AddPolicy(scope, p => p.AddAuthenticationSchemes(TokenAuthHandler.SchemeName).RequireClaim(TokenAuthHandler.ScopeClaim, scope));
        return services;
    }

    /// <summary>
    /// An API route group: the token's scope, and the token's program set as the unit of work's tenant before any
    /// handler runs, so every query in it is filtered to that program.
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var programClaim = http.User.FindFirst(TokenAuthHandler.ProgramClaim)?.Value;
            if (programClaim is not null)
                http.RequestServices.GetRequiredService<RemitDb>().ProgramId = long.Parse(programClaim, CultureInfo.InvariantCulture);
            return await next(ctx);
        });

    public static Actor Actor(this HttpContext http) => Audit.Actor.Token(
        long.Parse(http.User.FindFirst(TokenAuthHandler.TokenClaim)!.Value, CultureInfo.InvariantCulture),
        http.User.Identity?.Name ?? "token");
}

/// <summary>
/// The live tokens this process has looked up recently, so a request does not read its token from the database each
/// time. An entry is kept for <see cref="Lifetime"/>: a token revoked through this process (the dashboard) is
/// forgotten at once; revoked elsewhere (the CLI, another process behind the balancer) it stops working here when its
/// entry ends. Expiry is checked on every request. Only tokens that were valid are kept, so unknown ones cannot fill it.
/// </summary>
public sealed class TokenCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public sealed record Entry(long Id, long ProgramId, string Name, string[] Scopes, DateTime? ExpiresAt)
    {
        /// <summary>When this process last recorded a use (or the database said, when the entry was read).</summary>
        public DateTime? LastUsedAt { get; set; }
    }

    private readonly ConcurrentDictionary<string, (Entry Entry, DateTimeOffset ReadAt)> _entries = new();
    private DateTimeOffset _lastSweep;

    public Entry? Find(string hash)
    {
        var now = clock.GetUtcNow();
        Sweep(now);
        return _entries.TryGetValue(hash, out var found) && now - found.ReadAt < Lifetime ? found.Entry : null;
    }

    public Entry Add(string hash, Entry entry)
    {
        _entries[hash] = (entry, clock.GetUtcNow());
        return entry;
    }

    /// <summary>Called after this process revoked a token, so it stops working here at once.</summary>
    public void Forget(long tokenId)
    {
        foreach (var (hash, found) in _entries)
            if (found.Entry.Id == tokenId) _entries.TryRemove(hash, out _);
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < TimeSpan.FromMinutes(1)) return;
        _lastSweep = now;
        foreach (var (hash, found) in _entries)
            if (now - found.ReadAt >= Lifetime) _entries.TryRemove(hash, out _);
    }
}
