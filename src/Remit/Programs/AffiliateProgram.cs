using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Programs;

/// <summary>The tenant: a merchant's affiliate program. Every other row of program data points at one.</summary>
public sealed class AffiliateProgram : Data.IVersioned
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

    /// <summary>The merchant's originator details for NACHA files (GET/PUT /v1/settings/ach).</summary>
    public Settings.AchSettings Ach { get; set; } = new();
    /// <summary>The merchant's PayPal REST app (GET/PUT /v1/settings/paypal); the secret is stored encrypted.</summary>
    public Settings.PayPalSettings PayPal { get; set; } = new();
    /// <summary>The payer's details for 1099s and the tax switches (GET/PUT /v1/settings/tax); the payer's EIN is stored encrypted.</summary>
    public Remit.Tax.TaxSettings Tax { get; set; } = new();

    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }

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

    /// <summary>The refusal every place shows when a plan lacks a method (naming the plan and what it has); null when allowed.</summary>
    public static string? Refusal(string plan, string method) => Allows(plan, method)
        ? null
        : $"The {plan} plan does not include {method} payouts (it has: {string.Join(", ", Methods(plan))}).";

    /// <summary>
    /// Product.md's plan table: every plan pays PayPal by hand from the upload CSV; sending through the PayPal
    /// Payouts API is basic and up.
    /// </summary>
    public static bool SendsPayPalByApi(string plan) => plan is Basic or Standard or Custom;
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
        b.Property(p => p.Version).IsConcurrencyToken();
        b.ComplexProperty(p => p.Ach, Settings.AchSettings.Map);
        b.ComplexProperty(p => p.PayPal, Settings.PayPalSettings.Map);
        b.ComplexProperty(p => p.Tax, Remit.Tax.TaxSettings.Map);
    }
}
