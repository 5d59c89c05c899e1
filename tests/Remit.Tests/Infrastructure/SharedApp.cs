namespace Remit.Tests.Infrastructure;

/// <summary>
/// One Remit host for all the tests of a class (an xunit class fixture), because starting a host is most of a
/// test's CPU. Each test still makes its own program (tenant) and sees only that; xunit runs one class's tests one
/// after another, never at once. What is shared: the database, the clock (a test may advance it, never rewind it),
/// rate-limit windows, caches and the log, so tests about start-up, settings, rate limits or logs keep their own host.
/// </summary>
public sealed class SharedApp : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}
