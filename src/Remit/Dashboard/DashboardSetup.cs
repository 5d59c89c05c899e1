using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Dashboard.Account;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;

namespace Remit.Dashboard;

/// <summary>The merchant dashboard: Razor Pages in this folder, signed in with a cookie, one program per user.</summary>
public static class DashboardSetup
{
    public static IServiceCollection AddRemitDashboard(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection("Remit:Dashboard"))
            .Validate(o => o.SessionLifetime > TimeSpan.Zero, "Remit:Dashboard:SessionLifetime must be a positive time span such as 12:00:00.")
            .ValidateOnStart();
        services.AddSingleton<IPasswordHasher<DashboardUser>, PasswordHasher<DashboardUser>>();
        // Outside Development the session cookie is Secure whatever the request's scheme: production is served over
        // HTTPS (directly or behind a proxy whose X-Forwarded-Proto is believed), and a session never leaves over plain
        // HTTP. The anti-forgery cookie (no credential: it only pairs with the form's token) follows the request's
        // scheme, because antiforgery refuses every form over HTTP when it is told Always.
        var secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        // The API's Bearer scheme stays the default; the dashboard names its cookie scheme on every policy and
        // challenge, so a browser's cookie never authenticates an API call (no CSRF surface there) and the API
        // keeps answering 401/403 in JSON instead of redirecting to a sign-in page.
        services.AddAuthentication().AddCookie(DashboardAuth.Scheme, o =>
        {
            o.Cookie.Name = "remit_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.LoginPath = "/sign-in";
            o.LogoutPath = "/sign-out";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnValidatePrincipal = DashboardAuth.ValidateAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(DashboardAuth.Policy, p => p
            .AddAuthenticationSchemes(DashboardAuth.Scheme).RequireAuthenticatedUser().RequireClaim(TokenAuthHandler.ProgramClaim));
        // Two sites share Razor Pages: the merchant dashboard (Dashboard/) and the affiliates' portal (Portal/). Each
        // folder is authorized by its own cookie scheme only, so neither site's cookie opens the other.
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/";
            o.Conventions.AuthorizeFolder("/Dashboard", DashboardAuth.Policy);
            o.Conventions.AllowAnonymousToPage("/Dashboard/Account/SignIn");
            o.Conventions.AuthorizeFolder("/Portal", Portal.PortalAuth.Policy);
            o.Conventions.AllowAnonymousToPage("/Portal/SignIn");
            o.Conventions.AllowAnonymousToPage("/Portal/SignedOut");
        }).AddMvcOptions(o => o.Filters.Add<DashboardFilter>())
            .AddRazorOptions(o => o.PageViewLocationFormats.Add("/Dashboard/Shared/{0}" + Microsoft.AspNetCore.Mvc.Razor.RazorViewEngine.ViewExtension));
        return services;
    }

    /// <summary>HTML error pages for everything that is not the API (the API keeps its JSON envelope).</summary>
    public static IApplicationBuilder UseDashboardErrors(this IApplicationBuilder app) =>
        app.UseWhen(http => !ApiPaths.IsApi(http), dashboard =>
        {
            dashboard.UseExceptionHandler(errorApp => errorApp.Run(http => ErrorPage.WriteAsync(http, 500)));
            dashboard.UseStatusCodePages(context => ErrorPage.WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode));
        });

    public static IEndpointRouteBuilder MapRemitDashboard(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        // Downloads are plain endpoints (no page to render) but use the dashboard's cookie and program.
        var downloads = app.MapGroup("/payouts").RequireAuthorization(DashboardAuth.Policy).ExcludeFromDescription()
            .AddEndpointFilter(async (ctx, next) =>
            {
                DashboardAuth.UseProgramOf(ctx.HttpContext);
                return await next(ctx);
            });
        downloads.MapGet("/export", ExportCsv);
        downloads.MapGet("/{id:long}/statement", Statement);
        app.MapGet("/", () => Results.Redirect("/payouts")).ExcludeFromDescription();
        return app;
    }

    /// <summary>"Export CSV" of the table's current filter: the same parser and writer as GET /v1/payouts/export.</summary>
    public static async Task<IResult> ExportCsv(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var query = PayoutQuery.Parse(http.Request, v);
        if (!v.IsValid || await query.CheckIdsAsync(db, ct) is not null) return Results.BadRequest();
        await PayoutsCsv.WriteResponseAsync(http, db, query, clock, ct);
        return Results.Empty;
    }

    /// <summary>The statement PDF of GET /v1/payouts/{id}/statement; another program's payout is an HTML 404.</summary>
    public static async Task<IResult> Statement(long id, RemitDb db, StatementRenders renders, TimeProvider clock, CancellationToken ct)
    {
        var answer = (await PayoutsApi.Statement(id, db, renders, clock, ct)).Result;
        return answer is ApiError ? Results.NotFound() : answer;
    }
}

/// <summary>The cookie scheme, its claims, and the sign-in rules (hashed passwords, lock-out after failures).</summary>
public static class DashboardAuth
{
    public const string Scheme = "Dashboard";
    public const string Policy = "dashboard";
    public const string SessionClaim = "remit:session";
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The one answer to every refused sign-in — wrong password, unknown email, locked account — so the answer never
    /// tells which emails have an account or which accounts are locked.
    /// </summary>
    public static readonly string Refusal =
        $"The email or password is not right. After {MaxFailedSignIns} failed attempts an account is locked for {LockOut.TotalMinutes:0} minutes.";

    // Unknown emails and locked accounts are checked against this hash, so the time an answer takes does not tell
    // them apart from a wrong password either.
    private static readonly DashboardUser Nobody = new() { Email = "", PasswordHash = "" };
    private static readonly string NobodyHash = new PasswordHasher<DashboardUser>().HashPassword(Nobody, "not a password");

    /// <summary>
    /// The user whose password this is, or null. A password is judged only after a guess is claimed in one
    /// conditional UPDATE that counts it and checks the lock together, so however many guesses race, exactly
    /// <see cref="MaxFailedSignIns"/> are judged before the account locks for <see cref="LockOut"/>; the right
    /// password then fails too until the time is up. A success resets the count.
    /// </summary>
    public static async Task<DashboardUser?> CheckPasswordAsync(RemitDb db, IPasswordHasher<DashboardUser> hasher, string? email, string? password,
        TimeProvider clock, CancellationToken ct)
    {
        var normalised = (email ?? "").Trim().ToLowerInvariant();
        var user = normalised.Length == 0 ? null
            : await db.Users.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(u => u.Email == normalised, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (user is null || !await ClaimGuessAsync(db, user.Id, now, ct))
        {
            hasher.VerifyHashedPassword(Nobody, NobodyHash, password ?? "");
            return null;
        }
        var check = hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (check == PasswordVerificationResult.Failed) return null;
        var hash = check == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(user, password!) : user.PasswordHash;
        await db.Users.IgnoreQueryFilters().Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedSignIns, 0)
            .SetProperty(u => u.LockedUntil, (DateTime?)null)
            .SetProperty(u => u.PasswordHash, hash), ct);
        return user;
    }

    /// <summary>
    /// Counts a guess unless the account is locked, and locks it with the last guess allowed (which is still judged:
    /// when it is right, the success lifts the lock). Every SET sees the row as it was, and a concurrent UPDATE of the
    /// row waits and re-checks the WHERE, so no two guesses can take the same place in the count.
    /// </summary>
    private static async Task<bool> ClaimGuessAsync(RemitDb db, long userId, DateTime now, CancellationToken ct)
    {
        DateTime? lockedUntil = now + LockOut;
        var claimed = await db.Users.IgnoreQueryFilters()
            .Where(u => u.Id == userId && (u.LockedUntil == null || u.LockedUntil <= now))
            .ExecuteUpdateAsync(s => s
                // A lock that has run out starts a fresh count.
                .SetProperty(u => u.FailedSignIns, u => u.LockedUntil == null ? u.FailedSignIns + 1 : 1)
                .SetProperty(u => u.LockedUntil, u => u.LockedUntil == null && u.FailedSignIns + 1 >= MaxFailedSignIns ? lockedUntil : null), ct);
        return claimed == 1;
    }

    public static ClaimsPrincipal Principal(DashboardUser user, string sessionKey) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, user.Email),
        new Claim(ClaimTypes.Role, user.Role),
        new Claim(TokenAuthHandler.ProgramClaim, user.ProgramId.ToString(CultureInfo.InvariantCulture)),
        new Claim(SessionClaim, sessionKey),
    ], Scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The signed-in dashboard identity, never a Bearer token's (a request may carry both).</summary>
    public static ClaimsIdentity? Identity(HttpContext http) =>
        http.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == Scheme);

    /// <summary>Scopes the unit of work to the signed-in user's program, as the API's group filter does for tokens.</summary>
    public static long UseProgramOf(HttpContext http)
    {
        var claim = Identity(http)?.FindFirst(TokenAuthHandler.ProgramClaim)?.Value;
        var programId = claim is null ? 0 : long.Parse(claim, CultureInfo.InvariantCulture);
        http.RequestServices.GetRequiredService<RemitDb>().ProgramId = programId;
        return programId;
    }

    /// <summary>
    /// A session ends as soon as it was signed out (its row is gone), its absolute lifetime is over, or its user is
    /// gone or their role or program changed.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var id = long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "0", CultureInfo.InvariantCulture);
        var keyHash = principal.FindFirstValue(SessionClaim) is { } key ? DashboardSession.Hash(key) : "";
        var db = context.HttpContext.RequestServices.GetRequiredService<RemitDb>();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var user = await (
                from s in db.Sessions
                join u in db.Users.IgnoreQueryFilters() on s.UserId equals u.Id
                where s.KeyHash == keyHash && s.UserId == id && s.ExpiresAt > now
                select new { u.Role, u.ProgramId })
            .AsNoTracking().SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (user is null || user.Role != principal.FindFirstValue(ClaimTypes.Role)
            || user.ProgramId.ToString(CultureInfo.InvariantCulture) != principal.FindFirstValue(TokenAuthHandler.ProgramClaim))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}

/// <summary>Marks a page whose POST a viewer may send (signing out); every other dashboard POST is for admins.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ViewersMayPostAttribute : Attribute;

/// <summary>
/// Runs before every dashboard page handler: scopes the database to the user's program, loads the program for the
/// layout, refuses a viewer's state-changing request (403, even when forged with a valid anti-forgery token), and
/// sets the pages' content security policy (the headers every answer carries are in Hosting/SecurityHeaders.cs).
/// </summary>
public sealed class DashboardFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

        var identity = DashboardAuth.Identity(http);
        if (identity is not null)
        {
            var programId = DashboardAuth.UseProgramOf(http);
            var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
            if (!isRead && !identity.HasClaim(ClaimTypes.Role, UserRoles.Admin)
                && !context.HandlerInstance.GetType().IsDefined(typeof(ViewersMayPostAttribute), false))
            {
                context.Result = new ForbidResult(DashboardAuth.Scheme);
                return;
            }
            var db = http.RequestServices.GetRequiredService<RemitDb>();
            http.Items[typeof(AffiliateProgram)] = await db.Programs.AsNoTracking().SingleAsync(p => p.Id == programId, http.RequestAborted);
        }
        await next();
    }
}

/// <summary>A small HTML page for an error status outside the API: no stack trace, a way back.</summary>
public static class ErrorPage
{
    public static Task WriteAsync(HttpContext http, int status)
    {
        var (title, text) = status switch
        {
            400 => ("Bad request", "The form could not be accepted (it may have expired). Go back, reload the page and try again."),
            403 => ("Not allowed", "Your role can look but not change anything here. Ask an admin of your program."),
            404 => ("Not found", "There is nothing here, or it belongs to another program."),
            405 => ("Not allowed", "This address does not take that kind of request."),
            _ when status >= 500 => ("Something went wrong", "Something went wrong on our side. It has been logged."),
            _ => ("Error " + status.ToString(CultureInfo.InvariantCulture), "The request could not be completed."),
        };
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)} · Remit</title><link rel="stylesheet" href="/dashboard.css"></head>
            <body class="bare"><main class="error-page"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>
            <p><a href="/payouts">Back to payouts</a></p></main></body></html>
            """;
        return http.Response.WriteAsync(html);
    }
}
