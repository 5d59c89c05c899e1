using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Remit.Settings;

namespace Remit.Api;

/// <summary>
/// Completes the generated OpenAPI document with what the endpoints' metadata already says but the generator does
/// not write: the Bearer scheme and each operation's scope (from its authorization policy, so a scope is declared
/// once, on the Map line), the error envelope of every refusal the pipeline can give, and strict object schemas
/// (the body reader refuses unknown fields, and every answer is a fixed record).
/// </summary>
public static class OpenApiDocs
{
    public const string BearerScheme = "bearer";
    public const string ErrorSchema = "ErrorEnvelope";
    public const string ScopesExtension = "x-required-scopes";

    public static IServiceCollection AddRemitOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            MakeRequestFieldsOptional(document);
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(DescribeAuthAndErrorsAsync);
        o.AddSchemaTransformer((schema, context, _) =>
        {
            Tighten(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        });
    });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Remit API",
            Version = "v1",
            Description = "Payouts of an affiliate program: affiliates, commissions, payouts through their lifecycle, payout " +
                "requests, batches paid by PayPal, bank (NACHA) or USDC, and the program's settings. Every call but the PayPal " +
                "webhook takes an API token (`Authorization: Bearer <token>`, made with `remit tokens create`) whose scopes " +
                "must include the one each operation names. Answers are `{\"data\": ...}` (lists add `meta`), refusals " +
                "`{\"error\": {\"code\", \"message\", \"details\"}}`; amounts are JSON numbers with the currency's decimals.",
            Contact = new OpenApiContact { Name = "The operator of this Remit server" },
        };
        // The generator writes the address of the request that fetched the document, with a trailing slash; the
        // paths are relative to wherever Remit is served, so the document names that root instead.
        document.Servers = [new OpenApiServer { Url = "/", Description = "This Remit server (also under /api)." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token of the program. Each operation lists the scope the token needs.",
        };
    }

    /// <summary>
    /// The bodies are read by <see cref="Body.ReadAsync{T}"/>, where a field left out is null: which fields an
    /// action needs is checked by the action (a 422 naming them), not by the JSON, so no request field is required.
    /// </summary>
    private static void MakeRequestFieldsOptional(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        var pending = new Stack<IOpenApiSchema>(document.Paths.Values
            .SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(o => o.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>())
            .Select(m => m.Schema).OfType<IOpenApiSchema>());
        var seen = new HashSet<string>();
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && seen.Add(id) && schemas.TryGetValue(id, out var target)) pending.Push(target);
                continue;
            }
            if (schema is OpenApiSchema concrete) concrete.Required?.Clear();
            foreach (var child in (schema.Properties?.Values ?? Enumerable.Empty<IOpenApiSchema>())
                         .Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AllOf ?? [])
                         .Append(schema.Items).Append(schema.AdditionalProperties).OfType<IOpenApiSchema>())
                pending.Push(child);
        }
    }

    private static void Tighten(OpenApiSchema schema, Type type)
    {
        // An object with named fields is exactly those fields: request bodies refuse others, answers are records.
        if (schema.Properties is { Count: > 0 } && schema.AdditionalProperties is null) schema.AdditionalPropertiesAllowed = false;
        // Amounts are decimals with exactly the currency's decimals, never binary floating point.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal)) schema.Format = "decimal";
        // A settings change sets the fields it names; a field given as null is refused (it has no "unset" value).
        // approval_threshold alone takes null: it turns two-person approval off.
        if (type == typeof(SettingsChange))
            foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                if (name != "approval_threshold" && property is OpenApiSchema concrete) concrete.Type &= ~JsonSchemaType.Null;
    }

    private static async Task DescribeAuthAndErrorsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        if (document.Components?.Schemas is not { } schemas || !schemas.ContainsKey(ErrorSchema))
            document.AddComponent(ErrorSchema, await context.GetOrCreateSchemaAsync(typeof(ErrorEnvelope), null, ct));

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
        var scopes = policies.Where(Scopes.All.Contains).ToList();
        if (!anonymous && policies.Count > 0)
        {
            // OpenAPI 3.1 lets a Bearer requirement list the scopes it needs, but linters (Spectral's
            // oas3-operation-security-defined) accept scopes only from OAuth flows, which a Remit token has not: the
            // scope is written beside the requirement, in x-required-scopes and in the description, instead.
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            Refusal(operation, document, 401);
            if (scopes.Count > 0)
            {
                var named = string.Join(", ", scopes.Select(s => $"`{s}`"));
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions[ScopesExtension] = new JsonNodeExtension(new JsonArray(scopes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()));
                operation.Description = $"{operation.Description}\n\nToken scope: {named}.".TrimStart();
                Refusal(operation, document, 403, $"The token lacks the scope {named}.");
            }
            if (Idempotency.IsUnsafe(context.Description.HttpMethod ?? "")) DeclareIdempotencyKey(operation, document);
        }

        DeclareFiles(operation, context);
        QueryDocs.Declare(operation, metadata);
        // Body.ReadAsync takes an empty body as "no options given" (the seed's approve example sends none).
        if (operation.RequestBody is OpenApiRequestBody body) body.Required = false;

        var parameters = context.Description.ParameterDescriptions;
        var hasBody = operation.RequestBody is not null;
        if (parameters.Any(p => p.Source.Id == "Path")) Refusal(operation, document, 404);
        if (hasBody) Refusal(operation, document, 413);
        if (hasBody || metadata.OfType<QueryParameter>().Any()) Refusal(operation, document, 422);
        Refusal(operation, document, 429);
        Refusal(operation, document, 500);
        // Refusals declared on the Map line (.Produces<ErrorEnvelope>(409)) get their meaning too.
        foreach (var (key, response) in operation.Responses ?? [])
            if (response is OpenApiResponse declared && int.TryParse(key, out var status) && declared.Description == ReasonPhrase(status)
                && Meanings.TryGetValue(status, out var meaning))
                declared.Description = meaning;
    }

    /// <summary>The Idempotency-Key header every POST, PUT and PATCH with a token takes, and its two refusals.</summary>
    private static void DeclareIdempotencyKey(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Idempotency.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Optional. A key of 1–255 visible ASCII characters, unique per request, belonging to the token's program. " +
                "The same key with the same request (method, path with query, body bytes) within 24 hours answers the first answer " +
                "again with `Idempotent-Replayed: true` and does nothing more; with another request it is 422 `IDEMPOTENCY_KEY_REUSED`; " +
                "while the first is still running, 409 `IDEMPOTENCY_KEY_IN_USE`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxKeyLength },
        });
        Refusal(operation, document, 409);
        Refusal(operation, document, 422);
    }

    /// <summary>
    /// Downloads are declared on the Map line with their media types only (.Produces(200, contentType: "text/csv")),
    /// which the generator writes as a response without content; write them as text or binary of that type.
    /// </summary>
    private static void DeclareFiles(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var files = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Type is null || m.Type == typeof(void));
        foreach (var file in files)
        {
            operation.Responses ??= new OpenApiResponses();
            var key = file.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.GetValueOrDefault(key) is not OpenApiResponse response)
                operation.Responses[key] = response = new OpenApiResponse { Description = ReasonPhrase(file.StatusCode) };
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var mediaType in file.ContentTypes)
                response.Content.TryAdd(mediaType, new OpenApiMediaType
                {
                    Schema = mediaType.StartsWith("text/", StringComparison.Ordinal)
                        ? new OpenApiSchema { Type = JsonSchemaType.String }
                        : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                });
        }
    }

    private static readonly Dictionary<int, string> Meanings = new()
    {
        [401] = "Not authenticated: no token, or an unknown, revoked or expired one (the webhook: an event PayPal did not verify).",
        [404] = "No such resource in the token's program.",
        [409] = "The resource's state does not allow it (the message says why), a unique value is taken, or a request with the same Idempotency-Key is still running.",
        [413] = $"The body is over {Body.MaxBytes} bytes.",
        [422] = "The input failed validation: `details` names each field and what is wrong (or the Idempotency-Key was used with another request).",
        [429] = "Over the token's (or, without one, the client address's) requests a minute; see Retry-After.",
        [500] = "An unexpected failure on Remit's side (logged; no details are shown).",
        [502] = "PayPal refused the call or could not be reached.",
    };

    private static void Refusal(OpenApiOperation operation, OpenApiDocument document, int status, string? description = null)
    {
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
        {
            Description = description ?? Meanings[status],
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference(ErrorSchema, document) },
            },
        });
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
