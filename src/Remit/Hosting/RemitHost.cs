namespace Remit.Hosting;

/// <summary>Where Remit finds its own files and which environment it runs in, for the server and the CLI alike.</summary>
public static class RemitHost
{
    /// <summary>
    /// The app's own folder (appsettings.json, wwwroot) wherever the process is started from — a service manager,
    /// another folder, `dotnet path/to/remit.dll` — unless an operator names one (--contentRoot,
    /// ASPNETCORE_CONTENTROOT). Data (remit.db, the development key) stays relative to the working folder.
    /// </summary>
    public static string? ContentRoot(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null;
    }

    /// <summary>The web host's environment for the CLI too (it reads only DOTNET_ENVIRONMENT by default).</summary>
    public static string? EnvironmentName() =>
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet
        : Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : null;
}

/// <summary>A setting an operator must give or fix; the start stops with this message and nothing else.</summary>
public sealed class SettingException(string message) : Exception(message);
