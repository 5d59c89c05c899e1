using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Data;

namespace Remit.Portal;

/// <summary>Remit:Portal in the configuration.</summary>
public sealed class PortalOptions
{
    /// <summary>How long a sign-in link works after it was made.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a portal session lasts after signing in, however active (the idle limit applies within it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>The affiliates' portal at /portal: its own cookie scheme, sessions and pages (Portal/*.cshtml).</summary>
public static class PortalSetup
{
    public static IServiceCollection AddRemitPortal(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<PortalOptions>().Bind(configuration.GetSection("Remit:Portal"))
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Remit:Portal:LinkLifetime must be a positive time span such as 1.00:00:00.")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero, "Remit:Portal:SessionLifetime must be a positive time span such as 12:00:00.")
            .ValidateOnStart();
        services.AddOptions<PublicUrlOptions>().Configure(o => o.Base = configuration["Remit:PublicUrl"])
            .Validate(o => o.IsValid, "Remit:PublicUrl must be an absolute http or https URL such as https://payouts.example.com.")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection("Remit:Smtp"))
            .Validate(o => o.IsValid, "Remit:Smtp needs Host, a Port from 1 to 65535 and a From address when Host is set.")
            .ValidateOnStart();
        services.AddSingleton<PortalMailer>();
        // Its own cookie, limited to /portal: the browser never sends it to the dashboard or the API, and the
        // dashboard's cookie (sent everywhere) means nothing here because portal pages name only this scheme.
        services.AddAuthentication().AddCookie(PortalAuth.Scheme, o =>
        {
            o.Cookie.Name = "remit_portal";
            o.Cookie.Path = "/portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.LoginPath = "/portal/signed-out";
            o.LogoutPath = "/portal/sign-out";
            o.ReturnUrlParameter = "";
            o.ExpireTimeSpan = TimeSpan.FromHours(1);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = PortalAuth.ValidateAsync;
            // Without a session every portal page leads to the page asking for a new link.
            o.Events.OnRedirectToLogin = ctx =>
            {
                ctx.Response.Redirect("/portal/signed-out");
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(PortalAuth.Policy, p => p
            .AddAuthenticationSchemes(PortalAuth.Scheme).RequireAuthenticatedUser()
            .RequireClaim(PortalAuth.AffiliateClaim).RequireClaim(PortalAuth.ProgramClaim));
        return services;
    }
}

/// <summary>Remit:PublicUrl: the base of links that leave the site (sign-in links in answers and e-mails).</summary>
public sealed class PublicUrlOptions
{
    public string? Base { get; set; }

    public bool IsValid => string.IsNullOrEmpty(Base)
        || Uri.TryCreate(Base, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>The configured base (a path kept, a trailing slash trimmed), else the request's own scheme and host.</summary>
    public string For(HttpRequest request) => string.IsNullOrEmpty(Base)
        ? $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/')
        : Base.TrimEnd('/');
}

/// <summary>The portal's cookie scheme, its claims, and what ends a session.</summary>
public static class PortalAuth
{
    public const string Scheme = "Portal";
    public const string Policy = "portal";
    public const string AffiliateClaim = "remit:affiliate", ProgramClaim = "remit:portal_program", SessionClaim = "remit:portal_session";

    public static ClaimsPrincipal Principal(long programId, long affiliateId, string sessionKey) => new(new ClaimsIdentity(
    [
        new Claim(AffiliateClaim, affiliateId.ToString(CultureInfo.InvariantCulture)),
        new Claim(ProgramClaim, programId.ToString(CultureInfo.InvariantCulture)),
        new Claim(SessionClaim, sessionKey),
    ], Scheme));

    /// <summary>The signed-in affiliate's identity, never a merchant's cookie or a Bearer token's (a request may carry those too).</summary>
    public static ClaimsIdentity? Identity(HttpContext http) =>
        http.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == Scheme);

    public static (long ProgramId, long AffiliateId)? Affiliate(HttpContext http) =>
        Identity(http) is { } identity
        && long.TryParse(identity.FindFirst(ProgramClaim)?.Value, CultureInfo.InvariantCulture, out var program)
        && long.TryParse(identity.FindFirst(AffiliateClaim)?.Value, CultureInfo.InvariantCulture, out var affiliate)
            ? (program, affiliate)
            : null;

    /// <summary>A session ends when it was signed out (its row is gone), its lifetime is over, or its affiliate is disabled or gone.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var keyHash = principal.FindFirstValue(SessionClaim) is { } key ? PortalSession.Hash(key) : "";
        long.TryParse(principal.FindFirstValue(AffiliateClaim), CultureInfo.InvariantCulture, out var affiliateId);
        long.TryParse(principal.FindFirstValue(ProgramClaim), CultureInfo.InvariantCulture, out var programId);
        var db = context.HttpContext.RequestServices.GetRequiredService<RemitDb>();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var live = await (
                from s in db.PortalSessions
                join a in db.Affiliates.IgnoreQueryFilters() on s.AffiliateId equals a.Id
                where s.KeyHash == keyHash && s.AffiliateId == affiliateId && s.ProgramId == programId && a.ProgramId == programId
                      && s.ExpiresAt > now && a.Status == AffiliateStatus.Active
                select s.Id)
            .AnyAsync(context.HttpContext.RequestAborted);
        if (!live)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
