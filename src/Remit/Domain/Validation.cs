using Remit.Api;

namespace Remit;

/// <summary>Collects every problem with an input so the client hears about all of them at once.</summary>
public sealed class Validation
{
    private readonly List<ErrorDetail> _details = [];
    public bool IsValid => _details.Count == 0;
    public void Add(string field, string message) => _details.Add(new(field, message));

    public Problem ToProblem() => Problem.Invalid(_details.Count == 1 ? _details[0].Message : "Request parameters failed validation.", _details);

    public bool Require(bool condition, string field, string message)
    {
        if (!condition) Add(field, message);
        return condition;
    }

    /// <summary>An amount in the currency's units, with no more decimals than the currency has.</summary>
    public long? Amount(decimal? value, string currency, string field, bool required, long min = 1)
    {
        if (value is null)
        {
            if (required) Add(field, $"{field} is required.");
            return null;
        }
        if (!Money.TryToMinor(value.Value, currency, out var minor))
        {
            Add(field, $"{field} has more decimals than {currency} allows ({Money.Exponent(currency)}).");
            return null;
        }
        if (minor < min)
        {
            Add(field, min == 0 ? $"{field} must not be negative." : $"{field} must be greater than zero.");
            return null;
        }
        return minor;
    }

    public string? Text(string? value, string field, int max, bool required = false)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required) Add(field, $"{field} is required.");
            return null;
        }
        if (trimmed.Length > max) Add(field, $"{field} must be at most {max} characters.");
        return trimmed;
    }
}
