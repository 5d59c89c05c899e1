using System.Globalization;

namespace Remit.Api;

/// <summary>
/// Money is stored as integer minor units with its ISO 4217 currency. This is the one place that knows how many
/// decimals a currency has and how minor units become the numbers the API shows.
/// </summary>
public static class Money
{
    // ISO 4217 exponents that differ from 2; every other supported code uses 2.
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["CLP"] = 0, ["ISK"] = 0, ["UGX"] = 0, ["XAF"] = 0, ["XOF"] = 0,
        ["BHD"] = 3, ["KWD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "BRL", "MXN",
        "INR", "SGD", "HKD", "ZAR", "ILS", "AED", "TRY", "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF",
        "BHD", "KWD", "OMR", "JOD", "TND",
    };

    /// <summary>
    /// The most one commission may be, in minor units: 999,999,999.99 in a two-decimal currency (99,999,999,999 JPY,
    /// 99,999,999.999 KWD). Larger amounts are refused with a 422 that names this maximum.
    /// </summary>
    public const long MaxCommissionMinor = 99_999_999_999;

    /// <summary>
    /// The most one payout may be, in minor units: 99,999,999,999.99 in a two-decimal currency. A payout is the sum of
    /// its commissions, so an affiliate owed more cannot be paid in one (422) until the merchant voids some. A batch
    /// (at most 5,000 payouts) stays far inside a long; every other sum — balances, stats, months — is taken by the
    /// database as a decimal (numeric), which no number of rows can overflow.
    /// </summary>
    public const long MaxPayoutMinor = 9_999_999_999_999;

    public static bool IsSupported(string currency) => Known.Contains(currency);

    public static int Exponent(string currency) => Exponents.GetValueOrDefault(currency, 2);

    /// <summary>Minor units as a decimal carrying exactly the currency's scale, so JSON shows 1250.00, not 1250.</summary>
    public static decimal ToDecimal(long minor, string currency)
    {
        var scale = (byte)Exponent(currency);
        var negative = minor < 0;
        var magnitude = (ulong)(negative ? -minor : minor);
        return new decimal((int)(magnitude & 0xFFFFFFFF), (int)(magnitude >> 32), 0, negative, scale);
    }

    /// <summary>A sum of minor units (a decimal: sums of many rows may pass a long) as the currency's amount, e.g. 1250.00.</summary>
    // Truncate first: a database's decimal sum may carry a scale of its own (SQLite's gives "1500.0"), and the
    // currency's scale must be the only one.
    public static decimal ToDecimal(decimal minor, string currency) => decimal.Truncate(minor) * Exponent(currency) switch
    {
        0 => 1m, 2 => 0.01m, 3 => 0.001m, var e => throw new ArgumentOutOfRangeException(nameof(currency), e, null),
    };

    /// <summary>False when the amount has more decimals than the currency allows (12.345 USD).</summary>
    public static bool TryToMinor(decimal amount, string currency, out long minor)
    {
        minor = 0;
        var factor = Pow10(Exponent(currency));
        // Refuse what cannot be long minor units before scaling: 1e27 * 100 overflows decimal itself (a 500, not a 422).
        if (Math.Abs(amount) > long.MaxValue / factor) return false;
        var scaled = amount * factor;
        if (scaled != decimal.Truncate(scaled)) return false;
        minor = (long)scaled;
        return true;
    }

    /// <summary>For people (dashboard, PDF): grouped digits and the currency's decimals, e.g. "1,250.00".</summary>
    public static string Format(long minor, string currency) =>
        ToDecimal(minor, currency).ToString("N" + Exponent(currency), CultureInfo.InvariantCulture);

    /// <summary>A decimal amount (as the stats give it) formatted like <see cref="Format(long, string)"/>.</summary>
    public static string Format(decimal amount, string currency) =>
        amount.ToString("N" + Exponent(currency), CultureInfo.InvariantCulture);

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(exponent)) };
}
