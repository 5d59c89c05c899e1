using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Remit.Security;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;
using Remit.Tests.Payments.PayPal;

namespace Remit.Tests.Logging;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// What an operator reads in the log: each money-moving step and each failure outside, with ids, and never a secret.
/// (scripts/test.sh also greps the whole run's log for every secret the tests used: see LogSecretsCheckTests.)
/// </summary>
public sealed class LogTests
{
    private const string Account = "000987654321";

    private static void AssertLogged(TestApp app, string text) =>
        Assert.True(app.Logs.Any(line => line.Contains(text, StringComparison.Ordinal)), $"No log line contains \"{text}\". The log:\n{string.Join('\n', app.Logs)}");

    private static void AssertNotLogged(TestApp app, string secret, string kind) =>
        Assert.False(app.Logs.Any(line => line.Contains(secret, StringComparison.Ordinal)), $"The log holds the {kind}.");

    [Fact]
    public async Task Money_moving_steps_are_logged_with_ids_and_amounts_and_no_account_number_or_token()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        await t.SetAchAsync();
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank(Account));
        var commission = await t.CommissionAsync(affiliate, 120.50m);
        var payout = await t.PayoutAsync(affiliate);
        var batch = (await t.BatchAsync("bank", [payout])).Id();
        var file = await t.Http.GetAsync($"/v1/payout-batches/{batch}/file");
        Assert.Contains(Account, await file.Content.ReadAsStringAsync());
        await t.PostAsync($"/v1/payout-batches/{batch}/complete", new { reference = "ACH-1" });
        await t.PostAsync($"/v1/payouts/{payout}/return", new { code = "R01", date = "2026-03-14" });

        AssertLogged(app, $"Payout details of affiliate {affiliate} in program {t.ProgramId} set: method bank");
        AssertLogged(app, $"Commission {commission} created in program {t.ProgramId} for affiliate {affiliate}: 120.50 USD");
        AssertLogged(app, $"Payout {payout} created in program {t.ProgramId} for affiliate {affiliate}: 120.50 USD by bank, source manual");
        AssertLogged(app, $"Batch {batch} created in program {t.ProgramId}: bank, 1 payouts, 120.50 USD");
        AssertLogged(app, $"Batch {batch} file remit-{batch}.ach downloaded in program {t.ProgramId} by token");
        Assert.Contains(app.Logs, line => line.Contains($"1 payouts of program {t.ProgramId} moved processing -> completed with batch {batch} by token ", StringComparison.Ordinal)
            && line.EndsWith($": {payout}", StringComparison.Ordinal));
        AssertLogged(app, $"Batch {batch} of program {t.ProgramId} marked completed: 1 processing payouts completed, batch now completed");
        AssertLogged(app, $"Payout {payout} in program {t.ProgramId} returned (R01): 120.50 USD owed again");
        AssertNotLogged(app, Account, "account number");
        AssertNotLogged(app, t.Token, "API token");
    }

    [Fact]
    public async Task PayPal_refusals_and_rejected_webhooks_are_logged_without_the_client_secret_or_access_token()
    {
        await using var paypal = await FakePayPal.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:PayPal:SandboxBaseUrl"] = paypal.BaseUrl.ToString());
        var t = await app.NewProgramAsync("basic");
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new
        {
            client_id = paypal.ClientId, client_secret = paypal.ClientSecret, environment = "sandbox", webhook_id = paypal.WebhookId,
        }), 200);
        var (_, payout) = await t.PendingPayoutAsync(25m);
        var batch = (await t.BatchAsync("paypal", [payout])).Id();

        // A refusal (a 4xx is final: no retry, no waiting): nothing sent, and the operator sees which batch and why.
        paypal.FailNext(1, 422, "/v1/payments/payouts");
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/payout-batches/{batch}/send", null), 502, "PAYMENT_PROVIDER_ERROR");
        AssertLogged(app, $"PayPal did not take batch {batch} of program {t.ProgramId} (HTTP 422)");

        await t.PostAsync($"/v1/payout-batches/{batch}/send");
        var sent = app.Logs.Single(line => line.Contains($"Batch {batch} of program {t.ProgramId} sent to PayPal as payout_batch_id", StringComparison.Ordinal));
        Assert.Contains("1 items", sent);

        var item = paypal.PayoutItemIdOf(payout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var webhook = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/paypal")
        {
            Content = new StringContent(paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED"), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in paypal.WebhookHeaders("forged-signature")) webhook.Headers.TryAddWithoutValidation(name, value);
        await Api.ErrorAsync(await app.ClientWith(null).SendAsync(webhook), 401, "UNAUTHORIZED");
        AssertLogged(app, "PayPal webhook rejected: PayPal did not verify the signature");
        Assert.Contains(app.Logs, line => line.Contains("Warning Remit.Batches[2104]", StringComparison.Ordinal));

        AssertNotLogged(app, paypal.ClientSecret, "PayPal client secret");
        AssertNotLogged(app, t.Token, "API token");
        foreach (var token in paypal.Requests.Select(r => r.Headers.GetValueOrDefault("Authorization")).OfType<string>().Where(h => h.StartsWith("Bearer ", StringComparison.Ordinal)))
            AssertNotLogged(app, token[7..], "PayPal access token");
    }

    [Fact]
    public void A_secret_under_a_key_not_configured_is_logged_by_key_id_and_setting_never_the_secret()
    {
        var lines = new ConcurrentQueue<string>();
        using var logs = LoggerFactory.Create(b => b.AddProvider(new TestLogProvider(lines)));
        var old = new SecretBox(new Dictionary<string, byte[]> { ["old-key"] = RandomNumberGenerator.GetBytes(32) }, "old-key");
        var ciphertext = old.Encrypt("9876543210123");
        var withoutOld = new SecretBox(new Dictionary<string, byte[]> { ["new-key"] = RandomNumberGenerator.GetBytes(32) }, "new-key", logs.CreateLogger<SecretBox>());

        Assert.Throws<CryptographicException>(() => withoutOld.Decrypt(ciphertext));
        var line = Assert.Single(lines);
        Assert.Contains("Error Remit.Security.SecretBox[7001]: A secret needs encryption key old-key, which is not configured (Remit:Encryption:Keys:old-key)", line);
        Assert.DoesNotContain("9876543210123", line);
    }
}

/// <summary>scripts/log-secrets.sh, which scripts/test.sh runs over each provider's whole log, can fail.</summary>
public sealed class LogSecretsCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("remit-log-check-").FullName;
    private const string Token = "remit_test_token_4f9a8c7e";
    private const string Clean = "2026-03-15T12:00:00Z Information Remit.Payouts[1001]: Payout 7 created\n2026-03-15T12:00:00Z Information Remit.Batches[2001]: Batch 3 created\n";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int ExitCode, string Output)> CheckAsync(string log)
    {
        var logPath = Path.Combine(_dir, "app.log");
        var secretsPath = Path.Combine(_dir, "secrets.tsv");
        await File.WriteAllTextAsync(logPath, log);
        await File.WriteAllTextAsync(secretsPath, $"API token\t{Token}\naccount number\t000123456789\n");
        var start = new ProcessStartInfo("bash", [Path.Combine(Remit.Tests.Dashboard.Site.RepoRoot(), "scripts", "log-secrets.sh"), logPath, secretsPath])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task A_clean_log_passes()
    {
        var (code, output) = await CheckAsync(Clean);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task A_log_holding_a_secret_fails_naming_its_kind_never_its_value()
    {
        var (code, output) = await CheckAsync(Clean + $"2026-03-15T12:00:01Z Debug Remit.Payouts[1002]: oops {Token}\n");
        Assert.Equal(1, code);
        Assert.Contains("API token (1)", output);
        Assert.DoesNotContain(Token, output);
        Assert.DoesNotContain("account number", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-03-15T12:00:00Z Information Microsoft.Hosting.Lifetime[0]: Application started\n")]
    public async Task A_log_without_money_moving_lines_fails_so_the_check_cannot_pass_on_nothing(string log)
    {
        var (code, output) = await CheckAsync(log);
        Assert.True(code == 2, output);
    }
}
