namespace Remit.Security;

/// <summary>Encryption-key trouble in the operator's log (category Remit.Security.SecretBox): the key id and the setting to fix, never a key or a secret.</summary>
public static partial class SecretsLog
{
    [LoggerMessage(7001, LogLevel.Error, "A secret needs encryption key {KeyId}, which is not configured (Remit:Encryption:Keys:{KeyId})")]
    public static partial void KeyMissing(this ILogger log, string keyId);

    [LoggerMessage(7002, LogLevel.Error, "A secret under encryption key {KeyId} could not be decrypted: the key is not the one it was written with, or the ciphertext is damaged")]
    public static partial void DecryptFailed(this ILogger log, string keyId);

    [LoggerMessage(7003, LogLevel.Critical, "Encryption key {KeyId} is unreadable: Remit:Encryption:Keys:{KeyId} must be base64 of 32 random bytes")]
    public static partial void KeyUnreadable(this ILogger log, string keyId);

    [LoggerMessage(7004, LogLevel.Critical, "Encryption settings refused: {Problem}")]
    public static partial void KeyRingRefused(this ILogger log, string problem);
}
