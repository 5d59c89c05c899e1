using Remit.Payments;

namespace Remit.Tests.Payments;

public class CryptoAddressTests
{
    // The test vectors published in EIP-55 itself.
    public static TheoryData<string> Eip55MixedCase =>
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    public static TheoryData<string> EvmNetworks => ["ethereum", "polygon", "base"];

    [Theory]
    [MemberData(nameof(Eip55MixedCase))]
    public void Eip55_checksummed_addresses_are_valid_on_every_evm_network(string address)
    {
        foreach (var network in EvmNetworks)
        {
            Assert.True(CryptoAddress.IsValidAddress(network, address), network);
        }
    }

    [Theory]
    [MemberData(nameof(Eip55MixedCase))]
    public void Flipping_the_case_of_any_one_letter_breaks_the_checksum(string address)
    {
        var flips = 0;
        for (var i = 2; i < address.Length; i++)
        {
            if (!char.IsAsciiLetter(address[i]))
            {
                continue;
            }

            var chars = address.ToCharArray();
            chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
            var flipped = new string(chars);

            Assert.False(CryptoAddress.IsValidAddress("ethereum", flipped), flipped);
            flips++;
        }
        Assert.True(flips > 10);
    }

    [Fact]
    public void A_single_flipped_case_is_refused()
    {
        Assert.True(CryptoAddress.IsValidAddress("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        Assert.False(CryptoAddress.IsValidAddress("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
    }

    [Theory]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")] // EIP-55's all-caps vectors
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")] // EIP-55's all-lower vectors
    [InlineData("0x27b1fdb04752bbc536007a920d24acb045561c26")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")] // a mixed-case vector in one case only
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")]
    [InlineData("0x0000000000000000000000000000000000000000")]
    public void Single_case_addresses_carry_no_checksum_and_are_valid(string address)
    {
        foreach (var network in EvmNetworks)
        {
            Assert.True(CryptoAddress.IsValidAddress(network, address), network);
        }
    }

    [Theory]
    [InlineData("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // no 0x
    [InlineData("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // upper-case X
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA")] // 38 hex digits
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00")] // 42 hex digits
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg")] // g is not hex
    [InlineData(" 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_evm_addresses_are_invalid(string? address) =>
        Assert.False(CryptoAddress.IsValidAddress("ethereum", address));

    [Theory]
    [InlineData("11111111111111111111111111111111")] // system program: 32 zero bytes
    [InlineData("So11111111111111111111111111111111111111112")] // wrapped SOL mint
    [InlineData("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")] // SPL token program
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")] // USDC mint
    public void Known_solana_addresses_are_valid(string address) =>
        Assert.True(CryptoAddress.IsValidAddress("solana", address));

    [Theory]
    [InlineData("1111111111111111111111111111111")] // 31 zero bytes
    [InlineData("111111111111111111111111111111111")] // 33 zero bytes
    [InlineData("So1111111111111111111111111111111111111111")] // one character short: 31 bytes
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vv")] // one character more: 33 bytes
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10")] // 0 is not base58
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDtIv")] // nor is I
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDtlv")] // nor l
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDtOv")] // nor O
    [InlineData(" EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_solana_addresses_are_invalid(string? address) =>
        Assert.False(CryptoAddress.IsValidAddress("solana", address));

    [Fact]
    public void Addresses_are_checked_against_their_own_network()
    {
        Assert.False(CryptoAddress.IsValidAddress("ethereum", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"));
        Assert.False(CryptoAddress.IsValidAddress("solana", "0xde709f2102306220921060314715629080e2fb77"));
    }

    [Theory]
    [InlineData("Ethereum")]
    [InlineData("ETHEREUM")]
    [InlineData("bitcoin")]
    [InlineData("arbitrum")]
    [InlineData("ethereum ")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_networks_are_refused(string? network)
    {
        Assert.False(CryptoAddress.IsSupportedNetwork(network));
        Assert.False(CryptoAddress.IsValidAddress(network, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        Assert.False(CryptoAddress.IsValidAddress(network, "11111111111111111111111111111111"));
        Assert.False(CryptoAddress.IsValidTransactionHash(network, "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"));
    }

    [Fact]
    public void The_four_networks_are_supported() =>
        Assert.Equal(["ethereum", "polygon", "base", "solana"], CryptoAddress.Networks);

    [Theory]
    [InlineData("0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")]
    [InlineData("0x5C504ED432CB51138BCF09AA5E8A410DD4A1E204EF84BFED1BE16DFBA1B22060")]
    [InlineData("0x5C504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")] // hashes have no checksum
    public void Evm_transaction_hashes_are_0x_and_64_hex_digits(string hash)
    {
        foreach (var network in EvmNetworks)
        {
            Assert.True(CryptoAddress.IsValidTransactionHash(network, hash), network);
        }
    }

    [Theory]
    [InlineData("5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")]
    [InlineData("0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b2206")]
    [InlineData("0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b220600")]
    [InlineData("0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b2206z")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")] // an address is not a hash
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_evm_transaction_hashes_are_invalid(string? hash) =>
        Assert.False(CryptoAddress.IsValidTransactionHash("polygon", hash));

    [Theory]
    [InlineData("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW")] // Solana docs' example
    [InlineData("1111111111111111111111111111111111111111111111111111111111111111")] // 64 zero bytes
    public void Solana_signatures_decode_to_64_bytes(string signature) =>
        Assert.True(CryptoAddress.IsValidTransactionHash("solana", signature));

    [Theory]
    [InlineData("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZ")] // 62 bytes
    [InlineData("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUWW")] // 65 bytes
    [InlineData("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQU0")]
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")] // an address is not a signature
    [InlineData("0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_solana_signatures_are_invalid(string? signature) =>
        Assert.False(CryptoAddress.IsValidTransactionHash("solana", signature));

    [Fact]
    public void Very_long_input_is_refused_without_decoding() =>
        Assert.False(CryptoAddress.IsValidAddress("solana", new string('z', 1_000_000)));
}
