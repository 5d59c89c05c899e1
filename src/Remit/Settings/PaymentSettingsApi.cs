using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Remit.Api;
using Remit.Audit;
using Remit.Data;
using Remit.Payments;
using Remit.Security;

namespace Remit.Settings;

/// <summary>The merchant's originator details, as their bank gave them, for the NACHA files of bank batches.</summary>
public sealed record AchSettings
{
    public const string DefaultEntryDescription = "PAYOUT";

    public string? OdfiRouting { get; init; }
    public string? CompanyName { get; init; }
    public string? CompanyId { get; init; }
    public string? ImmediateDestination { get; init; }
    public string? ImmediateDestinationName { get; init; }
    public string? ImmediateOrigin { get; init; }
    public string? ImmediateOriginName { get; init; }
    public string? EntryDescription { get; init; }

    /// <summary>The fields a NACHA file cannot be written without (the two names may be blank in the file).</summary>
    public IEnumerable<string> Missing()
    {
        if (OdfiRouting is null) yield return "odfi_routing";
        if (CompanyName is null) yield return "company_name";
        if (CompanyId is null) yield return "company_id";
        if (ImmediateDestination is null) yield return "immediate_destination";
        if (ImmediateOrigin is null) yield return "immediate_origin";
    }

    public static void Map(ComplexPropertyBuilder<AchSettings> b)
    {
        b.Property(a => a.OdfiRouting).HasColumnName("ach_odfi_routing").HasMaxLength(9);
        b.Property(a => a.CompanyName).HasColumnName("ach_company_name").HasMaxLength(Nacha.CompanyNameLength);
        b.Property(a => a.CompanyId).HasColumnName("ach_company_id").HasMaxLength(Nacha.CompanyIdLength);
        b.Property(a => a.ImmediateDestination).HasColumnName("ach_immediate_destination").HasMaxLength(10);
        b.Property(a => a.ImmediateDestinationName).HasColumnName("ach_immediate_destination_name").HasMaxLength(Nacha.ImmediateNameLength);
        b.Property(a => a.ImmediateOrigin).HasColumnName("ach_immediate_origin").HasMaxLength(10);
        b.Property(a => a.ImmediateOriginName).HasColumnName("ach_immediate_origin_name").HasMaxLength(Nacha.ImmediateNameLength);
        b.Property(a => a.EntryDescription).HasColumnName("ach_entry_description").HasMaxLength(Nacha.EntryDescriptionLength);
    }
}

/// <summary>The merchant's PayPal REST app. The secret is a <see cref="SecretBox"/> ciphertext and never shown.</summary>
public sealed record PayPalSettings
{
    public const string Sandbox = "sandbox", Live = "live";
    public static readonly string[] Environments = [Sandbox, Live];

    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string Environment { get; init; } = Sandbox;
    /// <summary>The id PayPal gave the webhook; PayPal's signature check is made against it.</summary>
    public string? WebhookId { get; init; }

    public static void Map(ComplexPropertyBuilder<PayPalSettings> b)
    {
        b.Property(p => p.ClientId).HasColumnName("paypal_client_id").HasMaxLength(200);
        b.Property(p => p.ClientSecret).HasColumnName("paypal_client_secret").HasMaxLength(800);
        b.Property(p => p.Environment).HasColumnName("paypal_environment").HasMaxLength(20).HasDefaultValue(Sandbox);
        b.Property(p => p.WebhookId).HasColumnName("paypal_webhook_id").HasMaxLength(100);
    }
}

/// <summary>
/// PayPal's hosts come from the server's configuration only (Remit:PayPal:SandboxBaseUrl, LiveBaseUrl), never from a
/// merchant, so no merchant can make the server send credentials to a host of their choosing.
/// </summary>
public sealed class PayPalOptions
{
    public string SandboxBaseUrl { get; set; } = "https://api-m.sandbox.paypal.com";
    public string LiveBaseUrl { get; set; } = "https://api-m.paypal.com";

    public Uri BaseUrl(string environment) => new(environment == PayPalSettings.Live ? LiveBaseUrl : SandboxBaseUrl);
}

public sealed record AchSettingsDto(
    string? OdfiRouting, string? CompanyName, string? CompanyId, string? ImmediateDestination, string? ImmediateDestinationName,
    string? ImmediateOrigin, string? ImmediateOriginName, string EntryDescription, bool Complete, IReadOnlyList<string> Missing)
{
    public static AchSettingsDto Of(AchSettings a) => new(a.OdfiRouting, a.CompanyName, a.CompanyId, a.ImmediateDestination,
        a.ImmediateDestinationName, a.ImmediateOrigin, a.ImmediateOriginName, a.EntryDescription ?? AchSettings.DefaultEntryDescription,
        !a.Missing().Any(), a.Missing().ToList());
}

public sealed record PayPalSettingsDto(string? ClientId, bool ClientSecretSet, string Environment, string? WebhookId, string BaseUrl)
{
    public static PayPalSettingsDto Of(PayPalSettings p, PayPalOptions options) =>
        new(p.ClientId, p.ClientSecret is not null, p.Environment, p.WebhookId, options.BaseUrl(p.Environment).ToString());
}

/// <summary>GET/PUT /v1/settings/ach and /v1/settings/paypal. A PUT takes any subset; null clears a field.</summary>
public static class PaymentSettingsApi
{
    public static IEndpointRouteBuilder MapPaymentSettings(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/settings", "Settings");
        group.MapGet("/ach", GetAch).RequireAuthorization(Scopes.SettingsRead);
        group.MapPut("/ach", PutAch).RequireAuthorization(Scopes.SettingsWrite).Accepts<AchSettingsDto>("application/json");
        group.MapGet("/paypal", GetPayPal).RequireAuthorization(Scopes.SettingsRead);
        group.MapPut("/paypal", PutPayPal).RequireAuthorization(Scopes.SettingsWrite).Accepts<PayPalSettingsDto>("application/json");
        return app;
    }

    public static async Task<Ok<DataEnvelope<AchSettingsDto>>> GetAch(RemitDb db, CancellationToken ct) =>
        TypedResults.Ok(new DataEnvelope<AchSettingsDto>(AchSettingsDto.Of((await db.CurrentProgramAsync(ct)).Ach)));

    public static async Task<Ok<DataEnvelope<PayPalSettingsDto>>> GetPayPal(RemitDb db, IOptions<PayPalOptions> options, CancellationToken ct) =>
        TypedResults.Ok(new DataEnvelope<PayPalSettingsDto>(PayPalSettingsDto.Of((await db.CurrentProgramAsync(ct)).PayPal, options.Value)));

    public static async Task<Results<Ok<DataEnvelope<AchSettingsDto>>, ApiError>> PutAch(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (fields, error) = await ReadFieldsAsync(http, AchFields);
        if (error is not null) return error.ToHttp();
        var outcome = await SaveAchAsync(db, fields!, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<AchSettingsDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<AchSettingsDto>(AchSettingsDto.Of(outcome.Value!)));
    }

    public static async Task<Results<Ok<DataEnvelope<PayPalSettingsDto>>, ApiError>> PutPayPal(HttpContext http, RemitDb db, SecretBox secrets,
        IOptions<PayPalOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (fields, error) = await ReadFieldsAsync(http, PayPalFields);
        if (error is not null) return error.ToHttp();
        var outcome = await SavePayPalAsync(db, secrets, fields!, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<PayPalSettingsDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<PayPalSettingsDto>(PayPalSettingsDto.Of(outcome.Value!, options.Value)));
    }

    private static readonly string[] AchFields = ["odfi_routing", "company_name", "company_id", "immediate_destination",
        "immediate_destination_name", "immediate_origin", "immediate_origin_name", "entry_description"];

    private static readonly string[] PayPalFields = ["client_id", "client_secret", "environment", "webhook_id"];

    /// <summary>
    /// A flat object of string (or null) fields. Present-but-null is kept apart from absent: null clears the field,
    /// absent leaves it as it is.
    /// </summary>
    private static async Task<(Dictionary<string, string?>? Fields, Problem? Error)> ReadFieldsAsync(HttpContext http, string[] known)
    {
        var (body, error) = await Body.ReadAsync<JsonElement>(http.Request);
        if (error is not null) return (null, error);
        if (body.ValueKind != JsonValueKind.Object) return (null, Problem.Invalid("body", "The body must be a JSON object of settings."));
        var v = new Validation();
        var fields = new Dictionary<string, string?>();
        foreach (var field in body.EnumerateObject())
        {
            if (!known.Contains(field.Name)) v.Add(field.Name, $"Unknown field '{field.Name}'.");
            else if (field.Value.ValueKind == JsonValueKind.String) fields[field.Name] = field.Value.GetString()!.Trim() is { Length: > 0 } s ? s : null;
            else if (field.Value.ValueKind == JsonValueKind.Null) fields[field.Name] = null;
            else v.Add(field.Name, $"{field.Name} must be a string (or null to clear it).");
        }
        return v.IsValid ? (fields, null) : (null, v.ToProblem());
    }

    /// <summary>Validates every given field against the NACHA layout (Payments/Nacha.cs) and saves all or nothing.</summary>
    public static async Task<Outcome<AchSettings>> SaveAchAsync(RemitDb db, IReadOnlyDictionary<string, string?> fields, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.Programs.SingleAsync(p => p.Id == db.ProgramId, ct);
        var v = new Validation();
        string? Get(string name, string? current) => fields.TryGetValue(name, out var value) ? value : current;
        var a = program.Ach;
        var next = new AchSettings
        {
            OdfiRouting = Get("odfi_routing", a.OdfiRouting),
            CompanyName = Get("company_name", a.CompanyName),
            CompanyId = Get("company_id", a.CompanyId),
            ImmediateDestination = Get("immediate_destination", a.ImmediateDestination),
            ImmediateDestinationName = Get("immediate_destination_name", a.ImmediateDestinationName),
            ImmediateOrigin = Get("immediate_origin", a.ImmediateOrigin),
            ImmediateOriginName = Get("immediate_origin_name", a.ImmediateOriginName),
            EntryDescription = Get("entry_description", a.EntryDescription),
        };
        if (next.OdfiRouting is { } odfi && !AbaRouting.IsValid(odfi))
            v.Add("odfi_routing", "odfi_routing is not a valid ABA routing number (9 digits with a 3-7-1 check digit).");
        AchText(v, "company_name", next.CompanyName, Nacha.CompanyNameLength);
        AchIdentifier(v, "company_id", next.CompanyId, Nacha.CompanyIdLength);
        AchRoutingField(v, "immediate_destination", next.ImmediateDestination);
        AchText(v, "immediate_destination_name", next.ImmediateDestinationName, Nacha.ImmediateNameLength);
        AchRoutingField(v, "immediate_origin", next.ImmediateOrigin);
        AchText(v, "immediate_origin_name", next.ImmediateOriginName, Nacha.ImmediateNameLength);
        AchText(v, "entry_description", next.EntryDescription, Nacha.EntryDescriptionLength);
        if (!v.IsValid) return v.ToProblem();

        program.Ach = next;
        db.AuditEvents.Add(actor.Record(program.Id, "settings.ach.updated", "program", program.Id, clock.GetUtcNow().UtcDateTime,
            notes: $"fields: {string.Join(", ", fields.Keys)}"));
        await db.SaveChangesAsync(ct);
        return Outcome<AchSettings>.Ok(next);
    }

    public static async Task<Outcome<PayPalSettings>> SavePayPalAsync(RemitDb db, SecretBox secrets, IReadOnlyDictionary<string, string?> fields,
        Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.Programs.SingleAsync(p => p.Id == db.ProgramId, ct);
        var v = new Validation();
        var p = program.PayPal;
        string? Get(string name, string? current) => fields.TryGetValue(name, out var value) ? value : current;
        var clientId = Get("client_id", p.ClientId);
        var environment = Get("environment", p.Environment) ?? PayPalSettings.Sandbox;
        var webhookId = Get("webhook_id", p.WebhookId);
        if (clientId is { Length: > 200 }) v.Add("client_id", "client_id must be at most 200 characters.");
        if (webhookId is { Length: > 100 }) v.Add("webhook_id", "webhook_id must be at most 100 characters.");
        if (!PayPalSettings.Environments.Contains(environment)) v.Add("environment", "environment must be sandbox or live.");
        var secret = p.ClientSecret;
        if (fields.TryGetValue("client_secret", out var newSecret))
        {
            if (newSecret is { Length: > 300 }) v.Add("client_secret", "client_secret must be at most 300 characters.");
            else secret = newSecret is null ? null : secrets.Encrypt(newSecret);
        }
        if (!v.IsValid) return v.ToProblem();

        program.PayPal = new PayPalSettings { ClientId = clientId, ClientSecret = secret, Environment = environment, WebhookId = webhookId };
        // The audit names the fields changed, never their values: the secret must not leak into the trail.
        db.AuditEvents.Add(actor.Record(program.Id, "settings.paypal.updated", "program", program.Id, clock.GetUtcNow().UtcDateTime,
            notes: $"fields: {string.Join(", ", fields.Keys)}"));
        await db.SaveChangesAsync(ct);
        return Outcome<PayPalSettings>.Ok(program.PayPal);
    }

    // Free text goes into the file as printable ASCII exactly as stored, so what the merchant typed is what the bank reads.
    private static void AchText(Validation v, string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length > max) v.Add(field, $"{field} must be at most {max} characters (its NACHA field's width).");
        else if (value.Any(c => c is < ' ' or > '~')) v.Add(field, $"{field} must be printable ASCII (A–Z, 0–9, punctuation, spaces).");
    }

    private static void AchIdentifier(Validation v, string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length > max || value.Any(c => c is <= ' ' or > '~'))
            v.Add(field, $"{field} must be at most {max} printable ASCII characters without spaces.");
    }

    // Nacha.cs writes either a routing number (with a leading blank) or 10 characters exactly as the bank gave them.
    private static void AchRoutingField(Validation v, string field, string? value)
    {
        if (value is null) return;
        if (!AbaRouting.IsValid(value) && !(value.Length == 10 && value.All(char.IsAsciiLetterOrDigit)))
            v.Add(field, $"{field} must be a valid 9-digit routing number or the 10 characters your bank specified.");
    }
}
