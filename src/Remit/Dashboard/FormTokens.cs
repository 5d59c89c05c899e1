using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Remit.Api;
using Remit.Data;

namespace Remit.Dashboard;

/// <summary>
/// A dashboard form cannot be submitted twice: every rendered POST form carries a one-time token (a hidden field
/// added by <see cref="FormTokenTagHelper"/>), claimed in the idempotency store (the API's Idempotency-Key table,
/// one INSERT under its unique index) before the handler runs. A second submission of the same rendered form — a
/// double click, a reload, a back-button resend — runs nothing: it is sent where the first one went (its redirect,
/// or back to the form's page), with a message saying it was not sent again.
/// </summary>
public static class FormTokens
{
    public const string Field = "__FormToken";

    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Around a dashboard page handler (after the role check): claims the form's token, runs the handler, keeps where
    /// it went. Forms without a token (none are rendered so) run as they are.
    /// </summary>
    public static async Task RunOnceAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next, long programId)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType
            || http.Request.Form[Field].ToString() is not { Length: > 0 and <= 64 } token)
        {
            await next();
            return;
        }
        var key = "form:" + token;
        var here = http.Request.Path + http.Request.QueryString;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<RemitDb>();
        // One rendered form is one action, whatever was typed into it: the page's path is the whole fingerprint.
        var fingerprint = IdempotencyStore.Fingerprint("FORM", here, []);
        var (result, stored) = await IdempotencyStore.ClaimAsync(keys, programId, key, fingerprint, clock.GetUtcNow().UtcDateTime, http.RequestAborted);
        if (result != ClaimResult.Claimed)
        {
            if (context.HandlerInstance is DashboardPage page)
                page.TempData[nameof(DashboardPage.FlashError)] = result == ClaimResult.InUse
                    ? "This form was already sent and is still being handled; it was not sent again."
                    : "This form was already sent; it was not sent again.";
            context.Result = new LocalRedirectResult(stored?.Location ?? here);
            return;
        }

        PageHandlerExecutedContext executed;
        try
        {
            executed = await next();
        }
        catch
        {
            await IdempotencyStore.ReleaseAsync(keys, programId, key, CancellationToken.None);
            throw;
        }
        if (executed.Exception is not null && !executed.ExceptionHandled)
        {
            await IdempotencyStore.ReleaseAsync(keys, programId, key, CancellationToken.None);
            return;
        }
        // Only where to go is kept (never a page's HTML, which may show a new token's secret once).
        var location = executed.Result switch
        {
            LocalRedirectResult r => r.Url,
            RedirectResult r when Uri.TryCreate(r.Url, UriKind.Relative, out _) => r.Url,
            _ => null,
        };
        await IdempotencyStore.CompleteAsync(keys, programId, key, StatusCodes.Status303SeeOther, null, location ?? here, null,
            clock.GetUtcNow().UtcDateTime, CancellationToken.None);
    }
}

/// <summary>Adds the one-time token to every POST form the dashboard renders.</summary>
[HtmlTargetElement("form")]
public sealed class FormTokenTagHelper : TagHelper
{
    // After the framework's form tag helper, beside its anti-forgery field.
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!context.AllAttributes.TryGetAttribute("method", out var method)
            || !string.Equals(method.Value?.ToString(), "post", StringComparison.OrdinalIgnoreCase)) return;
        output.PostContent.AppendHtml($"<input name=\"{FormTokens.Field}\" type=\"hidden\" value=\"{FormTokens.New()}\">");
    }
}
