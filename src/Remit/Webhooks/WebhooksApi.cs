using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Security;

namespace Remit.Webhooks;

public sealed record WebhookEndpointBody(string? Url, List<string>? Events, string? Description, bool? Enabled);

public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/webhook-endpoints", "Webhook endpoints");
        group.MapGet("/", List).RequireAuthorization(Scopes.SettingsRead)
            .WithQuery(QueryDocs.Paging)
            .WithName("listWebhookEndpoints").WithSummary("List webhook endpoints")
            .WithDescription("The program's webhook endpoints, oldest first, a page at a time. Secrets are never shown here. An endpoint Remit disabled after three days of failed deliveries has `enabled: false` and says why in `disabled_reason`.");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.SettingsRead)
            .WithName("getWebhookEndpoint").WithSummary("Get a webhook endpoint")
            .WithDescription("One webhook endpoint, without its secret.");
        group.MapPost("/", Create).RequireAuthorization(Scopes.SettingsWrite).Accepts<WebhookEndpointBody>("application/json")
            .WithName("createWebhookEndpoint").WithSummary("Register a webhook endpoint")
            .WithDescription($"`url` (http or https; not a loopback, private, link-local or reserved address — names are checked on the address they resolve to at each connection), `events` (one or more of {string.Join(", ", WebhookEventTypes.All.Select(t => $"`{t}`"))}) and an optional `description`. The answer carries the signing `secret` (`whsec_…`), shown this once.");
        group.MapPatch("/{id:long}", Update).RequireAuthorization(Scopes.SettingsWrite).Accepts<WebhookEndpointBody>("application/json")
            .WithName("updateWebhookEndpoint").WithSummary("Change a webhook endpoint")
            .WithDescription("Sets the fields given: `url`, `events`, `description`, `enabled` (enabling an endpoint Remit disabled starts its three-day count afresh; its undelivered events go out again).");
        group.MapDelete("/{id:long}", Delete).RequireAuthorization(Scopes.SettingsWrite)
            .WithName("deleteWebhookEndpoint").WithSummary("Delete a webhook endpoint")
            .WithDescription("Removes the endpoint, its undelivered events and its delivery log.");
        group.MapPost("/{id:long}/rotate-secret", RotateSecret).RequireAuthorization(Scopes.SettingsWrite)
            .WithName("rotateWebhookSecret").WithSummary("Rotate a webhook endpoint's secret")
            .WithDescription("A new `secret`, shown this once. For 24 hours the old secret signs too (`webhook-signature` carries both signatures), so receivers can switch without a gap. Takes no body.");
        group.MapGet("/{id:long}/deliveries", Deliveries).RequireAuthorization(Scopes.SettingsRead)
            .WithQuery(QueryDocs.Paging)
            .WithName("listWebhookDeliveries").WithSummary("Delivery log of a webhook endpoint")
            .WithDescription("Every attempt to deliver an event to this endpoint, newest first: `event_id` (the `webhook-id` header), `event_type`, `attempt` (1 for the first try), `status_code` (null when no answer came), `error` and `at`.");
        app.MapApiGroup("/v1/webhook-deliveries", "Webhook endpoints")
            .MapPost("/{id:long}/replay", Replay).RequireAuthorization(Scopes.SettingsWrite)
            .WithName("replayWebhookDelivery").WithSummary("Send an event again")
            .WithDescription("Takes an attempt's `id` from the delivery log and sends its event (same `webhook-id`, same body) to that endpoint again, with its own retries. 409 when the endpoint is disabled. Takes no body.")
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    public static async Task<Results<Ok<ListEnvelope<WebhookEndpointDto>>, ApiError>> List(HttpContext http, RemitDb db, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        return TypedResults.Ok(await paging.ApplyAsync(db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id), e => WebhookEndpointDto.Of(e), http, ct));
    }

    public static async Task<Results<Ok<DataEnvelope<WebhookEndpointDto>>, ApiError>> Get(long id, RemitDb db, CancellationToken ct) =>
        await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct) is { } endpoint
            ? TypedResults.Ok(new DataEnvelope<WebhookEndpointDto>(WebhookEndpointDto.Of(endpoint)))
            : Problem.NotFound("Webhook endpoint not found.").ToHttp();

    public static async Task<Results<Created<DataEnvelope<WebhookEndpointDto>>, ApiError>> Create(HttpContext http, RemitDb db, SecretBox secrets,
        WebhookSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<WebhookEndpointBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await WebhookEndpoints.CreateAsync(db, secrets, settings, Change(body), http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Created($"/v1/webhook-endpoints/{outcome.Value!.Id}", new DataEnvelope<WebhookEndpointDto>(outcome.Value));
    }

    public static async Task<Results<Ok<DataEnvelope<WebhookEndpointDto>>, ApiError>> Update(long id, HttpContext http, RemitDb db,
        WebhookSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<WebhookEndpointBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct), "Webhook endpoint not found.");
        var outcome = await WebhookEndpoints.UpdateAsync(db, id, settings, Change(body), http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<WebhookEndpointDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<WebhookEndpointDto>(outcome.Value!));
    }

    public static async Task<Results<NoContent, ApiError>> Delete(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct) =>
        await WebhookEndpoints.DeleteAsync(db, id, http.Actor(), clock, ct) is { } problem ? problem.ToHttp() : TypedResults.NoContent();

    public static async Task<Results<Ok<DataEnvelope<WebhookEndpointDto>>, ApiError>> RotateSecret(long id, HttpContext http, RemitDb db, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.RotateSecretAsync(db, secrets, id, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<WebhookEndpointDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<WebhookEndpointDto>(outcome.Value!));
    }

    public static async Task<Results<Ok<ListEnvelope<WebhookAttemptDto>>, ApiError>> Deliveries(long id, HttpContext http, RemitDb db, CancellationToken ct)
    {
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct)) return Problem.NotFound("Webhook endpoint not found.").ToHttp();
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        return TypedResults.Ok(await paging.ApplyAsync(WebhookEndpoints.Attempts(db, id), a => a, http, ct));
    }

    public static async Task<Results<Accepted<DataEnvelope<WebhookReplayDto>>, ApiError>> Replay(long id, HttpContext http, RemitDb db, TimeProvider clock,
        CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.ReplayAsync(db, id, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Accepted($"/v1/webhook-endpoints/{outcome.Value!.EndpointId}/deliveries", new DataEnvelope<WebhookReplayDto>(outcome.Value));
    }

    private static WebhookEndpointChange Change(WebhookEndpointBody? body) =>
        new(body?.Url, body?.Events, body?.Description, body?.Enabled);
}
