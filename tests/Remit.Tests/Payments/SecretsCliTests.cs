using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Remit.Security;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

/// <summary>`remit secrets rotate` as an operator runs it: the real executable, keys from environment variables.</summary>
public sealed class SecretsCliTests
{
    [Fact]
    public async Task Rotate_moves_every_secret_to_the_active_key_and_the_api_reads_them_after_the_old_key_is_gone()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var bank = await t.AffiliateWithAsync(PaymentsSetup.Bank("5551234567"));
        await t.CommissionAsync(bank, 25m);
        var payout = await t.PayoutAsync(bank);

        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "remit.dll"), "secrets", "rotate", "--json" },
        };
        start.Environment["ConnectionStrings__Remit"] = app.Database.ConnectionString;
        // A command is a short process: the JIT's profile-guided tier only costs it start-up time (test speed only).
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["Remit__Database__Provider"] = TestDatabase.Provider;
        start.Environment[$"Remit__Encryption__Keys__{TestApp.KeyId}"] = TestApp.Key;
        start.Environment["Remit__Encryption__Keys__k2"] = newKey;
        start.Environment["Remit__Encryption__ActiveKeyId"] = "k2";
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        // A hang guard, not a speed check: a command takes seconds, but a loaded 2-core machine once took over a minute.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stdout} {stderr}");
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal(1, result["affiliates"]!.GetValue<int>());
        Assert.Equal(1, result["payouts"]!.GetValue<int>());
        Assert.Equal("k2", result["active_key_id"]!.GetValue<string>());

        // Only the new key is needed now.
        var onlyNew = new SecretBox(new Dictionary<string, byte[]> { ["k2"] = Convert.FromBase64String(newKey) }, "k2");
        await using var db = app.Db(t.ProgramId);
        Assert.Equal("5551234567", onlyNew.Decrypt((await db.Affiliates.SingleAsync(a => a.Id == bank)).Account.Secret!));
        Assert.Equal("5551234567", onlyNew.Decrypt((await db.Payouts.SingleAsync(p => p.Id == payout)).Account.Secret!));
    }
}
