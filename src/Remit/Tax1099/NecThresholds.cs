using System.Globalization;
using Remit.Hosting;

namespace Remit.Tax1099;

/// <summary>
/// The 1099-NEC reporting threshold by tax year: the one table every list, file and page asks. $600 through 2025,
/// $2,000 from 2026 (the One Big Beautiful Bill Act, payments after December 31, 2025). A later year takes the last
/// figure known until the table is updated: the IRS adjusts the amount for inflation from 2027 and publishes it late
/// in the year, so an operator sets it with <c>Remit__Tax__Thresholds__&lt;year&gt;</c> (dollars, e.g. 2000 or
/// 2050.50) without a release; a configured year also overrides a built-in one.
/// </summary>
public sealed class NecThresholds
{
    public const string Section = "Remit:Tax:Thresholds";

    /// <summary>Year → threshold in cents; each entry holds until the next year listed.</summary>
    private static readonly SortedDictionary<int, long> BuiltIn = new()
    {
        [1] = 600_00,
        [2026] = 2_000_00,
    };

    private readonly KeyValuePair<int, long>[] table;

    public NecThresholds(IReadOnlyDictionary<int, long>? overrides = null)
    {
        var merged = new SortedDictionary<int, long>(BuiltIn);
        foreach (var (year, cents) in overrides ?? new Dictionary<int, long>()) merged[year] = cents;
        table = [.. merged];
    }

    /// <summary>The threshold in cents for <paramref name="year"/>: the entry of the latest year at or before it.</summary>
    public long CentsFor(int year)
    {
        var cents = table[0].Value;
        foreach (var (from, value) in table)
        {
            if (from > year) break;
            cents = value;
        }
        return cents;
    }

    /// <summary>Whether a payee's total for the year reaches the threshold (at or above it files).</summary>
    public bool Reaches(int year, long amountCents) => amountCents >= CentsFor(year);

    /// <summary>Reads <c>Remit:Tax:Thresholds:&lt;year&gt;</c>; a wrong key or amount stops the start, naming it.</summary>
    public static NecThresholds FromConfiguration(IConfiguration configuration)
    {
        var overrides = new Dictionary<int, long>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            if (!int.TryParse(entry.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1 or > 9998)
                throw new SettingException($"{Section}:{entry.Key}: the key must be a tax year (e.g. Remit__Tax__Thresholds__2027).");
            if (!decimal.TryParse(entry.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dollars)
                || !Api.Money.TryToMinor(dollars, "USD", out var cents) || cents <= 0)
                throw new SettingException($"{Section}:{entry.Key}: '{entry.Value}' is not a positive dollar amount with at most two decimals.");
            overrides[year] = cents;
        }
        return new NecThresholds(overrides);
    }
}
