using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Remit.Api;

public static class ApiJson
{
    /// <summary>snake_case fields, UTC timestamps with Z, and enums never as numbers.</summary>
    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.Converters.Add(new UtcDateTimeConverter());
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        // A JsonException (not a FormatException) so a bad timestamp is a 422 naming its field, never a 500.
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
                ? value
                : throw new JsonException("Expected an ISO 8601 timestamp.");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}
