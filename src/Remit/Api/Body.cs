using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Remit.Api;

/// <summary>
/// The one way API bodies are read: at most <see cref="MaxBytes"/>, then JSON read strictly (unknown fields, wrong
/// types and malformed JSON are 422, never ignored), or the exact text where a signature covers the bytes.
/// </summary>
public static class Body
{
    public const int MaxBytes = 1 << 20;

    public static async Task<(T? Value, Problem? Error)> ReadAsync<T>(HttpRequest request)
    {
        var (bytes, tooLarge) = await ReadBytesAsync(request);
        if (bytes is null) return (default, tooLarge);
        // The seed's approve example sends no body and no Content-Type: an empty body is "no options given".
        if (bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            return (default, null);
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, StrictOptions(request.HttpContext));
            return value is null ? (default, Problem.Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"Unknown field '{field}'."
                : field == "body" ? "The body is not valid JSON." : $"{field} has the wrong type or format.";
            return (default, Problem.Invalid(field, message));
        }
    }

    /// <summary>The body as sent, for a caller whose signature covers the exact bytes (never re-serialised).</summary>
    public static async Task<(string? Text, Problem? Error)> ReadTextAsync(HttpRequest request)
    {
        var (bytes, tooLarge) = await ReadBytesAsync(request);
        if (bytes is null) return (null, tooLarge);
        using var reader = new StreamReader(new MemoryStream(bytes));
        return (await reader.ReadToEndAsync(request.HttpContext.RequestAborted), null);
    }

    private static async Task<(byte[]? Bytes, Problem? Error)> ReadBytesAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    private static Problem TooLarge() => Problem.TooLarge($"The body must be at most {MaxBytes} bytes.");

    private static JsonSerializerOptions? _strict;

    private static JsonSerializerOptions StrictOptions(HttpContext http) => _strict ??= new JsonSerializerOptions(
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
