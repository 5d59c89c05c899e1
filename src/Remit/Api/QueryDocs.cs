using Microsoft.OpenApi;
using Remit.Affiliates;
using Remit.Commissions;
using Remit.Payouts;
using Remit.Programs;
using Remit.Requests;

namespace Remit.Api;

/// <summary>A query parameter a handler reads by hand (QueryParams), declared for the OpenAPI document.</summary>
public sealed record QueryParameter(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String, string? Format = null,
    IReadOnlyList<string>? Values = null, int? Minimum = null, int? Maximum = null);

/// <summary>The query parameters of the list endpoints, with the allowed values from the same lists the parsers use.</summary>
public static class QueryDocs
{
    public static readonly QueryParameter[] Paging =
    [
        new("page", "Page number, from 1.", JsonSchemaType.Integer, "int32", Minimum: 1),
        new("per_page", $"Items a page, 1 to {Api.Paging.MaxPerPage} (default 25).", JsonSchemaType.Integer, "int32", Minimum: 1, Maximum: Api.Paging.MaxPerPage),
    ];

    private static QueryParameter AffiliateId => new("affiliate_id", "Only this affiliate's (404 when it is not the program's).", JsonSchemaType.Integer, "int64", Minimum: 1);

    private static QueryParameter Day(string name, string meaning) =>
        new(name, $"{meaning} (YYYY-MM-DD, a day of the program's time zone).", Format: "date");

    public static readonly QueryParameter[] PayoutFilters =
    [
        new("status", $"One or more of {string.Join(", ", PayoutStatus.All)}, comma-separated."),
        AffiliateId,
        new("method", $"One or more of {string.Join(", ", PayoutMethods.All)}, comma-separated."),
        Day("created_from", "Created on or after this day"), Day("created_to", "Created on or before this day"),
        Day("completed_from", "Completed on or after this day"), Day("completed_to", "Completed on or before this day"),
        new("q", "Affiliate name or email contains this (at most 200 characters)."),
        new("sort", $"One of {string.Join(", ", PayoutQuery.Sorts)}, '-' first for descending (default -created_at)."),
    ];

    public static readonly QueryParameter[] AffiliateFilters =
    [
        new("status", "Only affiliates of this status.", Values: AffiliateStatus.All),
        new("q", "Name or email contains this."),
    ];

    public static readonly QueryParameter[] CommissionFilters =
    [
        AffiliateId,
        new("status", "Only commissions of this status.", Values: CommissionStatus.All),
    ];

    public static readonly QueryParameter[] RequestFilters =
    [
        new("status", $"One or more of {string.Join(", ", RequestStatus.All)}, comma-separated."),
    ];

    /// <summary>Declares the parameters on the endpoint; <see cref="OpenApiDocs"/> writes them into its operation.</summary>
    public static TBuilder WithQuery<TBuilder>(this TBuilder builder, params QueryParameter[][] sets) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(sets.SelectMany(s => s).Cast<object>().ToArray());

    internal static void Declare(OpenApiOperation operation, IEnumerable<object> metadata)
    {
        foreach (var parameter in metadata.OfType<QueryParameter>())
        {
            operation.Parameters ??= [];
            var schema = new OpenApiSchema { Type = parameter.Type, Format = parameter.Format };
            if (parameter.Values is { } values) schema.Enum = values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)).ToList();
            if (parameter.Minimum is { } min) schema.Minimum = min.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parameter.Maximum is { } max) schema.Maximum = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Parameters.Add(new OpenApiParameter { Name = parameter.Name, In = ParameterLocation.Query, Description = parameter.Description, Schema = schema });
        }
    }
}
