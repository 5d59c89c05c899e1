using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Remit.Security;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>Bank account numbers, wallet addresses and PayPal secrets never reach the database in the clear.</summary>
public sealed class EncryptionTests
{
    private const string Account = "73920518264";
    private const string PayPalSecret = "EJ-secret-7f3a9c1d2e";

    [Fact]
    public async Task The_database_holds_no_account_number_address_or_paypal_secret_in_the_clear()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var bank = await t.AffiliateWithAsync(PaymentsSetup.Bank(Account));
        await t.CommissionAsync(bank, 25m);
        await t.PayoutAsync(bank);
        await t.AffiliateWithAsync(PaymentsSetup.Crypto());
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { client_id = "client-1", client_secret = PayPalSecret }), 200);
        Assert.DoesNotContain(PayPalSecret, await t.Http.GetStringAsync("/v1/settings/paypal"));

        if (TestDatabase.IsPostgres)
        {
            // Every column of every row, as PostgreSQL hands it out.
            await using var connection = new NpgsqlConnection(app.Database.ConnectionString);
            await connection.OpenAsync();
            var dump = new StringBuilder();
            foreach (var table in new[] { "affiliates", "payouts", "programs", "audit_events" })
            {
                await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) dump.AppendLine(reader.GetString(0));
            }
            await using (var raw = new NpgsqlCommand("SELECT account_secret FROM affiliates WHERE account_secret IS NOT NULL", connection))
            await using (var reader = await raw.ExecuteReaderAsync())
                while (await reader.ReadAsync()) Assert.StartsWith($"v1:{TestApp.KeyId}:", reader.GetString(0));
            AssertNoSecrets(dump.ToString());
            Assert.Contains($"v1:{TestApp.KeyId}:", dump.ToString());
        }
        else
        {
            // The file's bytes, after folding the write-ahead log into it, as anyone who copies the file would read them.
            var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
            await using (var connection = new SqliteConnection(app.Database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var checkpoint = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE);", connection);
                await checkpoint.ExecuteNonQueryAsync();
            }
            var bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            AssertNoSecrets(bytes);
            Assert.Contains($"v1:{TestApp.KeyId}:", bytes);
        }
    }

    private static void AssertNoSecrets(string raw)
    {
        Assert.DoesNotContain(Account, raw);
        Assert.DoesNotContain(PaymentsSetup.EvmAddress, raw);
        Assert.DoesNotContain(PaymentsSetup.EvmAddress.ToLowerInvariant(), raw);
        Assert.DoesNotContain(PayPalSecret, raw);
    }

    [Fact]
    public void After_a_rotation_old_ciphertexts_still_open_and_new_ones_use_the_active_key()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var before = new SecretBox(new Dictionary<string, byte[]> { ["k1"] = oldKey }, "k1");
        var sealedOld = before.Encrypt(Account);
        Assert.StartsWith("v1:k1:", sealedOld);

        var after = new SecretBox(new Dictionary<string, byte[]> { ["k1"] = oldKey, ["k2"] = newKey }, "k2");
        Assert.Equal(Account, after.Decrypt(sealedOld));
        Assert.StartsWith("v1:k2:", after.Encrypt(Account));
        Assert.NotEqual(after.Encrypt(Account), after.Encrypt(Account)); // a fresh nonce each time

        var withoutOld = new SecretBox(new Dictionary<string, byte[]> { ["k2"] = newKey }, "k2");
        Assert.Contains("k1", Assert.ThrowsAny<CryptographicException>(() => withoutOld.Decrypt(sealedOld)).Message);
    }

    [Fact]
    public void A_tampered_or_relabelled_ciphertext_does_not_open()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var box = new SecretBox(new Dictionary<string, byte[]> { ["a"] = key, ["b"] = key }, "a");
        var sealedText = box.Encrypt(Account);
        var blob = Convert.FromBase64String(sealedText["v1:a:".Length..]);
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => box.Decrypt("v1:a:" + Convert.ToBase64String(blob)));
        // Same key bytes under another id: the key id is authenticated, so the label cannot be swapped.
        Assert.ThrowsAny<CryptographicException>(() => box.Decrypt("v1:b:" + sealedText["v1:a:".Length..]));
    }

    [Fact]
    public async Task Rotate_re_encrypts_every_secret_under_the_active_key_and_the_api_still_reads_them()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var bank = await t.AffiliateWithAsync(PaymentsSetup.Bank(Account));
        await t.CommissionAsync(bank, 25m);
        var payout = await t.PayoutAsync(bank);
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { client_id = "c", client_secret = PayPalSecret }), 200);

        var rotated = new SecretBox(new Dictionary<string, byte[]>
        {
            [TestApp.KeyId] = Convert.FromBase64String(TestApp.Key), ["test-2"] = RandomNumberGenerator.GetBytes(32),
        }, "test-2");
        await using (var db = app.Db())
        {
            var result = await SecretRotation.RotateAsync(db, rotated);
            Assert.Equal(new SecretRotation.Result(1, 1, 1, 0), result);
            Assert.Equal(new SecretRotation.Result(0, 0, 0, 0), await SecretRotation.RotateAsync(db, rotated));
        }
        await using var check = app.Db(t.ProgramId);
        var stored = await check.Payouts.SingleAsync(p => p.Id == payout);
        Assert.StartsWith("v1:test-2:", stored.Account.Secret);
        Assert.Equal(Account, rotated.Decrypt(stored.Account.Secret!));
        var program = await check.Programs.SingleAsync(p => p.Id == t.ProgramId);
        Assert.Equal(PayPalSecret, rotated.Decrypt(program.PayPal.ClientSecret!));
    }

    [Fact]
    public void Without_configured_keys_a_development_key_file_is_made_once_and_reused()
    {
        var folder = Path.Combine(Path.GetTempPath(), "remit-key-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "encryption-keys.json");
        try
        {
            var empty = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
            var said = new List<string>();
            var first = SecretBox.FromConfiguration(empty, file, mayGenerate: true, said.Add);
            var second = SecretBox.FromConfiguration(empty, file, mayGenerate: true, said.Add);
            Assert.Equal(Account, second.Decrypt(first.Encrypt(Account)));
            Assert.Single(said);
            Assert.Contains(file, said[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
