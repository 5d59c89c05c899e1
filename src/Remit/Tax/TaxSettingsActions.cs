using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Remit.Audit;
using Remit.Data;
using Remit.Programs;
using Remit.Security;

namespace Remit.Tax;

public sealed record PayerAddressDto(string? Line1, string? Line2, string? City, string? State, string? Zip);

/// <summary>The tax settings as the API shows them: the payer's EIN masked, never whole.</summary>
public sealed record TaxSettingsDto(
    string? PayerName, string? PayerTin, PayerAddressDto PayerAddress, string? PayerPhone, string? ContactEmail, string? IrisTcc,
    bool RequireTaxForm, [property: System.Text.Json.Serialization.JsonPropertyName("include_paypal_in_1099")] bool IncludePaypalIn1099,
    bool PayerComplete, IReadOnlyList<string> PayerMissing)
{
    public static TaxSettingsDto Of(TaxSettings t) => new(t.PayerName, t.PayerTinLast4 is null ? null : Tin.Mask(Tin.Ein, t.PayerTinLast4),
        new(t.PayerAddressLine1, t.PayerAddressLine2, t.PayerCity, t.PayerState, t.PayerZip), t.PayerPhone, t.ContactEmail, t.IrisTcc,
        t.RequireTaxForm, t.IncludePayPalIn1099, !t.MissingForFiling().Any(), t.MissingForFiling().ToList());
}

/// <summary>The body of PUT /v1/settings/tax, for the OpenAPI document: any subset; null clears a text field.</summary>
public sealed record TaxSettingsBody(
    string? PayerName, string? PayerTin, PayerAddressDto? PayerAddress, string? PayerPhone, string? ContactEmail, string? IrisTcc,
    bool? RequireTaxForm, [property: System.Text.Json.Serialization.JsonPropertyName("include_paypal_in_1099")] bool? IncludePaypalIn1099);

/// <summary>A change to the tax settings: the text fields given (null clears one; keys as the API names them, the address as payer_address.line1…) and the switches given.</summary>
public sealed record TaxSettingsChange(IReadOnlyDictionary<string, string?> Text, bool? RequireTaxForm = null, bool? IncludePayPalIn1099 = null);

/// <summary>Checking and saving the tax settings: the API's PUT and the dashboard's form both come here.</summary>
public static partial class TaxSettingsActions
{
    public static readonly string[] TextFields =
    [
        "payer_name", "payer_tin", "payer_address.line1", "payer_address.line2", "payer_address.city", "payer_address.state",
        "payer_address.zip", "payer_phone", "contact_email", "iris_tcc",
    ];

    private static readonly HashSet<string> States =
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "AA", "AE", "AP",
    ];

    [GeneratedRegex(@"^\d{5}(-?\d{4})?$")]
    private static partial Regex Zip();

    [GeneratedRegex(@"^[A-Z0-9]{5}$")]
    private static partial Regex Tcc();

    /// <summary>Reads the PUT body: known fields only, strings or null, the address an object, the switches booleans.</summary>
    public static TaxSettingsChange? Parse(JsonElement body, Validation v)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            v.Add("body", "The body must be a JSON object of settings.");
            return null;
        }
        var text = new Dictionary<string, string?>();
        bool? require = null, paypal = null;
        void Text(string key, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.String) text[key] = value.GetString()!.Trim() is { Length: > 0 } s ? s : null;
            else if (value.ValueKind == JsonValueKind.Null) text[key] = null;
            else v.Add(key, $"{key} must be a string (or null to clear it).");
        }
        foreach (var field in body.EnumerateObject())
        {
            switch (field.Name)
            {
                case "require_tax_form" or "include_paypal_in_1099":
                    if (field.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) v.Add(field.Name, $"{field.Name} must be true or false.");
                    else if (field.Name == "require_tax_form") require = field.Value.GetBoolean();
                    else paypal = field.Value.GetBoolean();
                    break;
                case "payer_address" when field.Value.ValueKind == JsonValueKind.Object:
                    foreach (var part in field.Value.EnumerateObject())
                    {
                        if (TextFields.Contains($"payer_address.{part.Name}")) Text($"payer_address.{part.Name}", part.Value);
                        else v.Add($"payer_address.{part.Name}", $"Unknown field 'payer_address.{part.Name}'.");
                    }
                    break;
                case "payer_address":
                    v.Add("payer_address", "payer_address must be an object {line1, line2, city, state, zip}.");
                    break;
                case "payer_complete" or "payer_missing":
                    v.Add(field.Name, $"{field.Name} is read-only.");
                    break;
                default:
                    if (TextFields.Contains(field.Name)) Text(field.Name, field.Value);
                    else v.Add(field.Name, $"Unknown field '{field.Name}'.");
                    break;
            }
        }
        return new TaxSettingsChange(text, require, paypal);
    }

    /// <summary>
    /// Checks each given field (the payer's EIN by the IRS's prefixes, a US state, a ZIP code, a phone number, an
    /// email, a 5-character IRIS TCC), encrypts the EIN, and saves all or nothing over the program row as read.
    /// </summary>
    public static Task<Outcome<TaxSettings>> SaveAsync(RemitDb db, SecretBox secrets, TaxSettingsChange change, Actor actor, TimeProvider clock, CancellationToken ct) =>
        db.RetryAsync(() => SaveOnceAsync(db, secrets, change, actor, clock, ct), () => Problem.ConcurrentUpdate("settings"));

    private static async Task<Outcome<TaxSettings>> SaveOnceAsync(RemitDb db, SecretBox secrets, TaxSettingsChange change, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.Programs.SingleAsync(p => p.Id == db.ProgramId, ct);
        if (TaxPlans.FormsRefusal(program.Plan) is { } refusal) return refusal;
        var t = program.Tax;
        var v = new Validation();
        bool Given(string key, out string? value) => change.Text.TryGetValue(key, out value);

        string? Checked(string key, string? current, int max, Func<string, string?>? problem = null)
        {
            if (!Given(key, out var value)) return current;
            if (value is null) return null;
            if (value.Length > max) v.Add(key, $"{key} must be at most {max} characters.");
            else if (problem?.Invoke(value) is { } p) v.Add(key, p);
            return value;
        }

        var name = Checked("payer_name", t.PayerName, 200);
        var line1 = Checked("payer_address.line1", t.PayerAddressLine1, 200);
        var line2 = Checked("payer_address.line2", t.PayerAddressLine2, 200);
        var city = Checked("payer_address.city", t.PayerCity, 100);
        var state = Checked("payer_address.state", t.PayerState, 2, s => States.Contains(s) ? null : "payer_address.state must be a two-letter US state or territory code such as CA.");
        var zip = Checked("payer_address.zip", t.PayerZip, 10, z => Zip().IsMatch(z) ? null : "payer_address.zip must be a ZIP code: 12345 or 12345-6789.");
        var phone = Checked("payer_phone", t.PayerPhone, 30, p => p.Count(char.IsAsciiDigit) is >= 10 and <= 15 && p.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+' or '.')
            ? null : "payer_phone must be a phone number of 10 to 15 digits.");
        var email = Checked("contact_email", t.ContactEmail, 320, e => Affiliates.AffiliateActions.IsEmail(e) ? null : "contact_email is not a valid email address.");
        var tcc = Checked("iris_tcc", t.IrisTcc, 5, c => Tcc().IsMatch(c) ? null : "iris_tcc is the 5-character Transmitter Control Code the IRS issued for IRIS (letters and digits).");
        var tinSecret = t.PayerTinSecret;
        var tinLast4 = t.PayerTinLast4;
        if (Given("payer_tin", out var tin))
        {
            if (tin is null) (tinSecret, tinLast4) = (null, null);
            else if (Tin.Problem(Tin.Ein, tin) is { } p) v.Add("payer_tin", p);
            else
            {
                var digits = Tin.Digits(tin)!;
                (tinSecret, tinLast4) = (secrets.Encrypt(digits), digits[^4..]);
            }
        }
        if (!v.IsValid) return v.ToProblem();

        program.Tax = t with
        {
            PayerName = name, PayerTinSecret = tinSecret, PayerTinLast4 = tinLast4, PayerAddressLine1 = line1, PayerAddressLine2 = line2,
            PayerCity = city, PayerState = state, PayerZip = zip, PayerPhone = phone, ContactEmail = email, IrisTcc = tcc,
            RequireTaxForm = change.RequireTaxForm ?? t.RequireTaxForm, IncludePayPalIn1099 = change.IncludePayPalIn1099 ?? t.IncludePayPalIn1099,
        };
        db.AuditEvents.Add(actor.Record(program.Id, "settings.tax_updated", "program", program.Id, clock.GetUtcNow().UtcDateTime,
            notes: $"require_tax_form: {program.Tax.RequireTaxForm.ToString().ToLowerInvariant()}"));
        await db.SaveChangesAsync(ct);
        TaxLog.For(db).SettingsChanged(program.Id, program.Tax.RequireTaxForm, program.Tax.IncludePayPalIn1099, actor.Type, actor.Id);
        return Outcome<TaxSettings>.Ok(program.Tax);
    }

    /// <summary>The payer's EIN, whole: for the files whose purpose is to carry it (1099s).</summary>
    public static string? PayerTin(AffiliateProgram program, SecretBox secrets) =>
        program.Tax.PayerTinSecret is { } cipher ? secrets.Decrypt(cipher) : null;
}
