using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Remit.Tax;

/// <summary>Checking a form's fields against its definition, and the canonical text its signature digest is taken over.</summary>
public static class TaxFormFields
{
    /// <summary>
    /// The form's fields checked line by line: every known key, each by its kind; fields of a part that does not
    /// apply are dropped (a conditional part is neither shown nor kept); unknown keys are refused. TINs come back as
    /// digits, countries upper-cased, checkboxes "true" or absent. Problems are named by field key.
    /// </summary>
    public static FieldValues Check(TaxFormDefinition form, IReadOnlyDictionary<string, string?> raw, DateOnly today, Validation v, string prefix = "fields.")
    {
        var known = form.Fields.Select(f => f.Key).ToHashSet();
        foreach (var key in raw.Keys.Where(k => !known.Contains(k))) v.Add(prefix + key, $"{form.Title} has no field '{key}'.");

        // First pass: trimmed values, so conditions see what was typed; then only the parts that apply are kept.
        var typed = new Dictionary<string, string>();
        foreach (var field in form.Fields)
        {
            if (!raw.TryGetValue(field.Key, out var value) || value is null) continue;
            var text = value.Trim();
            if (field.Kind == FieldKind.Check)
            {
                if (text is "true" or "on" or "yes") typed[field.Key] = "true";
                else if (text is not ("false" or "" or "no")) v.Add(prefix + field.Key, $"{field.Key} must be true or false.");
                continue;
            }
            if (text.Length > 0) typed[field.Key] = field.Kind == FieldKind.Country ? text.ToUpperInvariant() : text;
        }
        var seen = new FieldValues(typed);
        var clean = new Dictionary<string, string>();
        foreach (var field in form.Fields)
        {
            if (!field.Applies(seen)) continue;
            var value = seen[field.Key];
            if (value is null)
            {
                if (field.IsRequired(seen)) v.Add(prefix + field.Key, $"{Caption(field)} is required.");
                continue;
            }
            if (value.Length > field.Max)
            {
                v.Add(prefix + field.Key, $"{Caption(field)} must be at most {field.Max} characters.");
                continue;
            }
            var (stored, problem) = CheckOne(field, value, seen, today);
            if (problem is not null) v.Add(prefix + field.Key, problem);
            else clean[field.Key] = stored!;
        }
        var result = new FieldValues(clean);
        if (v.IsValid) form.Rules?.Invoke(result, (key, message) => v.Add(prefix + key, message));
        return result;
    }

    public static string Caption(FormField f) => f.Line.StartsWith("Part", StringComparison.Ordinal) ? f.Label : $"Line {f.Line} ({f.Label.Split(['.', '(', ':'])[0].Trim()})";

    private static (string? Value, string? Problem) CheckOne(FormField field, string value, FieldValues all, DateOnly today)
    {
        switch (field.Kind)
        {
            case FieldKind.Text:
                return value.Any(char.IsControl) ? (null, $"{Caption(field)} cannot contain control characters.") : (value, null);
            case FieldKind.Choice:
                return field.Options!.Any(o => o.Value == value)
                    ? (value, null)
                    : (null, $"{Caption(field)} must be one of {string.Join(", ", field.Options!.Select(o => o.Value))}.");
            case FieldKind.Country:
                return Countries.IsCode(value) ? (value, null) : (null, $"{Caption(field)} must be an ISO 3166-1 alpha-2 country code such as DE.");
            case FieldKind.Date:
                if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return (null, $"{Caption(field)} must be a date written YYYY-MM-DD.");
                return date >= today || date.Year < 1900 ? (null, $"{Caption(field)} must be a date in the past.") : (value, null);
            case FieldKind.Tin:
            {
                // The W-9 says its type on tin_type; a W-8's line takes the types it lists, told apart by the number.
                var digits = Tin.Digits(value);
                var type = field.Key == "tin" ? all["tin_type"] ?? Tin.Ssn
                    : field.Options!.Count == 1 ? field.Options[0].Value
                    : digits is not null && field.Options!.Any(o => o.Value == Tin.Ein) && !field.Options!.Any(o => o.Value == Tin.Ssn) ? Tin.Ein
                    : digits is not null ? Tin.IndividualType(digits) : Tin.Ssn;
                if (field.Options is { } allowed && !allowed.Any(o => o.Value == type) && field.Key != "tin")
                    return (null, $"{Caption(field)} must be an {string.Join(" or ", allowed.Select(o => o.Label))}.");
                return Tin.Problem(type, value) is { } p ? (null, p) : (digits, null);
            }
            case FieldKind.ForeignTin:
                return Tin.ForeignProblem(value) is { } fp ? (null, fp) : (value, null);
            case FieldKind.Rate:
                return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 30
                    ? (rate.ToString("0.##", CultureInfo.InvariantCulture), null)
                    : (null, $"{Caption(field)} must be a percentage from 0 to 30.");
            case FieldKind.Giin:
                return System.Text.RegularExpressions.Regex.IsMatch(value.ToUpperInvariant(), @"^[0-9A-NP-Z]{6}\.[0-9A-NP-Z]{5}\.(LE|SL|ME|BR|SP|SD|SS|SB|SF|SI)\.[0-9]{3}$")
                    ? (value.ToUpperInvariant(), null)
                    : (null, "A GIIN is written XXXXXX.XXXXX.XX.XXX (19 characters).");
            default:
                return (value, null);
        }
    }

    /// <summary>
    /// The text a signature is a digest of: the form, its revision, every field (secret ones included, whole), the
    /// signer's typed name and the signing time, as JSON with keys in ordinal order and no whitespace, so the same
    /// signed data always gives the same bytes.
    /// </summary>
    public static string Canonical(string kind, FieldValues fields, string signerName, DateTime signedAtUtc)
    {
        var definition = TaxFormKinds.Definition(kind);
        var sorted = new SortedDictionary<string, string>(fields.All.ToDictionary(), StringComparer.Ordinal);
        var document = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["fields"] = sorted,
            ["form"] = kind,
            ["revision"] = definition.Revision,
            ["signed_at"] = signedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["signer_name"] = signerName,
        };
        return JsonSerializer.Serialize(document, CanonicalJson);
    }

    private static readonly JsonSerializerOptions CanonicalJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Digest(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>A JSON object of the fields as the API sends them: nested objects for dotted keys, strings and booleans.</summary>
    public static Dictionary<string, string?>? Flatten(JsonElement fields, Validation v, string prefix = "fields")
    {
        if (fields.ValueKind != JsonValueKind.Object)
        {
            v.Add(prefix, "fields must be a JSON object of the form's lines.");
            return null;
        }
        var flat = new Dictionary<string, string?>();
        void Walk(JsonElement element, string path)
        {
            foreach (var p in element.EnumerateObject())
            {
                var key = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Object when path.Length == 0:
                        Walk(p.Value, key);
                        break;
                    case JsonValueKind.String:
                        flat[key] = p.Value.GetString();
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        flat[key] = p.Value.GetBoolean() ? "true" : "false";
                        break;
                    case JsonValueKind.Number:
                        flat[key] = p.Value.GetRawText();
                        break;
                    case JsonValueKind.Null:
                        flat[key] = null;
                        break;
                    default:
                        v.Add($"{prefix}.{key}", $"{key} must be a string, number or true/false.");
                        break;
                }
            }
        }
        Walk(fields, "");
        return flat;
    }
}
