using Remit;
using Remit.Cli;
using Remit.Hosting;

// `remit <command> ...` runs one operator command; `remit` alone (or with only --options such as --urls) serves.
if (RemitCli.IsCommand(args)) return await RemitCli.RunAsync(args);

WebApplication app;
try
{
    app = RemitApp.Build(args);
}
catch (SettingException e)
{
    // No logger exists before the app is built: a wrong setting read while building goes to stderr, as the CLI's do.
    await Console.Error.WriteLineAsync($"remit: {e.Message}");
    return 1;
}
try
{
    await RemitApp.PrepareAsync(app);
}
catch (SettingException e)
{
    // A setting the operator must give: say which, without a stack trace, and stop.
    app.Logger.LogCritical("Remit cannot start: {Problem}", e.Message);
    await app.DisposeAsync(); // flushes the console logger's queue before the process ends
    return 1;
}
await app.RunAsync();
return 0;

public partial class Program;
