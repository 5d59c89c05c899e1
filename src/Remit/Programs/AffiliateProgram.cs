using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Programs;

/// <summary>The tenant: a merchant's affiliate program. Every other row of program data points at one.</summary>
public sealed class AffiliateProgram
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Plan { get; set; }
    public string Currency { get; set; } = "USD";
    public string TimeZone { get; set; } = "UTC";

    // Payout settings live on the program: one row, read with every payout decision.
    public string PayoutFrequency { get; set; } = "monthly";
    public int PayoutDay { get; set; } = 1;
    public long MinPayoutMinor { get; set; } = 5000;
    public bool AllowEarlyRequests { get; set; }
    public bool AutoCreatePayouts { get; set; }
    public int HoldDays { get; set; }

    public DateTime CreatedAt { get; set; }

    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

public static class Plans
{
    public const string Nano = "nano", Basic = "basic", Standard = "standard", Custom = "custom";
    public static readonly string[] All = [Nano, Basic, Standard, Custom];

    /// <summary>The seed's "Payout Methods by Plan" table: the one place that says which plan may use which method.</summary>
    public static string[] Methods(string plan) => plan switch
    {
        Nano => [PayoutMethods.PayPal],
        Basic or Standard => [PayoutMethods.PayPal, PayoutMethods.Bank],
        Custom => [PayoutMethods.PayPal, PayoutMethods.Bank, PayoutMethods.Crypto],
        _ => [],
    };

    public static bool Allows(string plan, string method) => Methods(plan).Contains(method);
}

public static class PayoutMethods
{
    public const string PayPal = "paypal", Bank = "bank", Crypto = "crypto";
    public static readonly string[] All = [PayPal, Bank, Crypto];
}

internal sealed class AffiliateProgramConfiguration : IEntityTypeConfiguration<AffiliateProgram>
{
    public void Configure(EntityTypeBuilder<AffiliateProgram> b)
    {
        b.ToTable("programs");
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Plan).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.TimeZone).HasMaxLength(64);
        b.Property(p => p.PayoutFrequency).HasMaxLength(20);
        b.Ignore(p => p.TimeZoneInfo);
    }
}
