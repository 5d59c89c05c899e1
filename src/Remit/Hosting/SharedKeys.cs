using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Remit.Data;
using Remit.Security;

namespace Remit.Hosting;

/// <summary>
/// ASP.NET Core Data Protection (the session cookie, anti-forgery tokens) with its key ring in the database, so
/// every `remit` process on one database reads the cookies and forms any other one wrote. The keys are encrypted
/// with Remit's own key ring (<see cref="SecretBox"/>) before they are stored, as every other secret is.
/// </summary>
public static class SharedKeys
{
    public static IServiceCollection AddRemitSharedKeys(this IServiceCollection services)
    {
        // A fixed application name: by default it is the content root path, which differs between machines and
        // install folders, and would keep processes from reading each other's cookies.
        services.AddDataProtection().SetApplicationName("Remit").PersistKeysToDbContext<RemitDb>();
        services.AddOptions<KeyManagementOptions>().Configure<SecretBox>((o, box) => o.XmlEncryptor = new SecretBoxXmlEncryptor(box));
        return services;
    }
}

/// <summary>Encrypts a Data Protection key's XML under Remit's active encryption key.</summary>
public sealed class SecretBoxXmlEncryptor(SecretBox box) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(
        new XElement("encryptedKey", new XComment(" Encrypted with Remit's encryption key ring (Remit:Encryption:Keys). "),
            new XElement("value", box.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting)))),
        typeof(SecretBoxXmlDecryptor));
}

/// <summary>Made by Data Protection from the type name stored beside each key, with the app's services.</summary>
public sealed class SecretBoxXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretBox>().Decrypt((string)encryptedElement.Element("value")!));
}
