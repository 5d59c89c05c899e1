using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Remit.Api;
using Remit.Tests.Api;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Docs;

/// <summary>The OpenAPI document and the reference at /docs. One host for the class: every test reads the same document.</summary>
public sealed class OpenApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task The_openapi_document_lists_every_seed_route_with_its_method()
    {
        var app = shared.App;
        var http = app.ClientWith(null);
        var doc = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject();
        (string Method, string Path)[] seed =
        [
            ("get", "/v1/payouts"), ("get", "/v1/payouts/stats"), ("get", "/v1/payouts/requests"), ("get", "/v1/payouts/export"),
            ("get", "/v1/payouts/{id}"), ("get", "/v1/payouts/{id}/statement"), ("post", "/v1/payouts/{id}/processing"),
            ("post", "/v1/payouts/{id}/complete"), ("post", "/v1/payouts/{id}/fail"), ("post", "/v1/payouts/bulk-processing"),
            ("post", "/v1/payouts/bulk-complete"), ("post", "/v1/payouts/requests/{id}/approve"),
            ("post", "/v1/payouts/requests/{id}/reject"), ("get", "/v1/settings/payouts"), ("put", "/v1/settings/payouts"),
        ];
        foreach (var (method, path) in seed)
        {
            Assert.True(paths.ContainsKey(path), $"{path} missing from the OpenAPI document");
            Assert.NotNull(paths[path]![method]);
        }
    }

    private static async Task<JsonObject> DocumentAsync(TestApp app) =>
        JsonNode.Parse(await app.ClientWith(null).GetStringAsync("/openapi/v1.json"))!.AsObject();

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!.AsObject())));

    private static JsonObject Component(JsonObject doc, JsonNode schema) =>
        doc["components"]!["schemas"]![schema["$ref"]!.GetValue<string>()["#/components/schemas/".Length..]]!.AsObject();

    [Fact]
    public async Task Every_operation_has_a_unique_operationId_a_summary_and_a_description()
    {
        var app = shared.App;
        var operations = Operations(await DocumentAsync(app)).ToList();
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["operationId"]?.GetValue<string>()), $"{o.Method} {o.Path} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["description"]?.GetValue<string>()), $"{o.Method} {o.Path} has no description");
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()), $"{o.Method} {o.Path} has no summary");
        });
        var ids = operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>/docs has an Authorize button only with a security scheme, and "Try it out" sends the token only to operations that require it.</summary>
    [Fact]
    public async Task Every_operation_requires_the_bearer_scheme_and_names_the_scope_the_endpoint_enforces()
    {
        var app = shared.App;
        var doc = await DocumentAsync(app);
        var bearer = doc["components"]!["securitySchemes"]![OpenApiDocs.BearerScheme]!;
        Assert.Equal("http", bearer["type"]!.GetValue<string>());
        Assert.Equal("bearer", bearer["scheme"]!.GetValue<string>());

        // The scopes the endpoints enforce, as AuthTests proves them with real tokens.
        var enforced = AuthTests.Endpoints.Select(row => ((string)row[0], (string)row[1], (string)row[2]))
            .ToDictionary(e => (e.Item1.ToLowerInvariant(), System.Text.RegularExpressions.Regex.Replace(e.Item2, "/1(?=/|$)", "/{id}")
                // The 1099 routes name their parameters: a tax year and an affiliate.
                .Replace("/1099-nec/2026", "/1099-nec/{year}", StringComparison.Ordinal).Replace("/copy-b/{id}", "/copy-b/{affiliateId}", StringComparison.Ordinal)), e => e.Item3);
        foreach (var (path, method, operation) in Operations(doc))
        {
            var label = $"{method} {path}";
            if (path == "/v1/webhooks/paypal")
            {
                Assert.Null(operation["security"]);
                continue;
            }
            var requirement = Assert.Single(operation["security"]!.AsArray())!.AsObject();
            Assert.True(requirement.ContainsKey(OpenApiDocs.BearerScheme), label);
            Assert.Contains("401", operation["responses"]!.AsObject().Select(r => r.Key));
            var scopes = operation[OpenApiDocs.ScopesExtension]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];
            if (path == "/v1/program")
            {
                Assert.Empty(scopes);
                continue;
            }
            Assert.True(enforced.TryGetValue((method, path), out var scope), $"{label} is not in AuthTests.Endpoints");
            Assert.Equal([scope], scopes);
            Assert.Contains($"`{scope}`", operation["description"]!.GetValue<string>());
            Assert.Contains("403", operation["responses"]!.AsObject().Select(r => r.Key));
        }
    }

    /// <summary>
    /// The settings PUTs documented their answers as their requests: a client following the document sent
    /// `currency` or `client_secret_set` and got "Unknown field". Each documented request field must be accepted, and
    /// the read-only fields of the answer must not be offered.
    /// </summary>
    [Theory]
    [InlineData("/v1/settings/payouts", "currency")]
    [InlineData("/v1/settings/ach", "complete,missing")]
    [InlineData("/v1/settings/paypal", "client_secret_set,base_url")]
    public async Task A_settings_PUT_documents_the_fields_it_accepts_not_the_answer(string path, string readOnly)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var doc = await DocumentAsync(app);
        var request = Component(doc, doc["paths"]![path]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.False(request["additionalProperties"]!.GetValue<bool>());
        Assert.Null(request["required"]);
        var fields = request["properties"]!.AsObject();
        foreach (var field in readOnly.Split(',')) Assert.False(fields.ContainsKey(field), $"{path} offers the read-only {field}");

        var answer = (await t.GetAsync(path))["data"]!.AsObject();
        foreach (var name in fields.Select(f => f.Key))
        {
            Assert.True(answer.ContainsKey(name) || name == "client_secret", $"{path} documents {name}, which its answer lacks");
            // A value of the documented type, the current one where the answer shows it: never "Unknown field".
            var value = answer.ContainsKey(name) ? answer[name]?.DeepClone() : JsonValue.Create("s3cr3t");
            var response = await t.Http.PutAsJsonAsync(path, new JsonObject { [name] = value });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"PUT {path} {{\"{name}\": {value?.ToJsonString() ?? "null"}}} → {(int)response.StatusCode}: {text}");
        }
    }

    [Fact]
    public async Task Amounts_are_documented_as_decimal_numbers_never_strings()
    {
        var app = shared.App;
        var schemas = (await DocumentAsync(app))["components"]!["schemas"]!;
        foreach (var (schema, field) in new[] { ("PayoutDto", "amount"), ("PayoutSettings", "min_payout"), ("CommissionBody", "amount") })
        {
            var property = schemas[schema]!["properties"]![field]!;
            Assert.DoesNotContain("string", property["type"]!.ToJsonString());
            Assert.Contains("number", property["type"]!.ToJsonString());
            Assert.Equal("decimal", property["format"]!.GetValue<string>());
        }
    }

    /// <summary>The check every test's HttpClient runs (TestApp.ClientWith) must be able to fail.</summary>
    [Fact]
    public async Task The_contract_check_refuses_an_undeclared_status_a_wrong_type_and_an_unknown_field()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await t.GetAsync("/v1/payouts/stats");
        var contract = await OpenApiContract.LoadAsync((r, ct) => app.ClientWith(null).SendAsync(r, ct), new Uri("http://localhost"), default);
        var good = (await t.GetAsync("/v1/payouts/stats")).ToJsonString();
        Assert.Null(contract.Check(HttpMethod.Get, "/v1/payouts/stats", 200, "application/json", good));

        Assert.Contains("not declared", contract.Check(HttpMethod.Get, "/v1/payouts/stats", 409, "application/json", good));
        var stringAmount = JsonNode.Parse(good)!;
        stringAmount["data"]!["total_pending_amount"] = "0.00";
        Assert.Contains("total_pending_amount", contract.Check(HttpMethod.Get, "/v1/payouts/stats", 200, "application/json", stringAmount.ToJsonString()));
        var extra = JsonNode.Parse(good)!;
        extra["data"]!["surprise"] = 1;
        Assert.NotNull(contract.Check(HttpMethod.Get, "/v1/payouts/stats", 200, "application/json", extra.ToJsonString()));
        Assert.NotNull(contract.Check(HttpMethod.Get, "/v1/payouts/1", 200, "application/json", """{"error":{"code":"x","message":"y","details":[]}}"""));
        Assert.Contains("Content-Type", contract.Check(HttpMethod.Get, "/v1/payouts/export", 200, "application/pdf", "%PDF"));
    }

    [Fact]
    public async Task The_reference_at_docs_is_served_locally_without_a_cdn()
    {
        var app = shared.App;
        var http = app.ClientWith(null);
        var html = await http.GetStringAsync("/docs/index.html");
        Assert.Contains("swagger-ui", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        var bundle = await http.GetAsync("/docs/swagger-ui-bundle.js");
        Assert.Equal(200, (int)bundle.StatusCode);
        var init = await http.GetStringAsync("/docs/index.js");
        Assert.Contains("/openapi/v1.json", init);
    }
}
