using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Remit.Tests.Infrastructure;

/// <summary>
/// Remit's own OpenAPI document (/openapi/v1.json) as the contract every API answer is held to: the status must be one
/// the operation declares, the Content-Type one it declares for that status, and a JSON body valid against the
/// declared schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1, checked by JsonSchema.Net).
/// </summary>
public sealed class OpenApiContract
{
    private sealed record Route(string Template, TemplateMatcher Matcher, int Parameters, JsonObject Item);

    private readonly List<Route> _routes;
    private readonly JsonObject _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    private OpenApiContract(JsonObject document)
    {
        // The most literal template wins, as in routing: /v1/payouts/stats before /v1/payouts/{id}.
        _routes = document["paths"]!.AsObject()
            .Select(p => new Route(p.Key, new TemplateMatcher(TemplateParser.Parse(p.Key.TrimStart('/')), new RouteValueDictionary()),
                p.Key.Count(c => c == '{'), p.Value!.AsObject()))
            .OrderBy(r => r.Parameters).ToList();
        // Every "#/components/schemas/X" of the document becomes "#/$defs/X" of each schema built below.
        var components = document["components"]?["schemas"]?.ToJsonString() ?? "{}";
        _definitions = JsonNode.Parse(components.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static OpenApiContract? _loaded;

    /// <summary>The document, fetched once per test run from the first Remit a test starts (it depends only on the code).</summary>
    public static async Task<OpenApiContract> LoadAsync(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, Uri baseAddress, CancellationToken ct)
    {
        if (_loaded is { } loaded) return loaded;
        await Gate.WaitAsync(ct);
        try
        {
            if (_loaded is not null) return _loaded;
            using var response = await send(new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, "/openapi/v1.json")), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/openapi/v1.json answered {(int)response.StatusCode}: {text}");
            return _loaded = new OpenApiContract(JsonNode.Parse(text)!.AsObject());
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Null when the answer keeps to the document, else what is wrong with it.</summary>
    public string? Check(HttpMethod method, string path, int status, string? mediaType, string body)
    {
        var label = $"{method} {path} → {status}";
        var operation = Find(method.Method.ToLowerInvariant(), path, out var template);
        JsonObject? declared;
        if (operation is null)
        {
            // No operation: routing answered (an unknown path, or a method the path lacks) in the error envelope.
            if (status is not (404 or 405 or 429)) return $"{label}: no operation of the document matches, yet the answer is not 404/405.";
            declared = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ErrorEnvelope" } } };
            template = "(unrouted)";
        }
        else
        {
            var responses = operation["responses"]?.AsObject();
            var response = responses?[status.ToString(CultureInfo.InvariantCulture)] ?? responses?[$"{status / 100}XX"] ?? responses?["default"];
            if (response is null)
                return $"{label}: status {status} is not declared for {method} {template} (declared: {string.Join(", ", responses?.Select(r => r.Key) ?? [])}). Body: {Cut(body)}";
            declared = response["content"]?.AsObject();
        }

        if (declared is null || declared.Count == 0)
            return body.Length == 0 ? null : $"{label}: the document declares no body for {status} of {template}, yet one came: {Cut(body)}";
        if (mediaType is null) return $"{label}: the document declares a body ({string.Join(", ", declared.Select(c => c.Key))}) but the answer has no Content-Type. Body: {Cut(body)}";
        var content = declared.FirstOrDefault(c => c.Key.Equals(mediaType, StringComparison.OrdinalIgnoreCase)).Value;
        if (content is null)
            return $"{label}: Content-Type {mediaType} is not declared for {status} of {template} (declared: {string.Join(", ", declared.Select(c => c.Key))}).";
        if (!IsJson(mediaType)) return null;

        var schemaNode = content["schema"];
        if (schemaNode is null) return null;
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return $"{label}: the body is not JSON ({e.Message}): {Cut(body)}";
        }
        using (instance)
        {
            var key = $"{template}|{method}|{status}|{mediaType}";
            var schema = _schemas.GetOrAdd(key, _ => Build(schemaNode, key));
            var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid) return null;
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
                .Distinct().Take(12);
            return $"{label}: the body does not match the schema of {template}:\n  {string.Join("\n  ", errors)}\nBody: {Cut(body)}";
        }
    }

    private JsonObject? Find(string method, string path, out string template)
    {
        template = "";
        foreach (var route in _routes)
        {
            var values = new RouteValueDictionary();
            if (route.Item[method] is not JsonObject operation || !route.Matcher.TryMatch(new PathString(path), values)) continue;
            // {id} is {id:long} in the route table: "abc" there is no route, not this operation.
            if (!values.Values.All(v => long.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                continue;
            template = route.Template;
            return operation;
        }
        return null;
    }

    private JsonSchema Build(JsonNode schema, string key)
    {
        var text = schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = _definitions.DeepClone(),
            ["allOf"] = new JsonArray(JsonNode.Parse(text)),
        };
        var id = new Uri($"https://remit.test/contract/{Uri.EscapeDataString(key)}");
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string Cut(string body) => body.Length <= 600 ? body : body[..600] + "…";
}

/// <summary>Checks each API answer an HttpClient receives against <see cref="OpenApiContract"/>; a mismatch throws in the test that made the request.</summary>
public sealed class OpenApiContractHandler : DelegatingHandler
{
    public OpenApiContractHandler() { }

    public OpenApiContractHandler(HttpMessageHandler inner) : base(inner) { }

    /// <summary>An API client of a Remit listening on a real socket, checked like the in-process ones.</summary>
    public static HttpClient Client(string baseAddress) =>
        new(new OpenApiContractHandler(new HttpClientHandler())) { BaseAddress = new Uri(baseAddress) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        var path = ApiPath(request.RequestUri!);
        if (path is null) return response;

        await response.Content.LoadIntoBufferAsync(ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var root = new Uri(request.RequestUri!.GetLeftPart(UriPartial.Authority));
        var contract = await OpenApiContract.LoadAsync(base.SendAsync, root, ct);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (request.Method == HttpMethod.Head) return response;
        var problem = contract.Check(request.Method, path, (int)response.StatusCode, mediaType, body);
        return problem is null ? response : throw new OpenApiContractException(problem);
    }

    /// <summary>The path as routing sees it (Remit folds /api and repeated slashes), or null when it is not the API.</summary>
    private static string? ApiPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)) path = "/" + path[5..].TrimStart('/');
        var end = path.IndexOf('/', 1);
        var segment = end < 0 ? path[1..] : path[1..end];
        return segment.Length > 1 && segment[0] == 'v' && int.TryParse(segment[1..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? Uri.UnescapeDataString(path)
            : null;
    }
}

public sealed class OpenApiContractException(string message) : Exception("The answer breaks the OpenAPI document: " + message);
