using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Remit.Security;

/// <summary>
/// Encrypts the secrets Remit keeps (bank account numbers, wallet addresses, PayPal client secrets) with AES-256-GCM.
/// A ciphertext is "v1:{key id}:{base64(nonce | ciphertext | tag)}": the key id travels with it, so after a rotation
/// the old keys still open old rows and `remit secrets rotate` can find the rows still under an old key.
/// </summary>
public sealed class SecretBox
{
    public const string Prefix = "v1:";
    private const int NonceSize = 12, TagSize = 16;

    private readonly IReadOnlyDictionary<string, byte[]> _keys;

    public string ActiveKeyId { get; }

    public SecretBox(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId)
    {
        foreach (var (id, key) in keys)
        {
            if (key.Length != 32) throw new InvalidOperationException($"Encryption key '{id}' must be 32 bytes (AES-256), not {key.Length}.");
            if (id.Length == 0 || id.Contains(':', StringComparison.Ordinal)) throw new InvalidOperationException($"Encryption key id '{id}' must be non-empty and without ':'.");
        }
        if (!keys.ContainsKey(activeKeyId)) throw new InvalidOperationException($"Remit:Encryption:ActiveKeyId '{activeKeyId}' names no key in Remit:Encryption:Keys.");
        _keys = keys;
        ActiveKeyId = activeKeyId;
    }

    public string Encrypt(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + plain.Length + TagSize];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[ActiveKeyId], TagSize);
        aes.Encrypt(nonce, plain, blob.AsSpan(NonceSize, plain.Length), blob.AsSpan(NonceSize + plain.Length), Aad(ActiveKeyId));
        return $"{Prefix}{ActiveKeyId}:{Convert.ToBase64String(blob)}";
    }

    public string Decrypt(string ciphertext)
    {
        var keyId = KeyIdOf(ciphertext) ?? throw new CryptographicException("Not a Remit ciphertext.");
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"The encryption key '{keyId}' is not configured (Remit:Encryption:Keys:{keyId}); it is needed to read secrets written with it.");
        var blob = Convert.FromBase64String(ciphertext[(Prefix.Length + keyId.Length + 1)..]);
        if (blob.Length < NonceSize + TagSize) throw new CryptographicException("Truncated ciphertext.");
        var plain = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize, plain.Length), blob.AsSpan(NonceSize + plain.Length), plain, Aad(keyId));
        return Encoding.UTF8.GetString(plain);
    }

    public static string? KeyIdOf(string ciphertext)
    {
        if (!ciphertext.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var end = ciphertext.IndexOf(':', Prefix.Length);
        return end < 0 ? null : ciphertext[Prefix.Length..end];
    }

    public bool IsUnderActiveKey(string ciphertext) => KeyIdOf(ciphertext) == ActiveKeyId;

    // The key id is authenticated too, so a ciphertext relabelled with another key id fails to open.
    private static byte[] Aad(string keyId) => Encoding.UTF8.GetBytes(Prefix + keyId);

    /// <summary>
    /// The key ring from Remit:Encryption:Keys:{id} (base64 of 32 bytes) and Remit:Encryption:ActiveKeyId. With no
    /// key configured and <paramref name="mayGenerate"/> (Development: a developer's first `dotnet run`), a key is
    /// generated once into <paramref name="devKeyFile"/> and reused after, so a local database stays readable between
    /// runs; anywhere else a missing key refuses the start, naming the setting.
    /// </summary>
    public static SecretBox FromConfiguration(IConfiguration configuration, string devKeyFile, bool mayGenerate, Action<string>? announce = null)
    {
        var section = configuration.GetSection("Remit:Encryption:Keys");
        var keys = section.GetChildren().ToDictionary(k => k.Key, k => Decode(k.Key, k.Value));
        if (keys.Count > 0)
        {
            var active = configuration["Remit:Encryption:ActiveKeyId"] ?? (keys.Count == 1 ? keys.Keys.Single()
                : throw new InvalidOperationException("Several encryption keys are configured: Remit:Encryption:ActiveKeyId must say which one encrypts."));
            return new SecretBox(keys, active);
        }
        if (!mayGenerate)
            throw new Hosting.SettingException(
                "No encryption key is configured. Set Remit__Encryption__Keys__<id> to base64 of 32 random bytes " +
                "(`openssl rand -base64 32`), e.g. Remit__Encryption__Keys__k1 (and Remit__Encryption__ActiveKeyId=k1 once there are several). " +
                "Only the Development environment generates a key of its own.");
        return FromDevKeyFile(devKeyFile, announce);
    }

    private static SecretBox FromDevKeyFile(string path, Action<string>? announce)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var file = new DevKeyFile("local-1", new() { ["local-1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            // CreateNew: two processes starting at once must not each write a different key.
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                JsonSerializer.Serialize(stream, file);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                announce?.Invoke(Path.GetFullPath(path));
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        var saved = JsonSerializer.Deserialize<DevKeyFile>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is not a Remit key file.");
        return new SecretBox(saved.Keys.ToDictionary(k => k.Key, k => Decode(k.Key, k.Value)), saved.ActiveKeyId);
    }

    private static byte[] Decode(string id, string? base64)
    {
        try
        {
            return Convert.FromBase64String(base64 ?? "");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Remit:Encryption:Keys:{id} must be base64 of 32 random bytes.");
        }
    }

    private sealed record DevKeyFile(string ActiveKeyId, Dictionary<string, string> Keys);
}

public static class SecretsSetup
{
    /// <summary>Where a development run without configured keys keeps its generated key (gitignored: .remit/).</summary>
    public const string DefaultDevKeyFile = ".remit/encryption-keys.json";

    public static IServiceCollection AddRemitSecrets(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment) =>
        services.AddSingleton(sp => SecretBox.FromConfiguration(configuration,
            configuration["Remit:Encryption:DevKeyFile"] ?? DefaultDevKeyFile, environment.IsDevelopment(),
            file => sp.GetRequiredService<ILogger<SecretBox>>().LogWarning(
                "No Remit:Encryption:Keys configured: generated a development encryption key in {KeyFile}; keep it with the database, it opens its secrets", file)));
}
