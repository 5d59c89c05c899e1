using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Remit.Data;

namespace Remit.Api;

/// <summary>
/// The IETF httpapi Idempotency-Key header on every POST, PUT and PATCH of the API. The key belongs to the token's
/// program; the first request with it runs and its answer is kept for 24 hours; the same request again (method,
/// path with query — /api/v1 and /v1 alike —, body bytes) gets that answer again with <c>Idempotent-Replayed: true</c>
/// and runs nothing. Another request with the key is 422 IDEMPOTENCY_KEY_REUSED; one arriving while the first is
/// still running is 409 IDEMPOTENCY_KEY_IN_USE. A first request that fails on our side (5xx) keeps nothing, so a
/// retry runs it.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key", ReplayedHeader = "Idempotent-Replayed";
    public const string KeyReused = "IDEMPOTENCY_KEY_REUSED", KeyInUse = "IDEMPOTENCY_KEY_IN_USE";
    public const int MaxKeyLength = 255;

    public static bool IsUnsafe(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method);

    /// <summary>Runs after authorization: a request refused for its token or scope never claims a key.</summary>
    public static IApplicationBuilder UseApiIdempotency(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!http.Request.Headers.ContainsKey(Header) || !IsUnsafe(http.Request.Method) || !ApiPaths.IsApi(http)
            || http.User.FindFirst(TokenAuthHandler.ProgramClaim)?.Value is not { } programClaim
            || http.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            await next(http);
            return;
        }
        if (ParseKey(http.Request.Headers[Header]) is not { } key)
        {
            await Refuse(http, 422, ErrorCodes.Validation,
                $"{Header} must be one key of 1 to {MaxKeyLength} visible ASCII characters (optionally in double quotes).", Header);
            return;
        }
        http.Request.EnableBuffering();
        var body = await ReadBodyAsync(http.Request);
        if (body is null)
        {
            // Over the body limit: the handler refuses it (413) and changes nothing, so there is nothing to keep.
            await next(http);
            return;
        }

        var programId = long.Parse(programClaim, CultureInfo.InvariantCulture);
        var fingerprint = IdempotencyStore.Fingerprint(http.Request.Method, http.Request.Path + http.Request.QueryString, body);
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<RemitDb>();
        var (result, stored) = await IdempotencyStore.ClaimAsync(keys, programId, key, fingerprint, clock.GetUtcNow().UtcDateTime, http.RequestAborted);
        switch (result)
        {
            case ClaimResult.Reused:
                await Refuse(http, 422, KeyReused, $"This {Header} was used with another request (method, path or body) in the last 24 hours; use a new key for a new request.", Header);
                return;
            case ClaimResult.InUse:
                await Refuse(http, 409, KeyInUse, $"A request with this {Header} is still running; wait for it, then retry to get its answer.", Header);
                return;
            case ClaimResult.Replay:
                await ReplayAsync(http, stored!);
                return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            await IdempotencyStore.ReleaseAsync(keys, programId, key, CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        var status = http.Response.StatusCode;
        if (status >= 500)
            await IdempotencyStore.ReleaseAsync(keys, programId, key, CancellationToken.None);
        else
            await IdempotencyStore.CompleteAsync(keys, programId, key, status, http.Response.ContentType,
                http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, buffer.ToArray(),
                clock.GetUtcNow().UtcDateTime, CancellationToken.None);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    });

    /// <summary>The key, as a Structured Field string ("…") or bare; null when missing, repeated or malformed.</summary>
    public static string? ParseKey(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count != 1 || values[0] is not { } raw) return null;
        var key = raw.Trim();
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') key = key[1..^1];
        return key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~') && !key.Contains('"') ? key : null;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > Body.MaxBytes) return null;
        using var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (copy.Length + read > Body.MaxBytes) return null;
                copy.Write(chunk, 0, read);
            }
            return copy.ToArray();
        }
        finally
        {
            // The handler reads the body again, from its start.
            request.Body.Position = 0;
        }
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyKey stored)
    {
        http.Response.StatusCode = stored.StatusCode!.Value;
        http.Response.Headers[ReplayedHeader] = "true";
        if (stored.ContentType is not null) http.Response.ContentType = stored.ContentType;
        if (stored.Location is not null) http.Response.Headers.Location = stored.Location;
        if (stored.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static Task Refuse(HttpContext http, int status, string code, string message, string field) =>
        ApiError.WriteAsync(http, status, new(new(code, message, [new(field, message)])));
}
