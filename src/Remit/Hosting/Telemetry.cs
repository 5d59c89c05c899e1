using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Remit.Hosting;

public static class Telemetry
{
    /// <summary>
    /// Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the other OTEL_* variables — protocol,
    /// headers, intervals — are read by the SDK itself); nothing is collected otherwise.
    /// </summary>
    public static IServiceCollection AddRemitTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "remit"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .UseOtlpExporter();
        return services;
    }
}
