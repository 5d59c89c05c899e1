using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// No TIN, foreign TIN, date of birth or payer EIN in plain text: not in the database (the SQLite file's bytes, or
/// every row PostgreSQL hands out), not in any log line, not in any JSON answer the tests received.
/// </summary>
public sealed class TinSecrecyTests
{
    private const string Ssn = "521-38-4170", Ein = "47-2918365", PayerEin = "61-8273645", ForeignTin = "DE-774411990", Born = "1983-11-27";

    [Fact]
    public async Task No_tin_in_the_database_the_logs_or_any_json_answer()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom");
        var answers = new StringBuilder();
        async Task<string> Keep(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            answers.AppendLine(text);
            return text;
        }

        var ada = await t.AffiliateAsync("Ada Lovelace");
        await Keep(await t.Http.PostAsJsonAsync($"/v1/affiliates/{ada}/tax-forms", TaxSetup.Paper("w9", TaxSetup.W9Fields(Ssn))));
        var acme = await t.AffiliateAsync("Acme LLC");
        await Keep(await t.Http.PostAsJsonAsync($"/v1/affiliates/{acme}/tax-forms", TaxSetup.Paper("w9", TaxSetup.W9Fields(Ein, "Acme LLC", "ein", "partnership"))));
        var hanna = await t.AffiliateAsync("Hanna Schmidt");
        var w8 = TaxSetup.W8BenFields();
        w8["foreign_tin"] = ForeignTin;
        w8["date_of_birth"] = Born;
        w8["us_tin"] = "912-70-5531";
        await Keep(await t.Http.PostAsJsonAsync($"/v1/affiliates/{hanna}/tax-forms", TaxSetup.Paper("w8ben", w8, "Hanna Schmidt")));
        await Keep(await t.Http.PutAsJsonAsync("/v1/settings/tax", new { payer_tin = PayerEin, payer_name = "Acme Affiliates Inc" }));
        // Refusals too: a TIN that breaks a rule is not echoed back.
        await Keep(await t.Http.PostAsJsonAsync($"/v1/affiliates/{ada}/tax-forms", TaxSetup.Paper("w9", TaxSetup.W9Fields("666-38-4170"))));
        foreach (var id in new[] { ada, acme, hanna })
        {
            await Keep(await t.Http.GetAsync($"/v1/affiliates/{id}"));
            await Keep(await t.Http.GetAsync($"/v1/affiliates/{id}/tax-forms"));
        }
        await Keep(await t.Http.GetAsync("/v1/affiliates"));
        await Keep(await t.Http.GetAsync("/v1/settings/tax"));
        await Keep(await t.Http.PostAsync("/v1/tax/tin-matching/results", new StringContent($"2;{Ssn.Replace("-", "", StringComparison.Ordinal)};Ada Lovelace;{ada};3\r\n", Encoding.ASCII, "text/plain")));
        Assert.Contains("•••-••-4170", answers.ToString());
        Assert.Contains("••-•••3645", answers.ToString());

        AssertNoTin(answers.ToString(), "a JSON answer");
        AssertNoTin(string.Join("\n", app.Logs), "the log");
        Assert.Contains(app.Logs, l => l.Contains("Remit.Tax[9001]", StringComparison.Ordinal));
        AssertNoTin(await DatabaseTextAsync(app), "the database");
    }

    private static void AssertNoTin(string text, string where)
    {
        foreach (var secret in new[] { Ssn, Ein, PayerEin, "912-70-5531", ForeignTin, Born })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} holds a TIN or date of birth in plain text");
            var digits = secret.Replace("-", "", StringComparison.Ordinal);
            Assert.False(text.Contains(digits, StringComparison.Ordinal), $"{where} holds a TIN or date of birth (digits) in plain text");
        }
    }

    private static async Task<string> DatabaseTextAsync(TestApp app)
    {
        if (TestDatabase.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(app.Database.ConnectionString);
            await connection.OpenAsync();
            var dump = new StringBuilder();
            foreach (var table in new[] { "tax_forms", "programs", "affiliates", "audit_events" })
            {
                await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) dump.AppendLine(reader.GetString(0));
            }
            Assert.Contains("Springfield", dump.ToString()); // the dump is real: the forms' other lines are there
            return dump.ToString();
        }
        var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
        await using (var connection = new SqliteConnection(app.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var checkpoint = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE);", connection);
            await checkpoint.ExecuteNonQueryAsync();
        }
        var bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
        Assert.Contains("Springfield", bytes);
        return bytes;
    }
}
