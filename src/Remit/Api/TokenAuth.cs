using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Remit.Audit;
using Remit.Data;

namespace Remit.Api;

/// <summary>Bearer tokens: looked up by hash, refused when revoked or expired; claims carry program and scopes.</summary>
public sealed class TokenAuthHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TimeProvider clock)
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

        var db = Context.RequestServices.GetRequiredService<RemitDb>();
        var hash = ApiToken.Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var token = await db.ApiTokens.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .Select(t => new { t.Id, t.ProgramId, t.Name, t.Scopes, t.LastUsedAt })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("Unknown, revoked or expired token.");

        // "Last used" to the minute is enough for a person deciding what to revoke, and spares a write per request.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.ApiTokens.IgnoreQueryFilters().Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);

        var claims = new List<Claim>
        {
            new(ProgramClaim, token.ProgramId.ToString(CultureInfo.InvariantCulture)),
            new(TokenClaim, token.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, token.Name),
        };
        claims.AddRange(token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(ScopeClaim, s)));
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
