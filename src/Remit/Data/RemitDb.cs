using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Remit.Affiliates;
using Remit.Api;
using Remit.Audit;
using Remit.Commissions;
using Remit.Payouts;
using Remit.Programs;
using Remit.Requests;

namespace Remit.Data;

/// <summary>
/// The one DbContext. Every table of program data carries program_id and a query filter on it, so a query made
/// for one program cannot see another's rows unless it says IgnoreQueryFilters() on purpose.
/// </summary>
public abstract class RemitDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The program this unit of work acts for. Zero matches nothing, so a forgotten scope fails closed.</summary>
    public long ProgramId { get; set; }

    public DbSet<AffiliateProgram> Programs => Set<AffiliateProgram>();
    public DbSet<Affiliate> Affiliates => Set<Affiliate>();
    public DbSet<Commission> Commissions => Set<Commission>();
    public DbSet<Payout> Payouts => Set<Payout>();
    public DbSet<PayoutCommission> PayoutCommissions => Set<PayoutCommission>();
    public DbSet<PayoutTotals> PayoutTotals => Set<PayoutTotals>();
    public DbSet<PayoutPendingAffiliate> PayoutPendingAffiliates => Set<PayoutPendingAffiliate>();
    public DbSet<PayoutCompletedSlot> PayoutCompletedSlots => Set<PayoutCompletedSlot>();
    public DbSet<PayoutRequest> PayoutRequests => Set<PayoutRequest>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<DashboardUser> Users => Set<DashboardUser>();
    public DbSet<Dashboard.Account.DashboardSession> Sessions => Set<Dashboard.Account.DashboardSession>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Batches.PayoutBatch> PayoutBatches => Set<Batches.PayoutBatch>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();
    public DbSet<Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Webhooks.WebhookEndpoint>();
    public DbSet<Webhooks.WebhookEvent> WebhookEvents => Set<Webhooks.WebhookEvent>();
    public DbSet<Webhooks.WebhookDelivery> WebhookDeliveries => Set<Webhooks.WebhookDelivery>();
    public DbSet<Webhooks.WebhookAttempt> WebhookAttempts => Set<Webhooks.WebhookAttempt>();

    /// <summary>Set when this unit of work wrote webhook deliveries: once they commit, the deliverer is woken at once.</summary>
    internal bool WebhooksQueued { get; set; }
    /// <summary>The cookie and anti-forgery keys every process shares (Hosting/SharedKeys.cs); no program's data.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Schedule.ScheduleRun> ScheduleRuns => Set<Schedule.ScheduleRun>();
    public DbSet<Portal.PortalLink> PortalLinks => Set<Portal.PortalLink>();
    public DbSet<Portal.PortalSession> PortalSessions => Set<Portal.PortalSession>();
    public DbSet<Tax.TaxForm> TaxForms => Set<Tax.TaxForm>();
    public DbSet<Tax1099.NecFiling> NecFilings => Set<Tax1099.NecFiling>();

    /// <summary>The program this unit of work acts for.</summary>
    public Task<AffiliateProgram> CurrentProgramAsync(CancellationToken ct) =>
        Programs.AsNoTracking().SingleAsync(p => p.Id == ProgramId, ct);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        OptimisticConcurrency.BumpVersions(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        OptimisticConcurrency.BumpVersions(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RemitDb).Assembly);
        modelBuilder.Entity<Affiliate>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Commission>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Payout>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<PayoutCommission>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<PayoutTotals>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<PayoutPendingAffiliate>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<PayoutCompletedSlot>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<PayoutRequest>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<ApiToken>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<DashboardUser>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<AuditEvent>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Batches.PayoutBatch>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<IdempotencyKey>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Schedule.ScheduleRun>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Webhooks.WebhookEndpoint>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Webhooks.WebhookEvent>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Webhooks.WebhookDelivery>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Webhooks.WebhookAttempt>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Tax.TaxForm>().HasQueryFilter(e => e.ProgramId == ProgramId);
        modelBuilder.Entity<Tax1099.NecFiling>().HasQueryFilter(e => e.ProgramId == ProgramId);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands DateTime back as Unspecified; every timestamp here is UTC, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteRemitDb(DbContextOptions<SqliteRemitDb> options) : RemitDb(options);

public sealed class PostgresRemitDb(DbContextOptions<PostgresRemitDb> options) : RemitDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // A trigram index makes the "q" substring search an index scan on PostgreSQL instead of a table scan.
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<Affiliate>().HasIndex(a => a.SearchText, "ix_affiliates_search_text_trgm")
            .HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}
