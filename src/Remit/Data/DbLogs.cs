using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Remit.Data;

public static class DbLogs
{
    /// <summary>
    /// A logger for the domain's static actions, which are all handed a RemitDb: AddDbContext builds the context with
    /// the application's ILoggerFactory, so the actions log through the app's logging without a logger parameter, and
    /// the API, the dashboard and the CLI log the same step the same way. A context made outside DI logs nowhere.
    /// </summary>
    public static ILogger Logger(this RemitDb db, string category) => db.GetService<ILoggerFactory>().CreateLogger(category);
}
