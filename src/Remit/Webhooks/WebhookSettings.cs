using System.Globalization;
using Remit.Hosting;

namespace Remit.Webhooks;

/// <summary>Remit:Webhooks:* — read once at start; a wrong value stops the start naming it.</summary>
public sealed record WebhookSettings
{
    /// <summary>Standard Webhooks' schedule: each entry is the wait before that attempt, after the one before it.</summary>
    public static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public IReadOnlyList<TimeSpan> RetrySchedule { get; init; } = DefaultSchedule;
    /// <summary>For tests and private deployments only: lets endpoints reach loopback and private addresses.</summary>
    public bool AllowPrivateNetworks { get; init; }
    /// <summary>How long one attempt may take, connecting included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How often each process looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>An endpoint whose attempts have all failed for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; init; } = TimeSpan.FromDays(3);

    public static WebhookSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Remit:Webhooks");
        var settings = new WebhookSettings { AllowPrivateNetworks = section.GetValue("AllowPrivateNetworks", false) };
        if (section["RetrySchedule"] is { Length: > 0 } schedule)
        {
            var parts = schedule.Split(',', StringSplitOptions.TrimEntries);
            var spans = new List<TimeSpan>();
            foreach (var part in parts)
            {
                if (!TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var span) || span < TimeSpan.Zero)
                    throw new SettingException($"Remit__Webhooks__RetrySchedule must be comma-separated TimeSpans such as 0:00:00,0:00:05,0:05:00; '{part}' is not one.");
                spans.Add(span);
            }
            settings = settings with { RetrySchedule = spans };
        }
        return settings;
    }
}
