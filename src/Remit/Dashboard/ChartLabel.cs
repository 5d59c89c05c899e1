using System.Globalization;

namespace Remit.Dashboard;

/// <summary>Short amounts for the chart's bars ("3.4k"); the exact amounts are in each bar's title and the table.</summary>
public static class ChartLabel
{
    public static string Compact(decimal minor, string currency)
    {
        var amount = Api.Money.ToDecimal(minor, currency);
        return amount switch
        {
            0 => "",
            >= 1_000_000 => (amount / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
            >= 1_000 => (amount / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
            _ => amount.ToString("0", CultureInfo.InvariantCulture),
        };
    }
}
