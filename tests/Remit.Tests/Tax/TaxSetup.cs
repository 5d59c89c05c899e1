using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>Arranging tax forms and settings through the API.</summary>
internal static class TaxSetup
{
    /// <summary>A published example SSN pattern that passes the structural rules (area 123, group 45, serial 6789).</summary>
    public const string Ssn = "123-45-6789";
    public const string Ein = "12-3456789";

    public static JsonObject W9Fields(string tin = Ssn, string name = "Ada Lovelace", string type = "ssn", string classification = "individual") => new()
    {
        ["name"] = name, ["tax_classification"] = classification, ["address"] = "1 Main St", ["city_state_zip"] = "Springfield, IL 62701",
        ["tin_type"] = type, ["tin"] = tin,
    };

    public static JsonObject W8BenFields(string name = "Hanna Schmidt") => new()
    {
        ["name"] = name, ["country_of_citizenship"] = "DE",
        ["permanent_address"] = new JsonObject { ["line1"] = "Unter den Linden 1", ["city"] = "10117 Berlin", ["country"] = "DE" },
        ["foreign_tin"] = "12345678901", ["date_of_birth"] = "1985-07-14",
        ["treaty_country"] = "DE", ["treaty_article"] = "Article 12(1)", ["treaty_rate"] = "0", ["treaty_income_type"] = "Royalties",
    };

    public static JsonObject Paper(string form, JsonObject fields, string signer = "Ada Lovelace", string signedAt = "2026-03-01T10:00:00Z") => new()
    {
        ["form"] = form, ["fields"] = fields, ["signer_name"] = signer, ["signed_at"] = signedAt,
    };

    public static async Task<JsonNode> RecordFormAsync(this Tenant t, long affiliate, JsonObject body, int status = 201) =>
        await Api.ExpectAsync(await t.Http.PostAsJsonAsync($"/v1/affiliates/{affiliate}/tax-forms", body), status);

    public static Task<JsonNode> W9Async(this Tenant t, long affiliate, string tin = Ssn, string name = "Ada Lovelace") =>
        t.RecordFormAsync(affiliate, Paper("w9", W9Fields(tin, name), name));

    public static async Task SetTaxAsync(this Tenant t, object body) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/tax", body), 200);
}
