namespace Remit.Tests.Payments;

/// <summary>Reference files kept in the repository (tests/Remit.Tests/Golden, copied next to the test assembly).</summary>
internal static class GoldenFiles
{
    public static string PathOf(string relative)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", relative);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"Golden file {relative} is missing: it belongs in tests/Remit.Tests/Golden/ (see its README).", path);
    }
}
