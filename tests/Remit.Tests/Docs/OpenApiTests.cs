using System.Text.Json.Nodes;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Docs;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_lists_every_seed_route_with_its_method()
    {
        await using var app = await TestApp.StartAsync();
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

    [Fact]
    public async Task The_reference_at_docs_is_served_locally_without_a_cdn()
    {
        await using var app = await TestApp.StartAsync();
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
