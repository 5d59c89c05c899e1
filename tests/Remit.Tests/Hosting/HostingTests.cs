using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;

namespace Remit.Tests.Hosting;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>What an operator relies on, in process: headers on every answer, production defaults, health, proxies, telemetry.</summary>
public sealed partial class HostingTests
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static void AssertNotSniffedNorStored(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff",
            $"{what} ({(int)response.StatusCode}) has no X-Content-Type-Options: nosniff");
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what} ({(int)response.StatusCode}) has no Cache-Control: no-store");
    }

    [Fact]
    public async Task Every_kind_of_answer_is_neither_sniffed_nor_stored()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var payout = await t.MethodPayoutAsync(null);
        var batch = (await t.BatchAsync("paypal", [payout])).Id();
        var anonymous = app.ClientWith(null);

        var samples = new (string What, HttpClient Http, string Url, int Status)[]
        {
            ("API answer", t.Http, "/v1/payouts", 200),
            ("API answer under /api", t.Http, "/api//v1/payouts/stats", 200),
            ("API 401", anonymous, "/v1/payouts", 401),
            ("API 404", t.Http, "/v1/nope", 404),
            ("API 422", t.Http, "/v1/payouts?created_from=yesterday", 422),
            ("CSV export", t.Http, "/v1/payouts/export", 200),
            ("PDF statement", t.Http, $"/v1/payouts/{payout}/statement", 200),
            ("batch file (PayPal upload CSV)", t.Http, $"/v1/payout-batches/{batch}/file", 200),
            ("API reference", anonymous, "/docs/index.html", 200),
            ("OpenAPI document", anonymous, "/openapi/v1.json", 200),
            ("dashboard sign-in page", anonymous, "/sign-in", 200),
            ("dashboard 404 page", anonymous, "/nope", 404),
            ("dashboard redirect", anonymous, "/payouts", 302),
            ("stylesheet", anonymous, "/dashboard.css", 200),
            ("liveness", anonymous, "/healthz", 200),
        };
        foreach (var (what, http, url, status) in samples)
        {
            using var response = await http.GetAsync(url);
            Assert.True((int)response.StatusCode == status, $"{what}: {url} answered {(int)response.StatusCode}, expected {status}");
            AssertNotSniffedNorStored(response, what + " " + url);
        }
    }

    private static string? SetCookie(HttpResponseMessage response, string prefix) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal)) : null;

    /// <summary>Signs in by hand (no cookie container: it would not send a Secure cookie back over http).</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string email)
    {
        var page = await http.GetAsync("/sign-in");
        var antiforgery = SetCookie(page, ".AspNetCore.Antiforgery")!;
        var form = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = Password,
                ["__RequestVerificationToken"] = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value,
            }),
        };
        form.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        return await http.SendAsync(form);
    }

    [Fact]
    public async Task Production_cookies_are_secure_even_over_http_and_https_answers_carry_hsts()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["environment"] = "Production");
        var t = await app.NewProgramAsync();
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, t.ProgramId, email, Password, UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var signIn = await SignInAsync(http, email);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = SetCookie(signIn, "remit_session=");
        Assert.NotNull(session);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);

        var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://remit.example.com"), AllowAutoRedirect = false });
        var hsts = await https.GetAsync("/sign-in");
        Assert.Contains("secure", SetCookie(hsts, ".AspNetCore.Antiforgery") ?? "no anti-forgery cookie", StringComparison.OrdinalIgnoreCase);
        Assert.True(hsts.Headers.TryGetValues("Strict-Transport-Security", out var values), "no HSTS header over https in Production");
        Assert.Contains("max-age=", values.Single());
    }

    [Fact]
    public async Task Development_keeps_cookies_to_the_request_scheme_and_sends_no_hsts()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, (await app.NewProgramAsync()).ProgramId, email, Password, UserRoles.Admin, app.Clock.GetUtcNow().UtcDateTime);
        var session = SetCookie(await SignInAsync(http, email), "remit_session=");
        Assert.NotNull(session);
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase);
        var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://remit.example.com"), AllowAutoRedirect = false });
        Assert.False((await https.GetAsync("/sign-in")).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Readyz_says_whether_every_migration_is_applied_while_healthz_only_says_the_process_answers()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        // The schema behind the code (a deploy whose `remit migrate` has not run yet): not ready, but alive.
        await using (var db = app.Db())
        {
            var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetDeleteScript(last));
        }
        var notReady = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Unhealthy", await notReady.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>Remit on a real socket (the forwarded-headers middleware judges the connection's address).</summary>
    private static async Task<(TestApp App, HttpClient Http)> BehindProxyAsync(string knownProxies)
    {
        var app = await TestApp.StartAsync(a =>
        {
            a.Settings["Remit:RateLimit:AnonymousPermitsPerMinute"] = "2";
            a.Settings["Remit:ForwardedHeaders:KnownProxies"] = knownProxies;
        });
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private static async Task<HttpResponseMessage> FromAsync(HttpClient http, string url, string clientAddress, string? proto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", clientAddress);
        if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_configured_proxy_names_the_client_for_the_anonymous_rate_limit_and_the_scheme_for_cookies()
    {
        var (app, http) = await BehindProxyAsync("10.0.0.9, 127.0.0.1");
        await using var _ = app;
        using var __ = http;
        Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(http, "/v1/payouts", "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(http, "/v1/payouts", "203.0.113.1")).StatusCode);
        await Api.ErrorAsync(await FromAsync(http, "/v1/payouts", "203.0.113.1"), 429, "RATE_LIMITED");
        // Another client behind the same proxy has its own allowance.
        Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(http, "/v1/payouts", "203.0.113.2")).StatusCode);

        var page = await FromAsync(http, "/sign-in", "203.0.113.3", proto: "https");
        Assert.Contains("secure", SetCookie(page, ".AspNetCore.Antiforgery") ?? "no anti-forgery cookie", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_else_are_ignored()
    {
        // Loopback is not trusted by default either: only the configured proxy is.
        var (app, http) = await BehindProxyAsync("10.0.0.9");
        await using var _ = app;
        using var __ = http;
        Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(http, "/v1/payouts", "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await FromAsync(http, "/v1/payouts", "203.0.113.2")).StatusCode);
        await Api.ErrorAsync(await FromAsync(http, "/v1/payouts", "203.0.113.3"), 429, "RATE_LIMITED");

        var page = await FromAsync(http, "/sign-in", "203.0.113.4", proto: "https");
        var antiforgery = SetCookie(page, ".AspNetCore.Antiforgery");
        Assert.NotNull(antiforgery);
        Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_is_collected()
    {
        await using var app = await TestApp.StartAsync();
        app.CreateClient();
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_traces_and_metrics_are_exported_to_it()
    {
        using var collector = new OtlpCollector();
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint;
            a.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        });
        var t = await app.NewProgramAsync();
        await t.GetAsync("/v1/payouts/stats");

        // The request's span ends just after its answer reaches the client: flush until it has been sent.
        var traces = await collector.ReceivedAsync("/v1/traces", "/v1/payouts/stats", () => app.Services.GetRequiredService<TracerProvider>().ForceFlush(5_000));
        Assert.Contains("remit", traces);
        await collector.ReceivedAsync("/v1/metrics", "http.server.request.duration", () => app.Services.GetRequiredService<MeterProvider>().ForceFlush(5_000));
    }

    /// <summary>An OTLP/HTTP receiver that keeps what was posted to each path (protobuf: strings show as UTF-8).</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, byte[] Body)> _received = [];
        private readonly Task _loop;

        public string Endpoint { get; }

        public OtlpCollector()
        {
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_received) _received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        /// <summary>What was posted to <paramref name="path"/>, once it holds <paramref name="expected"/>; flushes meanwhile.</summary>
        public async Task<string> ReceivedAsync(string path, string expected, Func<bool> flush)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                flush();
                string text;
                lock (_received) text = string.Join("\n", _received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));
                if (text.Contains(expected, StringComparison.Ordinal)) return text;
                await Task.Delay(250);
            }
            lock (_received)
                throw new Xunit.Sdk.XunitException($"nothing with '{expected}' was posted to {path}; got {string.Join(", ", _received.Select(r => r.Path))}");
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
