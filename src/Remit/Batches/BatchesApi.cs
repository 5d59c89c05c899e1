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
public sealed record SyncBatchBody(string? ProviderBatchId);
public sealed record WebhookAck(bool Handled, long? PayoutId, string? TransactionStatus);

public static class BatchesApi
{
    /// <summary>The payout list's filters a batch may use (sort and paging mean nothing for a batch).</summary>
    private static readonly string[] FilterFields = ["status", "affiliate_id", "method", "created_from", "created_to", "completed_from", "completed_to", "q"];

    public static IEndpointRouteBuilder MapBatches(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/payout-batches", "Payout batches");
        group.MapGet("/", List).RequireAuthorization(Scopes.PayoutsRead)
            .WithQuery(QueryDocs.Paging)
            .WithName("listPayoutBatches").WithSummary("List payout batches")
            .WithDescription("Batches of the program, newest first, a page at a time (`page`, `per_page`).");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.PayoutsRead)
            .WithName("getPayoutBatch").WithSummary("Get a payout batch")
            .WithDescription("A batch: method, status, count and total, PayPal's ids when sent through the API.");
        // The file carries whole account numbers and wallet addresses: whoever may move the money, not whoever may read
        // the list (the dashboard likewise offers it to admins only).
        group.MapGet("/{id:long}/file", File).RequireAuthorization(Scopes.PayoutsWrite)
            .Produces(200, contentType: "text/plain").Produces(200, contentType: "text/csv")
            .WithName("downloadPayoutBatchFile").WithSummary("Download a batch's payment file")
            .WithDescription("The file the merchant pays the batch with: a NACHA file (bank), PayPal's Payouts upload CSV (PayPal) or a USDC transfer list (crypto). It carries full account numbers; each download is audited.")
            .Produces<ErrorEnvelope>(409).Produces<ErrorEnvelope>(422);
        group.MapPost("/", Create).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CreateBatchBody>("application/json")
            .WithName("createPayoutBatch").WithSummary("Create a payout batch")
            .WithDescription("Moves pending payouts of one `method` (given by `payout_ids`, or every pending payout the list's `filter` selects) to processing together, or none of them.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/complete", Complete).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CompleteBatchBody>("application/json")
            .WithName("completePayoutBatch").WithSummary("Mark a batch paid")
            .WithDescription("Completes the batch's processing payouts with `reference` (or, for crypto, each payout's transaction hash in `references`) and optional `notes`.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/approve", Approve).RequireAuthorization(Scopes.PayoutsWrite)
            .WithName("approvePayoutBatch").WithSummary("Approve a batch (second person)")
            .WithDescription("A batch whose total reached the program's `approval_threshold` when it was made cannot be sent, downloaded or completed (409 `APPROVAL_REQUIRED`) until someone other than its creator approves it here: another token, or another dashboard user. The creator's own token is 403 `FORBIDDEN`; a batch that needs no approval is 409 `INVALID_STATUS`; approving an approved batch answers it as it is. Takes no body.")
            .Produces<ErrorEnvelope>(403).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/send", Send).RequireAuthorization(Scopes.PayoutsWrite)
            .WithName("sendPayoutBatch").WithSummary("Send a batch to PayPal")
            .WithDescription("Sends a PayPal batch through PayPal's Payouts API with the saved credentials; a batch already sent answers as it is. Takes no body.")
            .Produces<ErrorEnvelope>(409).Produces<ErrorEnvelope>(422).Produces<ErrorEnvelope>(502);
        group.MapPost("/{id:long}/sync", Sync).RequireAuthorization(Scopes.PayoutsWrite).Accepts<SyncBatchBody>("application/json")
            .WithName("syncPayoutBatch").WithSummary("Sync a batch with PayPal")
            .WithDescription("Asks PayPal for each item's status and completes, fails or marks returned the batch's payouts accordingly. The body is optional: `provider_batch_id` links a sent batch whose PayPal id was never learnt (PayPal refused it as a duplicate without naming the original) to the batch id PayPal shows for it.")
            .Produces<ErrorEnvelope>(409).Produces<ErrorEnvelope>(422).Produces<ErrorEnvelope>(502);

        // PayPal calls this without a token; its signature, checked by PayPal against the program's webhook id, is the auth.
        app.MapPost("/v1/webhooks/paypal", PayPalWebhook).WithTags("Webhooks").AllowAnonymous().Accepts<JsonElement>("application/json")
            .WithName("receivePayPalWebhook").WithSummary("PayPal webhook")
            .WithDescription("Where PayPal posts Payouts item events. No token: PayPal verifies the event's signature against the program's `webhook_id`; an unverified event is 401.")
            .Produces<ErrorEnvelope>(401).Produces<ErrorEnvelope>(502);
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

    public static async Task<Results<Created<DataEnvelope<BatchDto>>, ApiError>> Create(HttpContext http, RemitDb db, SecretBox secrets, TimeProvider clock, CancellationToken ct)
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

        var outcome = await BatchActions.CreateAsync(db, secrets, method!, new BatchSelection(ids, filter), http.Actor(), clock, ct);
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
        BatchLog.For(db).FileDownloaded(id, file.FileName, batch.ProgramId, http.Actor().Type, http.Actor().Id);
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

    public static async Task<Results<Ok<DataEnvelope<BatchDto>>, ApiError>> Approve(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await BatchActions.ApproveAsync(db, id, http.Actor(), clock, ct);
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
        var (body, error) = await Body.ReadAsync<SyncBatchBody>(http.Request);
        var v = new Validation();
        var providerBatchId = error is null ? v.Text(body?.ProviderBatchId, "provider_batch_id", 64) : null;
        if (error is not null || !v.IsValid)
            return await (error ?? v.ToProblem()).ToHttpAsync(() => db.PayoutBatches.AnyAsync(b => b.Id == id, ct), "Batch not found.");
        var outcome = await paypal.SyncAsync(id, providerBatchId, http.Actor(), ct);
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
