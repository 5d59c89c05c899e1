namespace Remit.Payments;

/// <summary>ABA routing transit numbers as printed on US checks and used in NACHA files.</summary>
public static class AbaRouting
{
    // No maintained .NET package validates routing numbers; the rule is short and published by the ABA.
    private static ReadOnlySpan<int> Weights => [3, 7, 1, 3, 7, 1, 3, 7, 1];

    /// <summary>
    /// True for nine ASCII digits whose 3-7-1 weighted sum is a multiple of 10 and whose first two digits are a
    /// prefix the Federal Reserve assigns (00–12, 21–32, 61–72, 80). All zeros passes the checksum but is no bank.
    /// </summary>
    public static bool IsValid(string? routingNumber)
    {
        if (routingNumber is null || routingNumber.Length != 9)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            // char.IsDigit would let Arabic-Indic and other Unicode digits through, which no bank file accepts.
            if (!char.IsAsciiDigit(routingNumber[i]))
            {
                return false;
            }
            sum += (routingNumber[i] - '0') * Weights[i];
        }

        if (sum % 10 != 0 || routingNumber == "000000000")
        {
            return false;
        }

        var prefix = (routingNumber[0] - '0') * 10 + (routingNumber[1] - '0');
        return prefix is <= 12 or (>= 21 and <= 32) or (>= 61 and <= 72) or 80;
    }
}
