using Quartz;

namespace Remit.Schedule;

public sealed class ScheduleOptions
{
    /// <summary>Whether this process runs the schedule itself (off: run `remit schedule run` from cron instead).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How often the job looks for a payout day that is due.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Quartz.NET runs <see cref="PayoutSchedule.RunDueAsync"/> every minute. On PostgreSQL it keeps its triggers in the
/// database (the qrtz_ tables of the QuartzScheduler migration) and clusters: of several `remit` processes, one fires
/// each tick, and another takes over when that one stops. On SQLite (one process) the store is in memory. Quartz only
/// decides when to look; once per affiliate and day is the payouts' unique key, so a tick fired twice changes nothing.
/// It runs on the app's TimeProvider, as everything else does.
/// </summary>
public static class ScheduleSetup
{
    public static IServiceCollection AddRemitSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PayoutSchedule>();
        services.AddSingleton<Tax.TaxFormReminder>();
        var options = configuration.GetSection("Remit:Schedule").Get<ScheduleOptions>() ?? new ScheduleOptions();
        if (options.Interval <= TimeSpan.Zero)
            throw new Hosting.SettingException($"Remit__Schedule__Interval must be a positive TimeSpan such as 00:01:00, not '{configuration["Remit:Schedule:Interval"]}'.");
        if (!options.Enabled) return services;

        var postgres = configuration["Remit:Database:Provider"] == Data.Database.Postgres;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = "remit");
            if (postgres)
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(configuration.GetConnectionString("Remit")!);
                    store.UseClustering();
                });
            else
                q.UseInMemoryStore();
            q.ScheduleJob<ScheduleJob>(
                trigger => trigger.WithIdentity("payout-schedule").StartNow().WithSimpleSchedule(s => s
                    .WithInterval(options.Interval).RepeatForever()
                    // After downtime one run is enough: it runs the latest due day, whatever was missed.
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                job => job.WithIdentity("payout-schedule").DisallowConcurrentExecution());
            // Once a form is claimed no other run mails it again, so an hourly look is only about how soon.
            q.ScheduleJob<Tax.TaxFormReminderJob>(
                trigger => trigger.WithIdentity("tax-form-reminders").StartNow().WithSimpleSchedule(s => s
                    .WithInterval(TimeSpan.FromHours(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                job => job.WithIdentity("tax-form-reminders").DisallowConcurrentExecution());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}

/// <summary>The Quartz job: the same call as `remit schedule run`, for every program with the schedule on.</summary>
internal sealed class ScheduleJob(PayoutSchedule schedule) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await schedule.RunDueAsync(null, null, cancellationToken);
}
