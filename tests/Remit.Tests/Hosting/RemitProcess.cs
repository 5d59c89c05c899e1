using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Remit.Tests.Dashboard;

namespace Remit.Tests.Hosting;

/// <summary>
/// The output of `dotnet publish src/Remit`: REMIT_TEST_PUBLISHED when scripts/test.sh made it once after the build,
/// otherwise published here, once per test run (never skipped: a failed publish fails the tests that need it).
/// </summary>
internal static class PublishedBuild
{
    private static readonly Lazy<Task<string>> Folder = new(FindOrPublishAsync);

    public static Task<string> FolderAsync() => Folder.Value;

    private static async Task<string> FindOrPublishAsync()
    {
        if (Environment.GetEnvironmentVariable("REMIT_TEST_PUBLISHED") is { Length: > 0 } given)
            return File.Exists(Path.Combine(given, "remit")) ? given
                : throw new InvalidOperationException($"REMIT_TEST_PUBLISHED={given} holds no `remit` executable: point it at the output of `dotnet publish src/Remit -o FOLDER`.");
        var output = Path.Combine(Path.GetTempPath(), $"remit-published-{Environment.ProcessId}");
        var configuration = typeof(PublishedBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Site.RepoRoot(),
        };
        // --no-build: the app was built with the tests; building it again here would race the test run.
        foreach (var arg in new[] { "publish", "src/Remit/Remit.csproj", "-c", configuration, "--no-build", "-nologo", "-o", output })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "remit")))
            throw new InvalidOperationException($"dotnet publish failed (exit {process.ExitCode}); set REMIT_TEST_PUBLISHED to a published folder or fix the build.\n{await stdout}\n{await stderr}");
        return output;
    }
}

/// <summary>
/// Remit as an operator starts it: a separate process in a folder of its own, configured only by environment
/// variables (none inherited from the test run), its output collected line by line.
/// </summary>
internal sealed partial class RemitProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string WorkingDirectory { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public string Output => string.Join("\n", Lines);

    private RemitProcess(Process process, string workingDirectory)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>A new empty folder unrelated to the repository or the app.</summary>
    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "remit-start-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Runs <paramref name="program"/> (the published `remit`, or `dotnet` with remit.dll first in args).</summary>
    public static RemitProcess Start(string program, string workingDirectory, IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.ToList())
            if (key.StartsWith("Remit__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var remit = new RemitProcess(process, workingDirectory);
        process.OutputDataReceived += (_, e) => remit.Add(e.Data);
        process.ErrorDataReceived += (_, e) => remit.Add(e.Data);
        process.Exited += (_, _) => remit._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return remit;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    public async Task WriteInputAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        _process.StandardInput.Close();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>Waits for "Application started" and returns the address it listens on.</summary>
    public async Task<Uri> StartedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (Lines.Any(l => l.Contains("Application started", StringComparison.Ordinal)))
                return new Uri(Lines.Select(l => Listening().Match(l)).First(m => m.Success).Groups[1].Value);
            if (_exited.Task.IsCompleted) break;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Remit did not start (exited: {_exited.Task.IsCompleted}). Output:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(120));
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_exited.Task.IsCompleted)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
    }
}
