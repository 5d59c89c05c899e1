using Nethereum.Util;
using SimpleBase;

namespace Remit.Payments;

/// <summary>
/// Form checks for the crypto payout destinations and transaction hashes. They prove a value is well formed (and,
/// for mixed-case EVM addresses, carries a correct EIP-55 checksum); they cannot prove an account exists.
/// </summary>
public static class CryptoAddress
{
    public const string Ethereum = "ethereum";
    public const string Polygon = "polygon";
    public const string Base = "base";
    public const string Solana = "solana";

    public static IReadOnlyList<string> Networks { get; } = [Ethereum, Polygon, Base, Solana];

    // Base58 decoding is quadratic in the input length, so anything longer than the longest encoding of the wanted
    // byte count is refused before decoding.
    private const int SolanaAddressBytes = 32;
    private const int SolanaAddressMaxChars = 44;
    private const int SolanaSignatureBytes = 64;
    private const int SolanaSignatureMaxChars = 88;

    public static bool IsSupportedNetwork(string? network) =>
        network is Ethereum or Polygon or Base or Solana;

    public static bool IsValidAddress(string? network, string? address)
    {
        if (address is null)
        {
            return false;
        }

        return network switch
        {
            Ethereum or Polygon or Base => IsValidEvmAddress(address),
            Solana => DecodesToBase58Length(address, SolanaAddressBytes, SolanaAddressMaxChars),
            _ => false,
        };
    }

    public static bool IsValidTransactionHash(string? network, string? hash)
    {
        if (hash is null)
        {
            return false;
        }

        return network switch
        {
            Ethereum or Polygon or Base => IsPrefixedHex(hash, 64),
            Solana => DecodesToBase58Length(hash, SolanaSignatureBytes, SolanaSignatureMaxChars),
            _ => false,
        };
    }

    private static bool IsValidEvmAddress(string address)
    {
        if (!IsPrefixedHex(address, 40))
        {
            return false;
        }

        var hex = address.AsSpan(2);
        var hasLower = hex.ContainsAnyInRange('a', 'f');
        var hasUpper = hex.ContainsAnyInRange('A', 'F');

        // EIP-55: a single-case address carries no checksum, so only mixed case is held to it.
        return !(hasLower && hasUpper) || AddressUtil.Current.IsChecksumAddress(address);
    }

    private static bool IsPrefixedHex(string value, int hexDigits) =>
        value.Length == 2 + hexDigits
        && value.StartsWith("0x", StringComparison.Ordinal)
        && !value.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static bool DecodesToBase58Length(string value, int expectedBytes, int maxChars)
    {
        if (value.Length == 0 || value.Length > maxChars)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Base58.Bitcoin.GetSafeByteCountForDecoding(value)];
        return Base58.Bitcoin.TryDecode(value, buffer, out var written) && written == expectedBytes;
    }
}
