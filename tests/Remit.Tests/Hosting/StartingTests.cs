using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Remit.Data;
using Remit.Tests.Dashboard;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Hosting;

/// <summary>Environment variables for a Remit process: the test key ring, and the test's database on PostgreSQL.</summary>
internal static class Operator
{
    public const int MaxFirstStartLines = 30;

    public static Dictionary<string, string> Environment(TestDatabase? postgres, bool keys = true)
    {
        var env = new Dictionary<string, string> { ["Remit__Database__Provider"] = TestDatabase.Provider };
        // SQLite keeps the default connection string: remit.db in the folder Remit is started from.
        if (postgres is not null) env["ConnectionStrings__Remit"] = postgres.ConnectionString;
        if (keys) env[$"Remit__Encryption__Keys__{TestApp.KeyId}"] = TestApp.Key;
        return env;
    }

    /// <summary>The database the process used: its PostgreSQL one, or the remit.db in the folder it started in.</summary>
    public static RemitDb Open(TestDatabase? postgres, string folder)
    {
        if (postgres is not null) return postgres.Open();
        var o = new DbContextOptionsBuilder<SqliteRemitDb>();
        Database.ConfigureSqlite(o, $"Data Source={Path.Combine(folder, "remit.db")};Pooling=False");
        return new SqliteRemitDb(o.Options);
    }

    public static string RemitDll => Path.Combine(AppContext.BaseDirectory, "remit.dll");

    public static void Remove(string folder)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    public static void AssertShortFirstStart(RemitProcess remit) =>
        Assert.True(remit.Lines.Count <= MaxFirstStartLines,
            $"the first start printed {remit.Lines.Count} lines (at most {MaxFirstStartLines}):\n{remit.Output}");
}

/// <summary>Production and Development starts of the built app, from a folder that is neither the repository nor the app's.</summary>
public sealed class StartingTests
{
    [Fact]
    public async Task Production_without_an_encryption_key_refuses_to_start_naming_the_setting()
    {
        var folder = RemitProcess.NewFolder();
        await using var postgres = TestDatabase.IsPostgres ? await TestDatabase.CreateAsync() : null;
        try
        {
            int exit;
            string output;
            await using (var remit = RemitProcess.Start("dotnet", folder, Operator.Environment(postgres, keys: false), Operator.RemitDll, "--urls", "http://127.0.0.1:0"))
            {
                exit = await remit.ExitCodeAsync();
                output = remit.Output;
            }
            Assert.NotEqual(0, exit);
            Assert.Contains("Remit__Encryption__Keys__", output);
            Assert.DoesNotContain("   at ", output); // a message for the operator, not a stack trace
            Assert.False(Directory.Exists(Path.Combine(folder, ".remit")), "Production generated a key of its own");
            Assert.False(File.Exists(Path.Combine(folder, "remit.db")), "it refused, yet made a database first");
        }
        finally
        {
            Operator.Remove(folder);
        }
    }

    [Fact]
    public async Task Production_without_Demo_Seed_seeds_nothing()
    {
        var folder = RemitProcess.NewFolder();
        await using var postgres = TestDatabase.IsPostgres ? await TestDatabase.CreateAsync() : null;
        try
        {
            await using (var remit = RemitProcess.Start("dotnet", folder, Operator.Environment(postgres), Operator.RemitDll, "--urls", "http://127.0.0.1:0"))
            {
                var url = await remit.StartedAsync();
                using var http = new HttpClient { BaseAddress = url };
                Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
                Assert.Contains("Hosting environment: Production", remit.Output);
                Assert.DoesNotContain("Demo program", remit.Output);
            }
            await using var db = Operator.Open(postgres, folder);
            Assert.Equal(0, await db.Programs.CountAsync());
            Assert.Equal(0, await db.Users.IgnoreQueryFilters().CountAsync());
        }
        finally
        {
            Operator.Remove(folder);
        }
    }

    [Fact]
    public async Task Development_started_from_another_folder_keeps_its_data_there_and_finds_its_own_files()
    {
        var folder = RemitProcess.NewFolder();
        try
        {
            // The SQLite default on either provider: where remit.db goes is the question.
            var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Remit__Database__Provider"] = "Sqlite" };
            await using var remit = RemitProcess.Start("dotnet", folder, env, Operator.RemitDll, "--urls", "http://127.0.0.1:0");
            var url = await remit.StartedAsync();

            var database = Path.Combine(folder, "remit.db");
            Assert.True(File.Exists(database), $"no remit.db in the folder it was started from ({folder}):\n{remit.Output}");
            Assert.True(File.Exists(Path.Combine(folder, ".remit", "encryption-keys.json")), "the development key is not beside remit.db");
            Assert.Contains(database, remit.Output);
            Assert.Contains("Dashboard login: admin@", remit.Output);
            Assert.Matches(@"API token: rmt_\S+", remit.Output);
            Operator.AssertShortFirstStart(remit);

            using var http = new HttpClient { BaseAddress = url };
            var css = await http.GetAsync("/dashboard.css");
            Assert.Equal(System.Net.HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            Operator.Remove(folder);
        }
    }
}

/// <summary>The issue's done-when: the published build, started from an unrelated folder, as production runs it.</summary>
[Collection(BrowserFixture.Collection)]
public sealed partial class PublishedBuildTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"Demo program (\d+) created")]
    private static partial Regex DemoCreated();

    [Fact]
    public async Task The_published_build_started_elsewhere_serves_its_stylesheet_health_and_a_short_first_start()
    {
        var published = await PublishedBuild.FolderAsync();
        var remitExe = Path.Combine(published, "remit");
        var folder = RemitProcess.NewFolder();
        await using var postgres = TestDatabase.IsPostgres ? await TestDatabase.CreateAsync() : null;
        try
        {
            var env = Operator.Environment(postgres);
            env["Remit__Demo__Seed"] = "true";
            await using var remit = RemitProcess.Start(remitExe, folder, env, "--urls", "http://127.0.0.1:0");
            var url = await remit.StartedAsync();

            // What it did and where the data is, in a few lines; a production log never holds the demo password or token.
            Operator.AssertShortFirstStart(remit);
            Assert.Contains("Hosting environment: Production", remit.Output);
            Assert.Contains(postgres is null ? Path.Combine(folder, "remit.db") : "PostgreSQL", remit.Output);
            Assert.Contains("remit users create", remit.Output);
            Assert.DoesNotContain("rmt_", remit.Output);
            Assert.DoesNotContain("Dashboard login", remit.Output);
            var programId = DemoCreated().Match(remit.Output).Groups[1].Value;
            Assert.NotEqual("", programId);

            using var http = new HttpClient { BaseAddress = url };
            Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
            Assert.Equal("Healthy", await http.GetStringAsync("/readyz"));

            // The operator makes a user with the published CLI, as the start-up line says.
            const string password = "correct horse battery staple";
            var email = "ops@example.com";
            await using (var cli = RemitProcess.Start(remitExe, folder, env, "users", "create", "--program", programId, "--email", email))
            {
                await cli.WriteInputAsync(password + "\n");
                Assert.True(await cli.ExitCodeAsync() == 0, cli.Output);
            }

            await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = url.ToString(), ViewportSize = new ViewportSize { Width = Site.Phone.Width, Height = Site.Phone.Height },
            });
            context.SetDefaultTimeout(15_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync("/sign-in");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync("**/payouts");

            var rules = await page.EvaluateAsync<int>(
                "() => { const s = [...document.styleSheets].find(s => s.href && s.href.endsWith('/dashboard.css')); return s ? s.cssRules.length : -1; }");
            Assert.True(rules > 0, $"the payouts page has no dashboard.css (rules: {rules})");
            var sideways = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(sideways <= 0, $"the payouts page scrolls {sideways} px sideways on a phone");
        }
        finally
        {
            Operator.Remove(folder);
        }
    }
}
