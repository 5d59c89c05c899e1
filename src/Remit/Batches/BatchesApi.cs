using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Remit.Api;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;

namespace Remit.Batches;

public sealed record CreateBatchBody(string? Method, long[]? PayoutIds, JsonElement? Filter);
public sealed record CompleteBatchBody(string? Reference, string? Notes, Dictionary<string, string>? References);
public sealed record WebhookAck(bool Handled, long? PayoutId, string? TransactionStatus);

public static class BatchesApi
{
    /// <summary>The payout list's filters a batch may use (sort and paging mean nothing for a batch).</summary>
    private static readonly string[] FilterFields = ["status", "affiliate_id", "method", "created_from", "created_to", "completed_from", "completed_to", "q"];

    public static IEndpointRouteBuilder MapBatches(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/payout-batches", "Payout batches");
        group.MapGet("/", List).RequireAuthorization(Scopes.PayoutsRead);
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.PayoutsRead);
        group.MapGet("/{id:long}/file", File).RequireAuthorization(Scopes.PayoutsRead)
            .Produces(200, contentType: "text/plain").Produces(200, contentType: "text/csv");
        group.MapPost("/", Create).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CreateBatchBody>("application/json");
        group.MapPost("/{id:long}/complete", Complete).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CompleteBatchBody>("application/json");
        group.MapPost("/{id:long}/send", Send).RequireAuthorization(Scopes.PayoutsWrite);
        group.MapPost("/{id:long}/sync", Sync).RequireAuthorization(Scopes.PayoutsWrite);

        // PayPal calls this without a token; its signature, checked by PayPal against the program's webhook id, is the auth.
        app.MapPost("/v1/webhooks/paypal", PayPalWebhook).WithTags("Webhooks").AllowAnonymous();
        return app;
    }

    public static async Task<Results<Ok<ListEnvelope<BatchDto>>, ApiError>> List(HttpContext http, RemitDb db, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var page = await paging.ApplyAsync(db.PayoutBatches.AsNoTracking().OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id), b => b, http, ct);
        var batchIds = page.Data.Select(b => (long?)b.Id).ToArray();
        var members = (await db.Payouts.Where(p => batchIds.Contains(p.BatchId)).OrderBy(p => p.Id).Select(p => new { p.BatchId, p.Id }).ToListAsync(ct))
            .ToLookup(p => p.BatchId!.Value, p => p.Id);
        return TypedResults.Ok(new ListEnvelope<BatchDto>(page.Data.Select(b => BatchDto.Of(b, members[b.Id].ToList())).ToList(), page.Meta));
    }

    public static async Task<Results<Ok<DataEnvelope<BatchDto>>, ApiError>> Get(long id, RemitDb db, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        return batch is null ? Problem.NotFound("Batch not found.").ToHttp() : TypedResults.Ok(new DataEnvelope<BatchDto>(await BatchActions.ToDtoAsync(db, batch, ct)));
    }

    public static async Task<Results<Created<DataEnvelope<BatchDto>>, ApiError>> Create(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CreateBatchBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var v = new Validation();
        var method = body?.Method;
        if (method is null || !PayoutMethods.All.Contains(method)) v.Add("method", $"method must be one of {string.Join(", ", PayoutMethods.All)}.");
        var ids = body?.PayoutIds;
        var hasFilter = body?.Filter is { ValueKind: not JsonValueKind.Null };
        PayoutQuery? filter = null;
        if (ids is not null && hasFilter) v.Add("filter", "Give payout_ids or filter, not both.");
        else if (ids is not null)
        {
            if (ids.Length is 0 or > BatchActions.MaxPayouts) v.Add("payout_ids", $"payout_ids must list 1 to {BatchActions.MaxPayouts} payout ids.");
            else if (ids.Distinct().Count() != ids.Length) v.Add("payout_ids", "payout_ids must not repeat an id.");
            else if (ids.Any(i => i <= 0)) v.Add("payout_ids", "payout_ids must be positive integers.");
        }
        else if (hasFilter) filter = ParseFilter(body!.Filter!.Value, method, v);
        else v.Add("payout_ids", "Give payout_ids, or filter with the payout list's filters.");
        if (!v.IsValid) return v.ToProblem().ToHttp();

        var outcome = await BatchActions.CreateAsync(db, method!, new BatchSelection(ids, filter), http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var dto = await BatchActions.ToDtoAsync(db, outcome.Value!, ct);
        return TypedResults.Created($"/v1/payout-batches/{dto.Id}", new DataEnvelope<BatchDto>(dto));
    }

    /// <summary>
    /// The list's filters as a JSON object, read by the list's own parser. A batch takes pending payouts of its method,
    /// so a status or method filter that says otherwise is a contradiction (422), not silently ignored.
    /// </summary>
    private static PayoutQuery? ParseFilter(JsonElement json, string? method, Validation v)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            v.Add("filter", "filter must be an object of the payout list's filters.");
            return null;
        }
        var values = new Dictionary<string, StringValues>();
        foreach (var field in json.EnumerateObject())
        {
            if (!FilterFields.Contains(field.Name)) v.Add($"filter.{field.Name}", $"Unknown filter '{field.Name}'; filters are {string.Join(", ", FilterFields)}.");
            else if (field.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number) values[field.Name] = field.Value.ToString();
            else v.Add($"filter.{field.Name}", $"filter.{field.Name} must be a string or a number.");
        }
        var inner = new Validation();
        var query = PayoutQuery.Parse(new QueryCollection(values), inner);
        if (!inner.IsValid)
            foreach (var d in inner.ToProblem().Details) v.Add($"filter.{d.Field}", d.Message);
        if (query.Statuses is { } s && !(s is [PayoutStatus.Pending]))
            v.Add("filter.status", "A batch takes pending payouts only; leave status out or set it to pending.");
        if (query.Methods is { } m && method is not null && !(m.Length == 1 && m[0] == method))
            v.Add("filter.method", $"A {method} batch takes {method} payouts only.");
        return query;
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> File(long id, HttpContext http, RemitDb db, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null) return Problem.NotFound("Batch not found.").ToHttp();
        var outcome = await BatchFiles.BuildAsync(db, secrets, batch, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var file = outcome.Value!;
        // The file carries account numbers in the clear: who fetched it, and when, is part of the money trail.
        db.AuditEvents.Add(http.Actor().Record(batch.ProgramId, "batch.file_downloaded", "batch", id, clock.GetUtcNow().UtcDateTime, notes: file.FileName));
        await db.SaveChangesAsync(ct);
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    public static async Task<Results<Ok<DataEnvelope<BatchDto>>, ApiError>> Complete(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CompleteBatchBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.PayoutBatches.AnyAsync(b => b.Id == id, ct), "Batch not found.");
        var v = new Validation();
        var reference = v.Text(body?.Reference, "reference", 255);
        var notes = v.Text(body?.Notes, "notes", 2000);
        var references = new Dictionary<long, string>();
        foreach (var (key, value) in body?.References ?? [])
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var payoutId)) v.Add($"references.{key}", $"references.{key} is not a payout id.");
            else if (v.Text(value, $"references.{key}", 255) is { } text) references[payoutId] = text;
        }
        if (!v.IsValid) return await v.ToProblem().ToHttpAsync(() => db.PayoutBatches.AnyAsync(b => b.Id == id, ct), "Batch not found.");
        var outcome = await BatchActions.CompleteAsync(db, id, reference, notes, references, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<BatchDto>(await BatchActions.ToDtoAsync(db, outcome.Value!, ct)));
    }

    public static async Task<Results<Ok<DataEnvelope<BatchDto>>, ApiError>> Send(long id, HttpContext http, RemitDb db, [FromServices] PayPalPayouts paypal, CancellationToken ct)
    {
        var outcome = await paypal.SendAsync(id, http.Actor(), ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<BatchDto>(await BatchActions.ToDtoAsync(db, outcome.Value!, ct)));
    }

    public static async Task<Results<Ok<DataEnvelope<BatchDto>>, ApiError>> Sync(long id, HttpContext http, RemitDb db, [FromServices] PayPalPayouts paypal, CancellationToken ct)
    {
        var outcome = await paypal.SyncAsync(id, http.Actor(), ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<BatchDto>(await BatchActions.ToDtoAsync(db, outcome.Value!, ct)));
    }

    public static async Task<Results<Ok<DataEnvelope<WebhookAck>>, ApiError>> PayPalWebhook(HttpContext http, [FromServices] PayPalPayouts paypal, CancellationToken ct)
    {
        // The signature covers the exact bytes PayPal sent, so the body is kept as text, never re-serialised.
        var (body, tooLarge) = await Body.ReadTextAsync(http.Request);
        if (tooLarge is not null) return tooLarge.ToHttp();
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var outcome = await paypal.HandleWebhookAsync(headers, body!, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var item = outcome.Value;
        return TypedResults.Ok(new DataEnvelope<WebhookAck>(new(item is not null,
            item is not null && long.TryParse(item.SenderItemId, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null,
            item?.TransactionStatus)));
    }
}
