using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Data;

namespace Remit.Dashboard;

/// <summary>An affiliate as a form's drop-down offers it.</summary>
public sealed record AffiliateChoice(long Id, string Name, string Email)
{
    // A program with more affiliates picks one from the affiliates page instead.
    private const int Limit = 500;

    /// <summary>The active affiliates by name, plus the chosen one whatever its status (so a refused form shows it again).</summary>
    public static async Task<IReadOnlyList<AffiliateChoice>> ListAsync(RemitDb db, long? chosen, CancellationToken ct)
    {
        var choices = await db.Affiliates.AsNoTracking().Where(a => a.Status == AffiliateStatus.Active || a.Id == chosen)
            .OrderBy(a => a.Name).ThenBy(a => a.Id).Take(Limit)
            .Select(a => new AffiliateChoice(a.Id, a.Name, a.Email)).ToListAsync(ct);
        if (chosen is { } id && choices.All(a => a.Id != id)
            && await db.Affiliates.AsNoTracking().Where(a => a.Id == id).Select(a => new AffiliateChoice(a.Id, a.Name, a.Email)).SingleOrDefaultAsync(ct) is { } extra)
            choices = [extra, .. choices];
        return choices;
    }
}
