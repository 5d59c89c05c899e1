using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Dashboard;

/// <summary>
/// Dashboard sign-in as an attacker meets it: one answer whatever the account, a lock-out that racing guesses cannot
/// outrun, a limit per client address, and sessions that end on the server (sign-out, absolute lifetime).
/// </summary>
public sealed partial class SignInTests
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<p class=\"flash error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex Alert();

    private static HttpClient Browser(WebApplicationFactory<Program> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> AntiforgeryAsync(HttpClient http, string path) =>
        AntiforgeryField().Match(await http.GetStringAsync(path)).Groups[1].Value;

    private static FormUrlEncodedContent Form(string email, string password, string antiforgery) => new(new Dictionary<string, string>
    {
        ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = antiforgery,
    });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string email, string password) =>
        await http.PostAsync("/sign-in", Form(email, password, await AntiforgeryAsync(http, "/sign-in")));

    /// <summary>What a refused sign-in tells the person: its status and the message on the page.</summary>
    private static async Task<(HttpStatusCode Status, string Message)> RefusalAsync(HttpResponseMessage response) =>
        (response.StatusCode, WebUtility.HtmlDecode(Alert().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value));

    private static async Task<string> UserAsync(TestApp app, long programId)
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using var db = app.Db();
        await ProgramAdmin.CreateUserAsync(db, programId, email, Password, UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        return email;
    }

    [Fact]
    public async Task A_locked_account_answers_exactly_as_an_unknown_email_does()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:RateLimit:SignInPermitsPerMinute"] = "100");
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);

        var unknown = await RefusalAsync(await SignInAsync(http, "nobody@example.com", "wrong password"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Contains("not right", unknown.Message);
        for (var i = 1; i <= 5; i++)
            Assert.Equal(unknown, await RefusalAsync(await SignInAsync(http, email, "wrong password " + i)));

        // Locked now: the right password, a wrong one and an unknown email all get the same answer.
        Assert.Equal(unknown, await RefusalAsync(await SignInAsync(http, email, Password)));
        Assert.Equal(unknown, await RefusalAsync(await SignInAsync(http, email, "wrong password 6")));
        for (var i = 1; i <= 6; i++)
            Assert.Equal(unknown, await RefusalAsync(await SignInAsync(http, "nobody@example.com", "wrong password " + i)));

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, email, Password)).StatusCode);
    }

    /// <summary>
    /// Judges passwords as the real hasher does, counts those judged against the watched user's hash, and holds each
    /// failed one until released: the window in which a check-then-act lock-out lets other guesses through.
    /// </summary>
    private sealed class HoldingHasher(string email) : IPasswordHasher<DashboardUser>
    {
        private readonly PasswordHasher<DashboardUser> _real = new();
        private int _judged;
        public int Judged => Volatile.Read(ref _judged);
        public SemaphoreSlim Held { get; } = new(0);
        public ManualResetEventSlim Release { get; } = new();

        public string HashPassword(DashboardUser user, string password) => _real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(DashboardUser user, string hashedPassword, string providedPassword)
        {
            var result = _real.VerifyHashedPassword(user, hashedPassword, providedPassword);
            if (user.Email != email) return result;
            Interlocked.Increment(ref _judged);
            if (result == PasswordVerificationResult.Failed)
            {
                Held.Release();
                Release.Wait(TimeSpan.FromSeconds(60));
            }
            return result;
        }
    }

    [Fact]
    public async Task Forty_parallel_guesses_get_exactly_five_judged_and_the_right_password_behind_them_is_refused()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:RateLimit:SignInPermitsPerMinute"] = "1000");
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var hasher = new HoldingHasher(email);
        var site = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<DashboardUser>>(hasher)));
        // Held guesses block their threads; enough threads keep the other requests moving meanwhile.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);

        var guessers = new List<(HttpClient Http, string Antiforgery)>();
        for (var i = 0; i < 40; i++)
        {
            var http = Browser(site);
            guessers.Add((http, await AntiforgeryAsync(http, "/sign-in")));
        }
        var owner = Browser(site);
        var ownerForm = Form(email, Password, await AntiforgeryAsync(owner, "/sign-in"));

        using var go = new ManualResetEventSlim();
        var guesses = guessers.Select((g, i) => Task.Run(async () =>
        {
            go.Wait();
            return await g.Http.PostAsync("/sign-in", Form(email, $"guess {i}", g.Antiforgery));
        })).ToList();
        go.Set();
        try
        {
            // Five wrong guesses are being judged (and held there) before the owner signs in.
            for (var i = 0; i < 5; i++) Assert.True(await hasher.Held.WaitAsync(TimeSpan.FromSeconds(60)), "fewer than five guesses were judged");
            var ownerAnswer = await RefusalAsync(await owner.PostAsync("/sign-in", ownerForm));
            Assert.Equal(HttpStatusCode.Unauthorized, ownerAnswer.Status);
            Assert.Contains("not right", ownerAnswer.Message);
        }
        finally
        {
            hasher.Release.Set();
        }
        var answers = await Task.WhenAll(guesses);

        Assert.Equal(5, hasher.Judged);
        foreach (var answer in answers) Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        // The lock holds afterwards: the owner waits out the 15 minutes like anyone.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(owner, email, Password)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(owner, email, Password)).StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address_whichever_accounts_they_name()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);

        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(http, $"someone{i}@example.com", "guess")).StatusCode);
        var limited = await SignInAsync(http, email, Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds is > 0 and <= 60);
        Assert.Contains("Too many sign-in attempts", (await RefusalAsync(limited)).Message);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, email, Password)).StatusCode);
    }

    /// <summary>Signs in with cookies handled by hand, so the session cookie can be copied; returns the "Cookie" header.</summary>
    private static async Task<string> SignInByHandAsync(TestApp app, string email)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await http.GetAsync("/sign-in");
        var antiforgeryCookie = Cookies(page);
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/sign-in") { Content = Form(email, Password, token) };
        post.Headers.Add("Cookie", antiforgeryCookie);
        var signedIn = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Cookies(signedIn);
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

    private static async Task<HttpStatusCode> GetWithCookieAsync(TestApp app, string path, string cookie)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return (await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task A_cookie_copied_before_signing_out_is_refused_afterwards()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var copy = await SignInByHandAsync(app, email);
        Assert.Equal(HttpStatusCode.OK, await GetWithCookieAsync(app, "/payouts", copy));

        var browser = Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, email, Password)).StatusCode);
        var other = await SignInByHandAsync(app, email);
        // The copied session signs out (the browser's is another session of the same user and stays).
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var page = new HttpRequestMessage(HttpMethod.Get, "/payouts");
        page.Headers.Add("Cookie", copy);
        var pageAnswer = await http.SendAsync(page);
        var token = AntiforgeryField().Match(await pageAnswer.Content.ReadAsStringAsync()).Groups[1].Value;
        var cookies = copy + "; " + Cookies(pageAnswer);
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/sign-out")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        signOut.Headers.Add("Cookie", cookies);
        Assert.Equal("/sign-in", (await http.SendAsync(signOut)).Headers.Location!.OriginalString);

        var refused = await GetWithCookieAsync(app, "/payouts", copy);
        Assert.Equal(HttpStatusCode.Redirect, refused);
        Assert.Equal(HttpStatusCode.OK, await GetWithCookieAsync(app, "/payouts", other));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/payouts")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_active()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, email, Password)).StatusCode);

        // Active every few hours, well inside the 8-hour idle limit, the session still ends 12 hours after signing in.
        foreach (var hours in new[] { 5.0, 5.0, 1.9 })
        {
            app.Clock.Advance(TimeSpan.FromHours(hours));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/payouts")).StatusCode);
        }
        app.Clock.Advance(TimeSpan.FromHours(0.2));
        var expired = await http.GetAsync("/payouts");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.Equal("/sign-in", expired.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task The_session_lifetime_comes_from_the_configuration()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:Dashboard:SessionLifetime"] = "01:00:00");
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var http = Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, email, Password)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/payouts")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/payouts")).StatusCode);
    }

    private sealed class Collector : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose()
        {
        }

        private sealed class Logger(Collector collector, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                collector.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                    foreach (var (key, value) in values) collector.Lines.Enqueue($"{key}={value}");
            }
        }
    }

    [Fact]
    public async Task Neither_passwords_nor_session_cookies_reach_the_log()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var email = await UserAsync(app, t.ProgramId);
        var log = new Collector();
        var site = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Trace)));
        var http = Browser(site);

        const string wrong = "Tr0ub4dor&3-wrong";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(http, email, wrong)).StatusCode);
        var raw = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await raw.GetAsync("/sign-in");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
        {
            Content = Form(email, Password, AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value),
        };
        post.Headers.Add("Cookie", Cookies(page));
        var signedIn = await raw.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("remit_session=", StringComparison.Ordinal));
        using var use = new HttpRequestMessage(HttpMethod.Get, "/payouts");
        use.Headers.Add("Cookie", session);
        Assert.Equal(HttpStatusCode.OK, (await raw.SendAsync(use)).StatusCode);

        Assert.NotEmpty(log.Lines);
        var text = string.Join('\n', log.Lines);
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(wrong, text);
        Assert.DoesNotContain(session["remit_session=".Length..], text);
    }
}
