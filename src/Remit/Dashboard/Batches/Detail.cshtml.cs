using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Batches;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;

namespace Remit.Dashboard.Batches;

/// <summary>
/// One batch: its payouts, totals and PayPal ids, and what can be done with it by method — download its file, send it
/// through PayPal and sync, or mark it paid. Each action is the API's (BatchFiles, PayPalPayouts, BatchActions).
/// </summary>
public sealed class DetailModel(RemitDb db, SecretBox secrets, PayPalPayouts paypal, TimeProvider clock) : DashboardPage
{
    public PayoutBatch Batch { get; private set; } = null!;
    public IReadOnlyList<PayoutDto> Payouts { get; private set; } = [];
    /// <summary>The network of each crypto payout, for the transaction hash it needs.</summary>
    public IReadOnlyDictionary<long, string?> Networks { get; private set; } = new Dictionary<long, string?>();
    public bool PayPalConfigured { get; private set; }

    public bool IsPayPalApi => Batch.Method == PayoutMethods.PayPal && Plans.SendsPayPalByApi(Program.Plan);
    public bool CanSend => IsPayPalApi && Batch.ProviderBatchId is null && Processing > 0;
    public bool CanSync => Batch.ProviderBatchId is not null;
    public bool CanComplete => Batch.ProviderBatchId is null && Processing > 0;
    public int Processing => Payouts.Count(p => p.Status == PayoutStatus.Processing);
    /// <summary>Waiting for its second person: the file, send and mark-paid actions are refused until then.</summary>
    public bool AwaitsApproval => BatchActions.ApprovalProblem(Batch, "paid") is not null;
    /// <summary>Whether this user made the batch (and so cannot approve it).</summary>
    public bool MadeByMe => Batch.CreatedByType == Actor.Type && Batch.CreatedById == Actor.Id;
    /// <summary>The batch's audit trail: who made, approved, downloaded, sent and completed it.</summary>
    public IReadOnlyList<Audit.AuditEvent> Trail { get; private set; } = [];

    public string FileLabel => Batch.Method switch
    {
        PayoutMethods.Bank => "Download NACHA file",
        PayoutMethods.PayPal => "Download PayPal CSV",
        _ => "Download USDC CSV",
    };

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>The batch's file (it carries account numbers in the clear, so admins only), audited like GET /v1/payout-batches/{id}/file.</summary>
    public async Task<IActionResult> OnGetFileAsync(long id, CancellationToken ct)
    {
        if (!CanAct) return Forbid(DashboardAuth.Scheme);
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null) return NotFound();
        var outcome = await BatchFiles.BuildAsync(db, secrets, batch, ct);
        if (outcome.Error is { } error)
        {
            FlashError = $"No file for batch #{id}: {error.Sentence()}";
            return LocalRedirect($"/batches/{id}");
        }
        var file = outcome.Value!;
        db.AuditEvents.Add(Actor.Record(batch.ProgramId, "batch.file_downloaded", "batch", id, clock.GetUtcNow().UtcDateTime, notes: file.FileName));
        await db.SaveChangesAsync(ct);
        BatchLog.For(db).FileDownloaded(id, file.FileName, batch.ProgramId, Actor.Type, Actor.Id);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, CancellationToken ct)
    {
        var outcome = await BatchActions.ApproveAsync(db, id, Actor, clock, ct);
        return Done(id, outcome.Error, $"Batch #{id} approved: it can now be downloaded, sent and marked paid.");
    }

    public async Task<IActionResult> OnPostSendAsync(long id, CancellationToken ct)
    {
        var outcome = await paypal.SendAsync(id, Actor, ct);
        return Done(id, outcome.Error, $"Batch #{id} was sent to PayPal (PayPal batch {outcome.Value?.ProviderBatchId}). Sync to see each payout's result.");
    }

    public async Task<IActionResult> OnPostSyncAsync(long id, CancellationToken ct)
    {
        var outcome = await paypal.SyncAsync(id, Actor, ct);
        return Done(id, outcome.Error, $"Batch #{id} synced with PayPal: {Display.Label(outcome.Value?.Status)}.");
    }

    public async Task<IActionResult> OnPostCompleteAsync(long id, string? reference, string? notes, Dictionary<string, string>? references, CancellationToken ct)
    {
        var perPayout = new Dictionary<long, string>();
        foreach (var (key, value) in references ?? [])
            if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var payoutId) && !string.IsNullOrWhiteSpace(value))
                perPayout[payoutId] = value.Trim();
        var outcome = await BatchActions.CompleteAsync(db, id, Blank(reference), Blank(notes), perPayout, Actor, clock, ct);
        return Done(id, outcome.Error, $"Batch #{id} marked paid: its processing payouts are completed.");
    }

    private IActionResult Done(long id, Problem? error, string success)
    {
        if (error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (error is not null) FlashError = $"Batch #{id} was not changed: {error.Sentence()}";
        else Flash = success;
        return LocalRedirect($"/batches/{id}");
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null) return false;
        Batch = batch;
        Payouts = (await db.Payouts.AsNoTracking().Where(p => p.BatchId == id).OrderBy(p => p.Id)
            .Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email)).ToListAsync(ct)).Select(r => r.ToDto()).ToList();
        if (batch.Method == PayoutMethods.Crypto)
            Networks = await db.Payouts.AsNoTracking().Where(p => p.BatchId == id).ToDictionaryAsync(p => p.Id, p => p.Account.Network, ct);
        PayPalConfigured = Program.PayPal is { ClientId: not null, ClientSecret: not null };
        Trail = await db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "batch" && e.EntityId == id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        return true;
    }
}
