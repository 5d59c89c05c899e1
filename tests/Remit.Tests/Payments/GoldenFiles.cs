namespace Remit.Tests.Payments;

/// <summary>Finds shared/golden: beside the repo in CI (&lt;clone&gt;/../shared) and on developer machines.</summary>
internal static class GoldenFiles
{
    public static string PathOf(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var golden = Path.Combine(dir.FullName, "shared", "golden");
            if (Directory.Exists(golden))
            {
                return Path.Combine(golden, relative);
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/golden folder in any parent of {AppContext.BaseDirectory}; it is expected beside the repository.");
    }
}
