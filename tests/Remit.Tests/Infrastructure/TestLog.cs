using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Remit.Tests.Infrastructure;

/// <summary>
/// Where a test process writes every app log line and every secret its tests used: one folder per provider run
/// (test-output/&lt;provider&gt;/, or REMIT_TEST_LOG_DIR), app.log and secrets.tsv, started afresh by each test process.
/// scripts/log-secrets.sh then greps the log for every recorded secret.
/// </summary>
public static class TestLog
{
    private static readonly Lazy<StreamWriter> LogFile = new(() => Open("app.log"));
    private static readonly Lazy<StreamWriter> SecretsFile = new(() => Open("secrets.tsv"));
    private static readonly ConcurrentDictionary<string, byte> Recorded = new();
    private static readonly Lock Gate = new();

    /// <summary>Shorter values would match unrelated text (an id, a date) and make the check cry wolf; tests use longer ones.</summary>
    public const int MinSecretLength = 6;

    public static string Directory { get; } = Environment.GetEnvironmentVariable("REMIT_TEST_LOG_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Remit.Tests.Dashboard.Site.RepoRoot(), "test-output", TestDatabase.Provider.ToLowerInvariant());

    public static void Write(string line)
    {
        lock (Gate) LogFile.Value.WriteLine(line);
    }

    /// <summary>Records a secret a test used; the kind (never the value) is what the check names when it leaks.</summary>
    public static void RecordSecret(string kind, string? value)
    {
        if (value is null || value.Length < MinSecretLength || value.Contains('\t') || value.Contains('\n')) return;
        if (!Recorded.TryAdd(value, 0)) return;
        lock (Gate) SecretsFile.Value.WriteLine($"{kind}\t{value}");
    }

    /// <summary>The demo seed's login and token (its bank accounts are fixed; recorded once per process too).</summary>
    public static Remit.Demo.DemoLogin? Demo(Remit.Demo.DemoLogin? demo)
    {
        RecordSecret("password", demo?.Password);
        RecordSecret("API token", demo?.Token);
        RecordSecret("account number", "000123456789");
        RecordSecret("account number", "4455667788");
        return demo;
    }

    private static StreamWriter Open(string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return new StreamWriter(new FileStream(Path.Combine(Directory, name), FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>
    /// Reads each request's secrets as the app receives them, whoever sends them (HTTP client or browser): a bearer
    /// token, and password, client_secret, account_number, tin and wallet address fields of JSON and form bodies.
    /// </summary>
    public sealed class SecretRecording : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                await RecordAsync(context.Request);
                await nextMiddleware(context);
            });
            next(app);
        };

        private static async Task RecordAsync(HttpRequest request)
        {
            var authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) RecordSecret("API token", authorization[7..].Trim());
            if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any()) return;
            var type = request.ContentType ?? "";
            var json = type.Contains("json", StringComparison.OrdinalIgnoreCase);
            var form = type.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
            if (!json && !form) return;
            request.EnableBuffering();
            var text = await new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync();
            request.Body.Position = 0;
            if (form)
                foreach (var (key, values) in QueryHelpers.ParseQuery(text))
                    foreach (var value in values) RecordField(key, value);
            else
            {
                try
                {
                    Walk(JsonNode.Parse(text));
                }
                catch (System.Text.Json.JsonException)
                {
                    // Not JSON after all: the app answers that; there is nothing to record.
                }
            }
        }

        private static void Walk(JsonNode? node)
        {
            if (node is JsonObject obj)
                foreach (var (key, value) in obj)
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text)) RecordField(key, text);
                    else Walk(value);
                }
            else if (node is JsonArray array)
                foreach (var item in array) Walk(item);
        }

        private static void RecordField(string key, string? value)
        {
            var name = new string(key[(key.LastIndexOf('.') + 1)..].Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            var kind = name switch
            {
                _ when name.Contains("password", StringComparison.Ordinal) => "password",
                "clientsecret" => "PayPal client secret",
                "accountnumber" => "account number",
                "tin" or "ustin" or "foreigntin" or "payertin" => "TIN",
                "dateofbirth" => "date of birth",
                "address" or "walletaddress" => "wallet address",
                _ => null,
            };
            if (kind is not null) RecordSecret(kind, value);
            // A TIN is kept as its digits, typed with dashes or not: a log line could hold either form.
            if (kind == "TIN") RecordSecret(kind, Remit.Tax.Tin.Digits(value));
        }
    }
}

/// <summary>Every log line of one app, to the process's app.log and to the app's own list (for tests that read their logs).</summary>
public sealed class TestLogProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} {logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
            if (exception is not null) line += Environment.NewLine + exception;
            lines.Enqueue(line);
            TestLog.Write(line);
        }
    }
}
