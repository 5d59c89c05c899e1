using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Remit.Audit;
using Remit.Data;
using Remit.Security;

namespace Remit.Tax;

/// <summary>One line of a bulk TIN-matching request: TIN type (1 EIN, 2 SSN/ITIN, 3 unknown), TIN, name, account.</summary>
public sealed record TinMatchRequest(int Type, string Tin, string Name, string Account);

/// <summary>One line of the IRS's result file: the request line as sent, plus the IRS's indicator.</summary>
public sealed record TinMatchResult(int LineNumber, int Type, string Tin, string Name, string Account, int Code);

public sealed record TinMatchLineProblem(int Line, string? Account, int? Code, string Reason);

/// <summary>What reading a result file did: how many forms matched, how many mismatched (now invalid), and the lines left alone.</summary>
public sealed record TinMatchSummary(int Matched, int Mismatched, IReadOnlyList<TinMatchLineProblem> NotProcessed);

/// <summary>
/// The IRS bulk TIN-matching files (Publication 2108A): a request of `type;tin;name;account` lines (ASCII, CRLF), and
/// the result file of the same lines with `;code` appended. The file formats are pure functions; applying results
/// marks each affiliate's W-9 matched, or invalid when the IRS says the name and TIN do not belong together.
/// </summary>
public static class TinMatching
{
    public const int NameLength = 40, AccountLength = 20;

    /// <summary>Indicators meaning the TIN and name match (0; 6, 7, 8 for unknown-type requests that matched as SSN, EIN or both).</summary>
    public static bool IsMatch(int code) => code is 0 or 6 or 7 or 8;

    /// <summary>Not provided (1), not issued (2), name and TIN do not match (3): the form is no longer valid.</summary>
    public static bool IsMismatch(int code) => code is 1 or 2 or 3;

    public static string Meaning(int code) => code switch
    {
        0 => "TIN and name match",
        1 => "TIN was missing or is not a nine-digit number",
        2 => "TIN is not currently issued",
        3 => "TIN and name do not match",
        4 => "invalid request (the IRS did not process it)",
        5 => "duplicate request (the IRS did not process it)",
        6 => "matched on SSN",
        7 => "matched on EIN",
        8 => "matched on both SSN and EIN",
        _ => $"unknown indicator {code}",
    };

    /// <summary>The name as the IRS reads it: letters, digits, spaces, hyphens and ampersands (accents dropped), at most 40.</summary>
    public static string IrsName(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '&') kept.Append(c);
            else if (char.IsWhiteSpace(c) || c is ',' or '.' or '\'' or '/') kept.Append(' ');
        }
        var collapsed = string.Join(' ', kept.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= NameLength ? collapsed : collapsed[..NameLength].TrimEnd();
    }

    public static int TypeOf(string? tinType) => tinType switch { Tin.Ein => 1, Tin.Ssn or Tin.Itin => 2, _ => 3 };

    public static byte[] WriteRequest(IEnumerable<TinMatchRequest> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
            text.Append(CultureInfo.InvariantCulture, $"{line.Type};{line.Tin};{line.Name};{line.Account}\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Reads a result file; a line that is not `type;tin;name;account;code` is reported by number and skipped.</summary>
    public static (List<TinMatchResult> Results, List<TinMatchLineProblem> Problems) ReadResults(string text)
    {
        var results = new List<TinMatchResult>();
        var problems = new List<TinMatchLineProblem>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var parts = line.Split(';');
            if (parts.Length != 5
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var type)
                || !int.TryParse(parts[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                problems.Add(new(number, parts.Length >= 4 ? parts[3] : null, null, "not a result line (type;tin;name;account;code)"));
                continue;
            }
            results.Add(new(number, type, parts[1], parts[2], parts[3], code));
        }
        return (results, problems);
    }

    /// <summary>Every affiliate with a W-9 in force, one request line each (account: the affiliate id).</summary>
    public static async Task<byte[]> RequestFileAsync(RemitDb db, SecretBox secrets, Actor actor, CancellationToken ct)
    {
        var forms = await TaxForms.Current(db).AsNoTracking().Where(f => f.Kind == TaxFormKinds.W9 && f.Status != TaxFormStatus.Superseded)
            .OrderBy(f => f.AffiliateId).ToListAsync(ct);
        var lines = new List<TinMatchRequest>();
        foreach (var form in forms)
        {
            var fields = TaxForms.Open(form, secrets);
            if (fields["tin"] is not { } tin) continue;
            lines.Add(new(TypeOf(form.TinType), tin, IrsName(fields["name"] ?? ""), form.AffiliateId.ToString(CultureInfo.InvariantCulture)));
        }
        TaxLog.For(db).TinMatchingRequested(db.ProgramId, lines.Count, actor.Type, actor.Id);
        return WriteRequest(lines);
    }

    /// <summary>
    /// Applies a result file: each line's account names the affiliate, whose W-9 in force must still carry the TIN
    /// the line was sent with (else the form changed since and the line is left alone). Matched marks it matched;
    /// 1, 2, 3 make it invalid (the affiliate must sign a new one); 4 and 5 change nothing and are reported back.
    /// </summary>
    public static async Task<TinMatchSummary> ApplyResultsAsync(RemitDb db, SecretBox secrets, string text, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (results, problems) = ReadResults(text);
        int matched = 0, mismatched = 0;
        foreach (var r in results)
        {
            if (!long.TryParse(r.Account, NumberStyles.None, CultureInfo.InvariantCulture, out var affiliateId))
            {
                problems.Add(new(r.LineNumber, r.Account, r.Code, "the account is not an affiliate id"));
                continue;
            }
            if (!IsMatch(r.Code) && !IsMismatch(r.Code))
            {
                problems.Add(new(r.LineNumber, r.Account, r.Code, Meaning(r.Code)));
                continue;
            }
            var form = await TaxForms.Current(db).AsNoTracking().SingleOrDefaultAsync(f => f.AffiliateId == affiliateId && f.Kind == TaxFormKinds.W9, ct);
            if (form is null || TaxForms.Open(form, secrets)["tin"] != r.Tin)
            {
                problems.Add(new(r.LineNumber, r.Account, r.Code, "no W-9 with this TIN is in force for this affiliate (a new form was signed since the request?)"));
                continue;
            }
            if (IsMatch(r.Code))
            {
                await db.TaxForms.Where(f => f.Id == form.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.TinMatch, "matched").SetProperty(f => f.TinMatchCode, r.Code).SetProperty(f => f.TinMatchedAt, now), ct);
                matched++;
                continue;
            }
            var reason = $"IRS TIN matching: {Meaning(r.Code)} (code {r.Code})";
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.TaxForms.Where(f => f.Id == form.Id).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.TinMatch, "mismatched").SetProperty(f => f.TinMatchCode, r.Code).SetProperty(f => f.TinMatchedAt, now)
                .SetProperty(f => f.Status, TaxFormStatus.Invalid).SetProperty(f => f.InvalidatedAt, now).SetProperty(f => f.InvalidReason, reason), ct);
            db.AuditEvents.Add(actor.Record(db.ProgramId, "tax_form.invalidated", "affiliate", affiliateId, now, form.Status, TaxFormStatus.Invalid,
                $"W-9 #{form.Id}: {reason}"));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            TaxLog.For(db).FormInvalidated(form.Id, affiliateId, db.ProgramId, r.Code);
            mismatched++;
        }
        var notProcessed = problems.OrderBy(p => p.Line).ToList();
        TaxLog.For(db).TinMatchingRead(db.ProgramId, matched, mismatched, notProcessed.Count, actor.Type, actor.Id);
        return new(matched, mismatched, notProcessed);
    }
}
