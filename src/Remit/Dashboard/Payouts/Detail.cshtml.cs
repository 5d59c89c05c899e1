using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Dashboard.Payouts;

/// <summary>One payout: who, how much, how, which commissions, and its status history from the audit trail.</summary>
public sealed class DetailModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public sealed record Line(long Id, DateTime EarnedAt, string? Description, string? Reference, long AmountMinor, string Currency);

    public PayoutDto Payout { get; private set; } = null!;
    public IReadOnlyList<Line> Lines { get; private set; } = [];
    public IReadOnlyList<string> Next { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await PayoutsApi.DetailAsync(db, id, ct) is not { } payout) return NotFound();
        Payout = payout;
        Next = PayoutLifecycle.Next(payout.Status).ToList();
        var ids = db.PayoutCommissions.Where(pc => pc.PayoutId == id).Select(pc => pc.CommissionId);
        Lines = await db.Commissions.AsNoTracking().Where(c => ids.Contains(c.Id))
            .OrderBy(c => c.EarnedAt).ThenBy(c => c.Id)
            .Select(c => new Line(c.Id, c.EarnedAt, c.Description, c.Reference, c.AmountMinor, c.Currency))
            .ToListAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostProcessingAsync(long id, string? notes, string? returnUrl, CancellationToken ct) =>
        MoveAsync(id, PayoutStatus.Processing, new TransitionInput(Notes: notes), returnUrl, ct);

    public Task<IActionResult> OnPostCompleteAsync(long id, string? reference, string? notes, string? returnUrl, CancellationToken ct) =>
        MoveAsync(id, PayoutStatus.Completed, new TransitionInput(reference, notes), returnUrl, ct);

    public Task<IActionResult> OnPostFailAsync(long id, string? reason, string? returnUrl, CancellationToken ct) =>
        MoveAsync(id, PayoutStatus.Failed, new TransitionInput(Reason: reason), returnUrl, ct);

    private async Task<IActionResult> MoveAsync(long id, string to, TransitionInput input, string? returnUrl, CancellationToken ct)
    {
        var outcome = await PayoutActions.TransitionAsync(db, id, to, input, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error) FlashError = $"Payout #{id} was not changed: {error.Line()}";
        else Flash = $"Payout #{id} is now {to}.";
        return BackTo(returnUrl, $"/payouts/{id}");
    }
}
