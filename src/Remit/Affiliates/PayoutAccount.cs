using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Programs;

namespace Remit.Affiliates;

/// <summary>
/// A bank account or crypto wallet to pay to. The account number or address is kept only encrypted
/// (<see cref="Secret"/>, a <see cref="Security.SecretBox"/> ciphertext) with its last four characters beside it
/// for display. The same columns sit on the affiliate (where to pay now) and on each payout (where that payout was
/// sent, copied at creation), so a payout's snapshot is a plain copy that never needs the key.
/// </summary>
public sealed record PayoutAccount
{
    public string? HolderName { get; init; }
    /// <summary>individual | business: decides PPD or CCD in the NACHA file.</summary>
    public string? HolderType { get; init; }
    public string? RoutingNumber { get; init; }
    /// <summary>checking | savings.</summary>
    public string? AccountType { get; init; }
    /// <summary>ethereum | polygon | base | solana.</summary>
    public string? Network { get; init; }
    public string? Secret { get; init; }
    public string? Last4 { get; init; }

    public static readonly PayoutAccount None = new();

    public static PayoutAccount Bank(string holderName, string holderType, string routing, string accountType, string encryptedNumber, string last4) =>
        new() { HolderName = holderName, HolderType = holderType, RoutingNumber = routing, AccountType = accountType, Secret = encryptedNumber, Last4 = last4 };

    public static PayoutAccount Crypto(string network, string encryptedAddress, string last4) =>
        new() { Network = network, Secret = encryptedAddress, Last4 = last4 };

    /// <summary>
    /// What a person may see of a destination: a PayPal email whole (the merchant pays to it by hand), a bank account
    /// or wallet as its type and last four characters only.
    /// </summary>
    public string? Label(string? method, string? paypalEmail) => method switch
    {
        PayoutMethods.PayPal => paypalEmail,
        PayoutMethods.Bank when Last4 is not null => $"{AccountType} ••••{Last4}",
        PayoutMethods.Crypto when Last4 is not null => $"{Network} ••••{Last4}",
        _ => null,
    };

    public static string LastFour(string value) => value.Length <= 4 ? value : value[^4..];

    /// <summary>Same column names on affiliates and payouts, so the snapshot reads as the copy it is.</summary>
    public static void Map(ComplexPropertyBuilder<PayoutAccount> b)
    {
        b.Property(a => a.HolderName).HasColumnName("holder_name").HasMaxLength(200);
        b.Property(a => a.HolderType).HasColumnName("holder_type").HasMaxLength(20);
        b.Property(a => a.RoutingNumber).HasColumnName("routing_number").HasMaxLength(9);
        b.Property(a => a.AccountType).HasColumnName("account_type").HasMaxLength(20);
        b.Property(a => a.Network).HasColumnName("network").HasMaxLength(20);
        b.Property(a => a.Secret).HasColumnName("account_secret").HasMaxLength(400);
        b.Property(a => a.Last4).HasColumnName("account_last4").HasMaxLength(4);
    }
}

public static class HolderTypes
{
    public const string Individual = "individual", Business = "business";
    public static readonly string[] All = [Individual, Business];
}

public static class AccountTypes
{
    public const string Checking = "checking", Savings = "savings";
    public static readonly string[] All = [Checking, Savings];
}
