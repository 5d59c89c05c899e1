using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Schedule;

/// <summary>
/// One payout day's run of the schedule, as the merchant reads it (GET /v1/schedule-runs, the dashboard). One row per
/// program and payout day: whichever process gets there first records it; another that runs the same day (at the
/// same time, or after a crash left it unfinished) goes through it again and finishes the same row. The payouts it
/// made are not copied here: they are the payouts of that schedule date, so the answer is true however many
/// processes took part.
/// </summary>
public sealed class ScheduleRun
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public DateOnly PayoutDate { get; set; }
    public DateTime StartedAt { get; set; }
    /// <summary>Null while running, or when the process running it stopped: the next run of the schedule finishes it.</summary>
    public DateTime? FinishedAt { get; set; }
    public List<SkippedAffiliate> Skipped { get; set; } = [];
}

/// <summary>An affiliate with something payable that the run did not pay, and why (<see cref="SkipReasons"/>).</summary>
public sealed record SkippedAffiliate(long AffiliateId, string Reason);

/// <summary>Why a run passed over an affiliate that had something payable: stable codes, for scripts and the dashboard.</summary>
public static class SkipReasons
{
    public const string PendingPayout = "pending_payout", BelowMinPayout = "below_min_payout",
        OverMaxPayout = "over_max_payout", MethodNotInPlan = "method_not_in_plan";

    public static string Describe(string reason) => reason switch
    {
        PendingPayout => "has a pending payout",
        BelowMinPayout => "payable balance below the minimum payout",
        OverMaxPayout => "payable balance over the largest payout allowed",
        MethodNotInPlan => "payout method not in the plan",
        _ => reason,
    };
}

internal sealed class ScheduleRunConfiguration : IEntityTypeConfiguration<ScheduleRun>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Configure(EntityTypeBuilder<ScheduleRun> b)
    {
        b.ToTable("schedule_runs");
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(r => r.ProgramId);
        // A day is recorded once per program, however many processes run it.
        b.HasIndex(r => new { r.ProgramId, r.PayoutDate }).IsUnique();
        // Read whole, written whole (the last process to finish the day writes it): a JSON column, not a child table.
        b.Property(r => r.Skipped).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<List<SkippedAffiliate>>(v, Json) ?? new List<SkippedAffiliate>(),
            new ValueComparer<List<SkippedAffiliate>>((a, c) => a!.SequenceEqual(c!), v => v.Count, v => v.ToList()));
    }
}
