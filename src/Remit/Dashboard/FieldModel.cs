namespace Remit.Dashboard;

/// <summary>A labelled input with the rule it must follow and, after a refused submit, what was wrong.</summary>
public sealed record FieldModel(string Name, string Label, string? Value, string? Error)
{
    public string Type { get; init; } = "text";
    public bool Required { get; init; }
    public int? MaxLength { get; init; }
    public string? Step { get; init; }
    public string? Min { get; init; }
    public string? Max { get; init; }
    public string? Hint { get; init; }
    public bool Wide { get; init; }
    public bool Disabled { get; init; }
}
