using System.Globalization;
using CsvHelper;

namespace Remit.Payments;

/// <summary>One USDC transfer: a payout to a wallet on one network.</summary>
public sealed record UsdcTransfer(string Network, string Address, long AmountCents, string PayoutId);

/// <summary>
/// The transfer list a merchant pays from their own wallet or custody tool: header
/// <c>network,address,amount,payout_id</c>, one row per payout, CRLF line ends (RFC 4180). Amounts are USDC with its
/// six decimals ("12.500000"), since USDC tokens carry 6 and a tool reading the list should not have to guess.
/// </summary>
public static class UsdcTransferCsv
{
    public const int Decimals = 6;

    public static byte[] Write(IReadOnlyList<UsdcTransfer> transfers)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        foreach (var t in transfers)
        {
            // Addresses and networks were validated when set; anything else here is a bug, not data to write.
            if (!CryptoAddress.IsValidAddress(t.Network, t.Address))
                throw new ArgumentException($"Payout {t.PayoutId} has no valid {t.Network} address.", nameof(transfers));
            if (t.AmountCents <= 0) throw new ArgumentException($"Payout {t.PayoutId} must have a positive amount.", nameof(transfers));
        }
        using var bytes = new MemoryStream();
        using (var csv = CsvWriter.Create(bytes, Api.CsvFiles.Options, leaveOpen: true))
        {
            csv.WriteRecord(["network", "address", "amount", "payout_id"]);
            foreach (var t in transfers) csv.WriteRecord([t.Network, t.Address, Amount(t.AmountCents), t.PayoutId]);
        }
        return bytes.ToArray();
    }

    /// <summary>Cents as USDC with six decimals: 1250 → "12.500000".</summary>
    public static string Amount(long cents) =>
        (cents / 100).ToString(CultureInfo.InvariantCulture) + "." + (cents % 100).ToString("00", CultureInfo.InvariantCulture) + "0000";
}
