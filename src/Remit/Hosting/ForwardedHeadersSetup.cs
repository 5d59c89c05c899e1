using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Remit.Hosting;

public static class ForwardedHeadersSetup
{
    public const string Section = "Remit:ForwardedHeaders";

    /// <summary>
    /// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies named in
    /// Remit:ForwardedHeaders:KnownProxies (addresses) and KnownNetworks (CIDR), each a list or comma-separated. By
    /// default nobody is believed, not even loopback, so a client cannot pick the address its rate limit is counted
    /// under. Parsed here, so a wrong value stops the start instead of silently trusting nobody.
    /// </summary>
    public static IServiceCollection AddRemitForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration, "KnownProxies").Select(v => IPAddress.TryParse(v, out var address) ? address
            : throw new SettingException($"{Section}:KnownProxies: '{v}' is not an IP address.")).ToList();
        var networks = Values(configuration, "KnownNetworks").Select(v => System.Net.IPNetwork.TryParse(v, out var network) ? network
            : throw new SettingException($"{Section}:KnownNetworks: '{v}' is not a network in CIDR form (10.0.0.0/8).")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk back through every trusted hop; the walk stops at the first address that is not a known proxy.
            o.ForwardLimit = null;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return services;
    }

    private static IEnumerable<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(Section).GetSection(key);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}
