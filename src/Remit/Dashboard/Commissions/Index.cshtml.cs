using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Programs;
using Remit.Commissions;
using Remit.Data;

namespace Remit.Dashboard.Commissions;

/// <summary>Commissions with their derived status, filtered by affiliate or status, a form to record one, and voiding one.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public sealed record Row(CommissionDto Commission, string AffiliateName);
    public sealed record AddForm(long? AffiliateId, string? Amount, string? Description, string? Reference, string? EarnedOn);

    public ListEnvelope<Row> Table { get; private set; } = null!;
    public IReadOnlyList<AffiliateChoice> Affiliates { get; private set; } = [];
    public long? AffiliateFilter { get; private set; }
    public string? StatusFilter { get; private set; }
    public AddForm Form { get; private set; } = new(null, null, null, null, null);

    public async Task OnGetAsync([FromQuery(Name = "affiliate_id")] long? affiliateId, string? status, CancellationToken ct)
    {
        Form = Form with { AffiliateId = affiliateId };
        await LoadAsync(affiliateId, status, ct);
    }

    public async Task<IActionResult> OnPostAddAsync([FromForm(Name = "affiliate_id")] long? affiliateId, string? amount, string? description,
        string? reference, [FromForm(Name = "earned_at")] string? earnedOn, CancellationToken ct)
    {
        Form = new AddForm(affiliateId, amount, description, reference, earnedOn);
        var v = new Validation();
        decimal? parsedAmount = null;
        if (!string.IsNullOrWhiteSpace(amount))
        {
            if (decimal.TryParse(amount.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)) parsedAmount = a;
            else v.Add("amount", "amount must be a number such as 12.50.");
        }
        DateTime? earnedAt = null;
        if (!string.IsNullOrWhiteSpace(earnedOn))
        {
            if (DateOnly.TryParseExact(earnedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                earnedAt = ZoneCalendar.StartOfDayUtc(day, ZoneCalendar.Zone(Program));
            else v.Add("earned_at", "earned_at must be a date.");
        }
        var error = v.IsValid
            ? (await CommissionActions.CreateAsync(db, new CommissionBody(affiliateId, parsedAmount, description, reference, earnedAt), Actor, clock, ct)).Error
            : v.ToProblem();
        if (error is null)
        {
            Flash = "Commission recorded.";
            return LocalRedirect(affiliateId is { } id ? $"/commissions?affiliate_id={id}" : "/commissions");
        }
        Errors = error.FieldErrors("affiliate_id");
        Response.StatusCode = error.Status();
        await LoadAsync(null, null, ct);
        return Page();
    }

    /// <summary>Voids a commission in no payout, as POST /v1/commissions/{id}/void does.</summary>
    public async Task<IActionResult> OnPostVoidAsync(long id, string? returnUrl, CancellationToken ct)
    {
        var outcome = await CommissionActions.VoidAsync(db, id, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error) FlashError = $"Commission #{id} was not voided: {error.Line()}";
        else Flash = $"Commission #{id} is void: it will not be paid.";
        return BackTo(returnUrl, "/commissions");
    }

    private async Task LoadAsync(long? affiliateId, string? status, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        var cutoff = CommissionStatus.PayableCutoff(clock.GetUtcNow().UtcDateTime, Program.HoldDays);
        AffiliateFilter = affiliateId;
        StatusFilter = CommissionStatus.All.Contains(status) ? status : null;
        var commissions = db.Commissions.AsNoTracking();
        if (affiliateId is { } aid) commissions = commissions.Where(c => c.AffiliateId == aid);
        if (StatusFilter is { } s) commissions = commissions.Where(CommissionStatus.Is(s, cutoff));
        var rows = commissions.OrderByDescending(c => c.EarnedAt).ThenByDescending(c => c.Id)
            .Select(c => new { Row = new CommissionRow(c, c.Payout != null ? c.Payout.Status : null), c.Affiliate!.Name });
        Table = await paging.ApplyAsync(rows, r => new Row(r.Row.ToDto(cutoff), r.Name), HttpContext, ct);
        Affiliates = await AffiliateChoice.ListAsync(db, Form.AffiliateId ?? affiliateId, ct);
    }
}
