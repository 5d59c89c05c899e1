using BenchmarkDotNet.Running;

namespace Remit.Bench;

public static class BenchProgram
{
    /// <summary>`compare [sizes]` measures Remit against raw SQL and a bare endpoint, `scenario` the served app end to
    /// end, `serve SIZE [PORT]` keeps one running for wrk and the profilers, `batches [sqlite|postgres]` batch completion against a raw UPDATE; anything else goes to BenchmarkDotNet.</summary>
    public static async Task Main(string[] args)
    {
        if (args is ["scenario", ..])
            await Scenario.RunAsync(args.Skip(1).ToArray());
        else if (args is ["compare", ..])
            await Compare.RunAsync(args.Skip(1).ToArray());
        else if (args is ["serve", ..])
            await Serve.RunAsync(args.Skip(1).ToArray());
        else if (args is ["batches", ..])
            await BatchScenario.RunAsync(args.Skip(1).ToArray());
        else
            BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args);
    }
}
