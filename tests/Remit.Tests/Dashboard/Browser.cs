using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Remit.Api;
using Remit.Demo;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Dashboard;

/// <summary>
/// One headless Chromium (Debian's, not Playwright's download) per test class. If it cannot start, every test of
/// the class fails: browser tests are never skipped.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The browser test classes' xunit collection: one runs at a time, so a loaded machine never has two
    /// Chromium sessions and their sites starting at once (a sign-in once timed out that way).</summary>
    public const string Collection = "Browser";

    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("REMIT_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}

/// <summary>
/// Remit on a real socket over a fresh database holding the demo program (the seed's numbers: 5 pending payouts
/// of 1250.00, 3400.00 completed this month, 1 failed, requests 10 and 11 pending), and a fresh browser context.
/// </summary>
public sealed class Site : IAsyncDisposable
{
    public static readonly (int Width, int Height) Laptop = (1366, 768), Phone = (390, 844);

    public required TestApp App { get; init; }
    public required DemoLogin Demo { get; init; }
    public required string BaseUrl { get; init; }
    public required IBrowserContext Context { get; init; }
    public required IPage Page { get; init; }

    /// <summary>An API client with the demo program's all-scopes token, to check what the dashboard did.</summary>
    public HttpClient Api { get; private init; } = null!;

    public static async Task<Site> StartAsync(BrowserFixture browser, (int Width, int Height)? viewport = null, bool javaScript = true,
        Action<TestApp>? configure = null)
    {
        var app = await TestApp.StartAsync(configure);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        DemoLogin demo;
        await using (var db = app.Db())
            demo = TestLog.Demo(await DemoSeed.SeedIfEmptyAsync(db, app.Secrets, app.Clock.GetUtcNow().UtcDateTime))!;
        var size = viewport ?? Laptop;
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address, ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
            AcceptDownloads = true, JavaScriptEnabled = javaScript, Locale = "en-US",
        });
        // Generous: on a 2-core machine running the whole suite in parallel a navigation can take seconds; a hang still fails.
        context.SetDefaultTimeout(30_000);
        // A site's first page after sign-in starts its whole pipeline: under the full suite that once passed 30 s.
        context.SetDefaultNavigationTimeout(60_000);
        var api = OpenApiContractHandler.Client(address);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);
        return new Site { App = app, Demo = demo, BaseUrl = address, Context = context, Page = await context.NewPageAsync(), Api = api };
    }

    public Task SignInAsync() => SignInAsync(Demo.Email, Demo.Password);

    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/sign-in");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Signed in once the redirect to the payouts page commits and its sidebar shows: the page's load event was
        // seen never to fire under the full suite (network idle, yet no "load"), which failed sign-in, not the test.
        await Page.WaitForURLAsync("**/payouts", new() { WaitUntil = WaitUntilState.Commit });
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Sidebar" }).WaitForAsync();
    }

    /// <summary>Another dashboard user of the demo program.</summary>
    public async Task<(string Email, string Password)> UserAsync(string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@demo.remit.test";
        const string password = "correct horse battery";
        await using var db = App.Db();
        await ProgramAdmin.CreateUserAsync(db, Demo.ProgramId, email, password, role, App.Clock.GetUtcNow().UtcDateTime);
        return (email, password);
    }

    public async Task<string> TokenAsync(params string[] scopes) => await App.TokenAsync(Demo.ProgramId, scopes.Length == 0 ? Scopes.All : scopes);

    /// <summary>Writes a full-page screenshot to test-output/screenshots/ at the repository root.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var dir = Path.Combine(RepoRoot(), "test-output", "screenshots");
        Directory.CreateDirectory(dir);
        var size = Page.ViewportSize!;
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"{name}-{size.Width}x{size.Height}.png"), FullPage = true });
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Remit.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Remit.slnx not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        Api.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(BrowserFixture.Collection)]
public sealed class BrowserCollection;
