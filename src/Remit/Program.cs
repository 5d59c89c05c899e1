using Remit;
using Remit.Cli;

// `remit <command> ...` runs one operator command; `remit` alone (or with only --options such as --urls) serves.
if (RemitCli.IsCommand(args)) return await RemitCli.RunAsync(args);

var app = RemitApp.Build(args);
await RemitApp.PrepareAsync(app);
await app.RunAsync();
return 0;

public partial class Program;
