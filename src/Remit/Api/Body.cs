using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Remit.Api;

/// <summary>Reads JSON bodies strictly: unknown fields, wrong types and malformed JSON are 422, never ignored.</summary>
public static class Body
{
    public const int MaxBytes = 1 << 20;

    public static async Task<(T? Value, Problem? Error)> ReadAsync<T>(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) return (default, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (default, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        // The seed's approve example sends no body and no Content-Type: an empty body is "no options given".
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            return (default, null);
        buffer.Position = 0;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(buffer, StrictOptions(request.HttpContext));
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

    private static Problem TooLarge() => Problem.TooLarge($"The body must be at most {MaxBytes} bytes.");

    private static JsonSerializerOptions? _strict;

    private static JsonSerializerOptions StrictOptions(HttpContext http) => _strict ??= new JsonSerializerOptions(
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
