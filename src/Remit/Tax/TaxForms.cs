using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Audit;
using Remit.Data;
using Remit.Programs;
using Remit.Security;

namespace Remit.Tax;

/// <summary>A form as signed: which form, its lines, and the signature record.</summary>
public sealed record SignedFormInput(
    string? Kind, IReadOnlyDictionary<string, string?> Fields, string? SignerName, DateTime? SignedAt, string Source,
    string? Ip, string? UserAgent, bool Affirmed = true, bool CapacityAffirmed = true);

/// <summary>A form on file as the API lists it: never a whole TIN.</summary>
public sealed record TaxFormDto(
    long Id, long AffiliateId, string Form, string Revision, string Status, string Source, DateTime SignedAt, string SignerName,
    string? TinType, string? TinLast4, string? TinMasked, DateOnly? ExpiresAt, string? TinMatch, string? InvalidReason,
    DateTime? SupersededAt, DateTime RecordedAt)
{
    public static TaxFormDto Of(TaxForm f, DateOnly today) => new(f.Id, f.AffiliateId, f.Kind, f.Revision,
        TaxFormStatus.Of(f.Status, f.ExpiresAt, today), f.Source, f.SignedAt, f.SignerName, f.TinType, f.TinLast4,
        f.TinLast4 is null ? null : Tin.Mask(f.TinType, f.TinLast4), f.ExpiresAt, f.TinMatch, f.InvalidReason, f.SupersededAt, f.RecordedAt);
}

/// <summary>
/// Tax forms: signing (portal) and recording (paper), an affiliate's form status, the payout gate and W-8 expiry. The
/// API, the dashboard, the portal and the payout and batch actions all come here.
/// </summary>
public static class TaxForms
{
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The forms in force: one per affiliate at most (a unique index), superseded ones excluded.</summary>
    public static IQueryable<TaxForm> Current(RemitDb db) => db.TaxForms.Where(f => f.SupersededAt == null);

    /// <summary>
    /// The affiliates whose form in force lets their payouts move on <paramref name="today"/>: valid, or expiring but
    /// not yet expired. The gate's one definition, used in the conditional updates themselves.
    /// </summary>
    public static IQueryable<long> CoveredAffiliates(RemitDb db, DateOnly today) =>
        Current(db).Where(f => f.Status == TaxFormStatus.Valid && (f.ExpiresAt == null || f.ExpiresAt >= today)).Select(f => f.AffiliateId);

    /// <summary>
    /// Each affiliate with its <c>tax_form_status</c>, computed by the database (so a page or a count by status costs
    /// one query): not_required on a plan without forms, missing with no form in force, else that form's status as
    /// <see cref="TaxFormStatus.Of"/> reads it on <paramref name="today"/>. The one SQL definition: the affiliate
    /// list, the API and the dashboard's tax page read it.
    /// </summary>
    public static IQueryable<AffiliateFormStatus> WithStatus(RemitDb db, IQueryable<Affiliate> affiliates, string plan, DateOnly today)
    {
        if (!TaxPlans.HasForms(plan))
            return affiliates.Select(a => new AffiliateFormStatus { Affiliate = a, Status = TaxFormStatus.NotRequired });
        var horizon = today.AddDays(TaxFormStatus.ExpiringDays);
        var current = Current(db);
        return affiliates.Select(a => new AffiliateFormStatus
        {
            Affiliate = a,
            Status = current.Where(f => f.AffiliateId == a.Id).Select(f =>
                f.Status != TaxFormStatus.Valid ? f.Status
                : f.ExpiresAt != null && f.ExpiresAt < today ? TaxFormStatus.Expired
                : f.ExpiresAt != null && f.ExpiresAt < horizon ? TaxFormStatus.Expiring
                : TaxFormStatus.Valid).FirstOrDefault() ?? TaxFormStatus.Missing,
        });
    }

    /// <summary>
    /// Of these payouts, the ones held by the gate (the program gates and their affiliate has no valid form on
    /// <paramref name="today"/>), in id order. The dashboard's "held: tax form missing" and the batch check ask this.
    /// </summary>
    public static async Task<List<long>> HeldAsync(RemitDb db, AffiliateProgram program, IReadOnlyCollection<long> payoutIds, DateOnly today, CancellationToken ct)
    {
        if (!TaxPlans.Gates(program) || payoutIds.Count == 0) return [];
        var covered = CoveredAffiliates(db, today);
        return await db.Payouts.Where(p => payoutIds.Contains(p.Id) && !covered.Contains(p.AffiliateId)).Select(p => p.Id).OrderBy(id => id).ToListAsync(ct);
    }

    /// <summary>The refusal of a payout move for an affiliate without a valid form (409 TAX_FORM_REQUIRED).</summary>
    public static Problem Required(IEnumerable<long> payoutIds) => Problem.Conflict(Codes.TaxFormRequired,
        $"Payouts {string.Join(", ", payoutIds.Order())} are held: their affiliate has no valid tax form on file (W-9 or W-8). The payout stays pending until one is.");

    public static class Codes
    {
        public const string TaxFormRequired = "TAX_FORM_REQUIRED";
    }

    /// <summary>The affiliate's forms, newest first (superseded ones too: the history is kept).</summary>
    public static Task<List<TaxForm>> ListAsync(RemitDb db, long affiliateId, CancellationToken ct) =>
        db.TaxForms.AsNoTracking().Where(f => f.AffiliateId == affiliateId).OrderByDescending(f => f.SignedAt).ThenByDescending(f => f.Id).ToListAsync(ct);

    /// <summary>Every line of the form, secret ones decrypted: for its PDF and the files whose purpose is to carry them.</summary>
    public static FieldValues Open(TaxForm form, SecretBox secrets)
    {
        var all = new Dictionary<string, string>(form.PublicFields().All);
        if (form.SecretFields is { } cipher)
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(secrets.Decrypt(cipher)) ?? [])
                all[key] = value;
        return new FieldValues(all);
    }

    /// <summary>The SHA-256 of the canonical form data recorded at signing.</summary>
    public static string Digest(TaxForm form, SecretBox secrets) => secrets.Decrypt(form.DigestSecret);

    /// <summary>
    /// Puts a signed form on file for the affiliate: checks every line (404, then 422), encrypts the identifying
    /// fields, records the signature (who, when, from where, the digest of the canonical data), and supersedes the
    /// form in force, all in one transaction. A signed form is never changed afterwards.
    /// </summary>
    public static async Task<Outcome<TaxForm>> SubmitAsync(RemitDb db, SecretBox secrets, long affiliateId, SignedFormInput input, Actor actor,
        TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var affiliate = await db.Affiliates.AsNoTracking().Where(a => a.Id == affiliateId).Select(a => new { a.Id }).SingleOrDefaultAsync(ct);
        if (affiliate is null) return Problem.NotFound("Affiliate not found.");
        if (TaxPlans.FormsRefusal(program.Plan) is { } refusal) return refusal;

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var v = new Validation();
        if (input.Kind is null || !TaxFormKinds.All.Contains(input.Kind))
        {
            v.Add("form", $"form must be one of {string.Join(", ", TaxFormKinds.All)}.");
            return v.ToProblem();
        }
        var definition = TaxFormKinds.Definition(input.Kind);
        var fields = TaxFormFields.Check(definition, input.Fields, today, v);
        var signer = v.Text(input.SignerName, "signer_name", 200, required: true);
        if (signer is not null && signer.Any(char.IsControl)) v.Add("signer_name", "signer_name cannot contain control characters.");
        if (input.SignedAt is not { } signedAt) v.Add("signed_at", "signed_at is required: a UTC timestamp such as 2026-03-01T10:00:00Z.");
        else if (signedAt > now) v.Add("signed_at", "signed_at cannot be in the future.");
        else if (signedAt.Year < 2000) v.Add("signed_at", "signed_at must be in 2000 or later.");
        if (!input.Affirmed) v.Add("affirm", "Confirm that you sign the certification under penalties of perjury.");
        if (definition.CapacityStatement is not null && !input.CapacityAffirmed) v.Add("capacity_affirm", "Confirm that you have the capacity to sign for the person or entity on line 1.");
        if (!v.IsValid) return v.ToProblem();

        var signed = input.SignedAt!.Value;
        var secretFields = definition.Fields.Where(f => f.Secret && fields.Has(f.Key)).ToDictionary(f => f.Key, f => fields[f.Key]!);
        var publicFields = new SortedDictionary<string, string>(
            fields.All.Where(kv => !secretFields.ContainsKey(kv.Key)).ToDictionary(), StringComparer.Ordinal);
        var (tinType, tin) = UsTin(input.Kind, fields);
        var digest = TaxFormFields.Digest(TaxFormFields.Canonical(input.Kind, fields, signer!, signed));

        for (var attempt = 1; ; attempt++)
        {
            var form = new TaxForm
            {
                ProgramId = program.Id, AffiliateId = affiliateId, Kind = input.Kind, Revision = definition.Revision,
                Fields = JsonSerializer.Serialize(publicFields), TinType = tinType, TinLast4 = tin?[^4..],
                SecretFields = secretFields.Count == 0 ? null : secrets.Encrypt(JsonSerializer.Serialize(new SortedDictionary<string, string>(secretFields, StringComparer.Ordinal))),
                SignerName = signer!, SignedAt = signed, Source = input.Source,
                SignerIp = Clip(input.Ip, 64), SignerUserAgent = Clip(input.UserAgent, 500), DigestSecret = secrets.Encrypt(digest),
                RecordedByType = actor.Type, RecordedById = actor.Id, RecordedAt = now,
                ExpiresAt = TaxFormKinds.ExpiresOn(input.Kind, signed),
            };
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var superseded = await Current(db).Where(f => f.AffiliateId == affiliateId)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.SupersededAt, now).SetProperty(f => f.Status, TaxFormStatus.Superseded), ct);
                db.TaxForms.Add(form);
                await db.SaveChangesAsync(ct);
                if (superseded > 0)
                    await db.TaxForms.Where(f => f.AffiliateId == affiliateId && f.SupersededAt == now && f.SupersededById == null && f.Id != form.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(f => f.SupersededById, form.Id), ct);
                db.AuditEvents.Add(actor.Record(program.Id, "tax_form.submitted", "affiliate", affiliateId, now, null, TaxFormStatus.Valid,
                    $"{TaxFormKinds.Label(input.Kind)} #{form.Id} ({input.Source}){(superseded > 0 ? ", supersedes the form on file" : "")}"));
                await db.SaveChangesAsync(ct);
                await Webhooks.WebhookEvents.AddAsync(db, Webhooks.WebhookEventTypes.TaxFormSubmitted, $"tax_form:{form.Id}",
                    () => Task.FromResult<object?>(TaxFormDto.Of(form, DateOnly.FromDateTime(now))), now, ct);
                await tx.CommitAsync(ct);
                TaxLog.For(db).FormSubmitted(form.Id, input.Kind, affiliateId, program.Id, input.Source, superseded > 0, actor.Type, actor.Id);
                return Outcome<TaxForm>.Ok(form);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another submission for the same affiliate committed first (the one-current-form index): supersede it too.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The form's US TIN, its type and digits: line "tin" of a W-9 (typed on tin_type), "us_tin" of a W-8.</summary>
    private static (string? Type, string? Digits) UsTin(string kind, FieldValues fields) => kind switch
    {
        TaxFormKinds.W9 => (fields["tin_type"], fields["tin"]),
        TaxFormKinds.W8Ben when fields["us_tin"] is { } t => (Tin.IndividualType(t), t),
        TaxFormKinds.W8BenE when fields["us_tin"] is { } t => (Tin.Ein, t),
        _ => (null, null),
    };

    /// <summary>
    /// A legal-name change: the affiliate's <c>name</c> changed from <paramref name="before"/>. The form in force was
    /// signed under the name on its line 1; unless the new name is that same name (ignoring case and spacing), the form
    /// no longer describes the payee and stops counting: it becomes <c>invalid</c> with the reason shown to the merchant
    /// and the affiliate, until a new form is signed. One conditional update in the caller's transaction; a form
    /// already invalid, superseded or absent is left alone. Returns whether a form was invalidated.
    /// </summary>
    public static async Task<bool> InvalidateOnNameChangeAsync(RemitDb db, long affiliateId, string before, string after, Actor actor, DateTime now,
        CancellationToken ct)
    {
        if (SameName(before, after)) return false;
        var form = await Current(db).AsNoTracking().Where(f => f.AffiliateId == affiliateId && f.Status == TaxFormStatus.Valid).SingleOrDefaultAsync(ct);
        if (form is null) return false;
        var signedUnder = form.PublicFields()["name"] ?? form.SignerName;
        if (SameName(signedUnder, after)) return false;
        var reason = Clip($"The affiliate's name changed to \"{after}\"; this form was signed under the name \"{signedUnder}\". A new form is needed.", 500);
        var invalidated = await db.TaxForms.Where(f => f.Id == form.Id && f.Status == TaxFormStatus.Valid && f.SupersededAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, TaxFormStatus.Invalid)
                .SetProperty(f => f.InvalidatedAt, now)
                .SetProperty(f => f.InvalidReason, reason), ct);
        if (invalidated == 0) return false;
        db.AuditEvents.Add(actor.Record(db.ProgramId, "tax_form.invalidated", "tax_form", form.Id, now, TaxFormStatus.Valid, TaxFormStatus.Invalid,
            notes: "the affiliate's name changed"));
        await db.SaveChangesAsync(ct);
        TaxLog.For(db).FormInvalidatedByName(form.Id, affiliateId, db.ProgramId, actor.Type, actor.Id);
        return true;
    }

    /// <summary>Two spellings of one name: case and runs of spaces do not make a new name.</summary>
    public static bool SameName(string? a, string? b) =>
        string.Equals(NormaliseName(a), NormaliseName(b), StringComparison.Ordinal);

    private static string NormaliseName(string? name) =>
        string.Join(' ', (name ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static string? Clip(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];

    /// <summary>
    /// The W-8s in force that entered their last <see cref="TaxFormStatus.ExpiringDays"/> days and whose affiliate was
    /// not yet asked for a new one: each is marked (a conditional update, so a reminder goes once, whichever process
    /// runs this) and handed to <paramref name="remind"/>. The body of the daily job; returns how many were due.
    /// </summary>
    public static async Task<int> RemindExpiringAsync(RemitDb db, TimeProvider clock, Func<TaxForm, Task> remind, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var horizon = today.AddDays(TaxFormStatus.ExpiringDays);
        // Every program's forms: the daily job runs once for all of them.
        var due = await db.TaxForms.IgnoreQueryFilters().AsNoTracking().Where(f => f.SupersededAt == null)
            .Where(f => f.Status == TaxFormStatus.Valid && f.ExpiresAt != null && f.ExpiresAt < horizon && f.ExpiresAt >= today && f.ExpiryNoticeAt == null)
            .OrderBy(f => f.Id).ToListAsync(ct);
        var sent = 0;
        foreach (var form in due)
        {
            // The mark and the merchant's tax_form.expiring webhook commit together: one reminder, one event.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.TaxForms.IgnoreQueryFilters().Where(f => f.Id == form.Id && f.ExpiryNoticeAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.ExpiryNoticeAt, now), ct);
            if (claimed == 0) continue;
            // Every program's forms pass here: the event goes to the form's program's endpoints.
            var acting = db.ProgramId;
            db.ProgramId = form.ProgramId;
            try
            {
                await Webhooks.WebhookEvents.AddAsync(db, Webhooks.WebhookEventTypes.TaxFormExpiring, $"tax_form:{form.Id}",
                    () => Task.FromResult<object?>(TaxFormDto.Of(form, today)), now, ct);
            }
            finally
            {
                db.ProgramId = acting;
            }
            await tx.CommitAsync(ct);
            TaxLog.For(db).FormExpiring(form.Id, form.AffiliateId, form.ProgramId, form.ExpiresAt!.Value);
            await remind(form);
            sent++;
        }
        return sent;
    }
}

/// <summary>An affiliate and its tax_form_status (<see cref="TaxForms.WithStatus"/>); a class built by member initialisation (not a constructor), so EF can filter and group by its properties in SQL.</summary>
public sealed class AffiliateFormStatus
{
    public required Affiliate Affiliate { get; init; }
    public required string Status { get; init; }
}
