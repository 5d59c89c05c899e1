using System.Globalization;
using System.Text;
using Remit.Payments;

namespace Remit.Tests.Payments;

public class NachaTests
{
    private const long EntryHashModulus = 10_000_000_000;

    // Everything below is read off moov-io/ach's test/ach-ppd-read/ppd-credit.ach by eye, not parsed from it.
    private static readonly NachaFileHeader PpdCreditHeader = new()
    {
        ImmediateDestination = "231380104",
        ImmediateDestinationName = "Federal Reserve Bank",
        ImmediateOrigin = "121042882",
        ImmediateOriginName = "My Bank Name",
        CreationDate = new DateOnly(2018, 12, 6),
        CreationTime = new TimeOnly(0, 0),
        FileIdModifier = 'A',
    };

    private static readonly NachaOriginator PpdCreditOriginator = new()
    {
        OdfiRouting = "121042882",
        CompanyName = "Name on Account",
        CompanyId = "121042882",
        EntryDescription = "REG.SALARY",
        EffectiveEntryDate = new DateOnly(2018, 12, 7),
    };

    private static readonly NachaCredit PpdCreditEntry = new()
    {
        PayoutId = "",
        HolderName = "Receiver Account Name",
        HolderType = NachaHolderType.Individual,
        RoutingNumber = "231380104",
        AccountNumber = "12345678",
        AccountType = NachaAccountType.Checking,
        AmountCents = 100_000_000,
    };

    [Fact]
    public void Reproduces_moov_io_ppd_credit_file_byte_for_byte()
    {
        var expected = File.ReadAllBytes(GoldenFiles.PathOf("ach/ppd-credit.ach"));

        var actual = Nacha.WriteBytes(PpdCreditHeader, PpdCreditOriginator, [PpdCreditEntry]);

        Assert.Equal(Encoding.ASCII.GetString(expected), Encoding.ASCII.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Lays_out_an_addenda_record_as_moov_io_does()
    {
        // web-credit.ach is a WEB batch; Remit writes PPD for individuals, so the SEC code (columns 51-53 of the batch
        // header) is the one place the files may differ. Inputs are again read off the golden file by eye.
        var golden = File.ReadAllBytes(GoldenFiles.PathOf("ach/web-credit-addenda.ach"));
        var lines = Encoding.ASCII.GetString(golden).Split('\n');
        Assert.Equal("WEB", lines[1][50..53]);
        lines[1] = lines[1][..50] + "PPD" + lines[1][53..];
        var expected = string.Join('\n', lines);

        var actual = Nacha.Write(
            new NachaFileHeader
            {
                ImmediateDestination = "031300012",
                ImmediateDestinationName = "Federal Reserve Bank",
                ImmediateOrigin = "0231380104",
                ImmediateOriginName = "My Bank Name",
                CreationDate = new DateOnly(2019, 8, 16),
                CreationTime = new TimeOnly(10, 55),
                FileIdModifier = 'A',
                ReferenceCode = "12345678",
            },
            new NachaOriginator
            {
                OdfiRouting = "121042882",
                CompanyName = "Name on Account",
                CompanyId = "231380104",
                EntryDescription = "Subscribe",
                EffectiveEntryDate = new DateOnly(2019, 8, 16),
            },
            [
                new NachaCredit
                {
                    PayoutId = "#789654",
                    HolderName = "John Doe",
                    HolderType = NachaHolderType.Individual,
                    RoutingNumber = "231380104",
                    AccountNumber = "12345678",
                    AccountType = NachaAccountType.Checking,
                    AmountCents = 10_000,
                    DiscretionaryData = "S",
                    PaymentInformation = @"PAY-GATE payment\",
                },
            ]);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_file_of_250_entries_has_every_control_total_right()
    {
        var credits = Enumerable.Range(1, 250).Select(i => new NachaCredit
        {
            PayoutId = (100_000 + i).ToString(CultureInfo.InvariantCulture),
            HolderName = $"Affiliate {i}",
            HolderType = i % 4 == 0 ? NachaHolderType.Business : NachaHolderType.Individual,
            RoutingNumber = RoutingFor(i),
            AccountNumber = $"{9_000_000 + i * 7}",
            AccountType = i % 3 == 0 ? NachaAccountType.Savings : NachaAccountType.Checking,
            AmountCents = i * 12_345L + 99,
            PaymentInformation = i % 10 == 0 ? $"Remit payout {100_000 + i}" : null,
        }).ToList();

        var text = Nacha.Write(PpdCreditHeader, PpdCreditOriginator, credits);

        Assert.DoesNotContain('\r', text);
        Assert.False(text.EndsWith('\n'));
        var lines = text.Split('\n');
        Assert.All(lines, line => Assert.Equal(94, line.Length));
        Assert.Equal(0, lines.Length % 10);
        Assert.Equal("101", lines[0][..3]);

        var fileControlIndex = Array.FindIndex(lines, l => l[0] == '9');
        var fileControl = lines[fileControlIndex];
        Assert.All(lines[(fileControlIndex + 1)..], l => Assert.Equal(new string('9', 94), l));
        Assert.NotEqual(new string('9', 94), fileControl);
        Assert.True(lines.Length - fileControlIndex <= 10, "filler never fills a whole block");

        var expectedBatches = new[]
        {
            (Sec: "PPD", Credits: credits.Where(c => c.HolderType == NachaHolderType.Individual).ToList()),
            (Sec: "CCD", Credits: credits.Where(c => c.HolderType == NachaHolderType.Business).ToList()),
        };

        var index = 1;
        var previousTrace = 0L;
        for (var b = 0; b < expectedBatches.Length; b++)
        {
            var (sec, batchCredits) = expectedBatches[b];
            var batchNumber = (b + 1).ToString("D7", CultureInfo.InvariantCulture);

            var header = lines[index++];
            Assert.Equal("5220", header[..4]);
            Assert.Equal(sec, header[50..53]);
            Assert.Equal("121042882 ", header[40..50]);
            Assert.Equal("12104288", header[79..87]);
            Assert.Equal(batchNumber, header[87..94]);

            var records = 0;
            foreach (var credit in batchCredits)
            {
                var entry = lines[index++];
                records++;
                Assert.Equal('6', entry[0]);
                Assert.Equal(credit.AccountType == NachaAccountType.Savings ? "32" : "22", entry[1..3]);
                Assert.Equal(credit.RoutingNumber, entry[3..12]);
                Assert.Equal(credit.AccountNumber.PadRight(17), entry[12..29]);
                Assert.Equal(credit.AmountCents.ToString("D10", CultureInfo.InvariantCulture), entry[29..39]);
                Assert.Equal(credit.PayoutId.PadRight(15), entry[39..54]);
                Assert.Equal(credit.HolderName.PadRight(22), entry[54..76]);

                var trace = entry[79..94];
                Assert.Equal("12104288", trace[..8]);
                var sequence = long.Parse(trace[8..], CultureInfo.InvariantCulture);
                Assert.True(sequence > previousTrace, "trace numbers ascend through the file");
                previousTrace = sequence;

                if (credit.PaymentInformation is null)
                {
                    Assert.Equal('0', entry[78]);
                }
                else
                {
                    Assert.Equal('1', entry[78]);
                    var addenda = lines[index++];
                    records++;
                    Assert.Equal("705", addenda[..3]);
                    Assert.Equal(credit.PaymentInformation.PadRight(80), addenda[3..83]);
                    Assert.Equal("0001", addenda[83..87]);
                    Assert.Equal(trace[8..], addenda[87..94]);
                }
            }

            var control = lines[index++];
            Assert.Equal("8220", control[..4]);
            Assert.Equal(records.ToString("D6", CultureInfo.InvariantCulture), control[4..10]);
            Assert.Equal(EntryHash(batchCredits).ToString("D10", CultureInfo.InvariantCulture), control[10..20]);
            Assert.Equal(new string('0', 12), control[20..32]);
            Assert.Equal(batchCredits.Sum(c => c.AmountCents).ToString("D12", CultureInfo.InvariantCulture), control[32..44]);
            Assert.Equal("121042882 ", control[44..54]);
            Assert.Equal("12104288", control[79..87]);
            Assert.Equal(batchNumber, control[87..94]);
        }
        Assert.Equal(fileControlIndex, index);

        var rawHashSum = credits.Sum(c => long.Parse(c.RoutingNumber[..8], CultureInfo.InvariantCulture));
        Assert.True(rawHashSum >= EntryHashModulus, "the routing numbers are chosen so the entry hash must be cut to 10 digits");

        var entryAndAddendaCount = 250 + credits.Count(c => c.PaymentInformation is not null);
        Assert.Equal(275, entryAndAddendaCount);
        Assert.Equal("9", fileControl[..1]);
        Assert.Equal("000002", fileControl[1..7]);
        Assert.Equal((lines.Length / 10).ToString("D6", CultureInfo.InvariantCulture), fileControl[7..13]);
        Assert.Equal(entryAndAddendaCount.ToString("D8", CultureInfo.InvariantCulture), fileControl[13..21]);
        Assert.Equal((rawHashSum % EntryHashModulus).ToString("D10", CultureInfo.InvariantCulture), fileControl[21..31]);
        Assert.Equal(new string('0', 12), fileControl[31..43]);
        Assert.Equal(credits.Sum(c => c.AmountCents).ToString("D12", CultureInfo.InvariantCulture), fileControl[43..55]);
        Assert.Equal(new string(' ', 39), fileControl[55..94]);

        // 1 file header + 2 × (batch header + control) + 275 entry and addenda records + 1 file control = 281 → 29 blocks.
        Assert.Equal(290, lines.Length);
        Assert.Equal("000029", fileControl[7..13]);
    }

    [Theory]
    [InlineData(6, 10)] // 6 entries + 4 other records fill exactly one block: no filler
    [InlineData(7, 20)]
    [InlineData(1, 10)]
    public void Pads_to_whole_blocks_of_ten_and_only_when_needed(int entries, int expectedLines)
    {
        var credits = Enumerable.Range(1, entries).Select(i => PpdCreditEntry with { PayoutId = i.ToString(CultureInfo.InvariantCulture) }).ToList();

        var lines = Nacha.Write(PpdCreditHeader, PpdCreditOriginator, credits).Split('\n');

        Assert.Equal(expectedLines, lines.Length);
        var fileControl = Array.FindIndex(lines, l => l[0] == '9');
        Assert.Equal(entries + 3, fileControl);
        Assert.Equal((expectedLines / 10).ToString("D6", CultureInfo.InvariantCulture), lines[fileControl][7..13]);
    }

    [Fact]
    public void Businesses_alone_make_one_ccd_batch_numbered_one()
    {
        var lines = Nacha.Write(PpdCreditHeader, PpdCreditOriginator,
            [PpdCreditEntry with { HolderType = NachaHolderType.Business, AccountType = NachaAccountType.Savings }]).Split('\n');

        Assert.Equal("CCD", lines[1][50..53]);
        Assert.Equal("0000001", lines[1][87..94]);
        Assert.Equal("632", lines[2][..3]);
        Assert.Equal("000001", lines[4][1..7]);
    }

    [Fact]
    public void Names_become_ascii_and_are_cut_to_their_field()
    {
        var line = Nacha.Write(PpdCreditHeader, PpdCreditOriginator,
            [PpdCreditEntry with { HolderName = "  José Ñúñez\r\nGarcía–Østergaard Straße" }]).Split('\n')[2];

        Assert.Equal("Jose Nunez Garcia-Oste", line[54..76]);
        Assert.Equal("Jose Nunez Garcia-Oste", Nacha.ToAchText("  José Ñúñez\r\nGarcía–Østergaard", 22));
        Assert.Equal("Strasse", Nacha.ToAchText("Straße", 22));
        Assert.Equal("", Nacha.ToAchText("محمد", 22));
    }

    [Fact]
    public void The_output_is_plain_ascii_even_for_non_latin_input()
    {
        var bytes = Nacha.WriteBytes(PpdCreditHeader, PpdCreditOriginator with { CompanyName = "Café 東京" },
            [PpdCreditEntry with { HolderName = "Zoë 🙂 Smith" }]);

        Assert.All(bytes, b => Assert.True(b is >= 0x20 and < 0x7F or (byte)'\n'));
        var lines = Encoding.ASCII.GetString(bytes).Split('\n');
        Assert.Equal("Cafe            ", lines[1][4..20]);
        Assert.Equal("Zoe Smith".PadRight(22), lines[2][54..76]);
    }

    public static TheoryData<NachaCredit> BadCredits => new()
    {
        PpdCreditEntry with { RoutingNumber = "231380105" },
        PpdCreditEntry with { RoutingNumber = "23138010" },
        PpdCreditEntry with { AmountCents = 0 },
        PpdCreditEntry with { AmountCents = -1 },
        PpdCreditEntry with { AmountCents = 10_000_000_000 },
        PpdCreditEntry with { AccountNumber = "" },
        PpdCreditEntry with { AccountNumber = "123456789012345678" },
        PpdCreditEntry with { AccountNumber = "1234 5678" },
        PpdCreditEntry with { PayoutId = "1234567890123456" },
        PpdCreditEntry with { HolderName = "محمد" },
        PpdCreditEntry with { HolderName = "   " },
        PpdCreditEntry with { AccountType = (NachaAccountType)7 },
    };

    [Theory]
    [MemberData(nameof(BadCredits))]
    public void Refuses_a_credit_it_cannot_write_correctly(NachaCredit credit) =>
        Assert.ThrowsAny<ArgumentException>(() => Nacha.Write(PpdCreditHeader, PpdCreditOriginator, [credit]));

    [Fact]
    public void Refuses_bad_settings_and_empty_files()
    {
        Assert.ThrowsAny<ArgumentException>(() => Nacha.Write(PpdCreditHeader, PpdCreditOriginator, []));
        Assert.ThrowsAny<ArgumentException>(() =>
            Nacha.Write(PpdCreditHeader, PpdCreditOriginator with { OdfiRouting = "121042883" }, [PpdCreditEntry]));
        Assert.ThrowsAny<ArgumentException>(() =>
            Nacha.Write(PpdCreditHeader, PpdCreditOriginator with { CompanyId = "12345678901" }, [PpdCreditEntry]));
        Assert.ThrowsAny<ArgumentException>(() =>
            Nacha.Write(PpdCreditHeader, PpdCreditOriginator with { EntryDescription = " " }, [PpdCreditEntry]));
        Assert.ThrowsAny<ArgumentException>(() =>
            Nacha.Write(PpdCreditHeader with { ImmediateDestination = "12345" }, PpdCreditOriginator, [PpdCreditEntry]));
        Assert.ThrowsAny<ArgumentException>(() =>
            Nacha.Write(PpdCreditHeader with { FileIdModifier = 'a' }, PpdCreditOriginator, [PpdCreditEntry]));
    }

    [Fact]
    public void Same_inputs_give_same_bytes() =>
        Assert.Equal(
            Nacha.WriteBytes(PpdCreditHeader, PpdCreditOriginator, [PpdCreditEntry]),
            Nacha.WriteBytes(PpdCreditHeader, PpdCreditOriginator, [PpdCreditEntry]));

    private static long EntryHash(IEnumerable<NachaCredit> credits) =>
        credits.Sum(c => long.Parse(c.RoutingNumber[..8], CultureInfo.InvariantCulture)) % EntryHashModulus;

    // Routing numbers from the high Federal Reserve prefixes (61–72, 80) with a computed check digit, so that 250 of
    // them add up past ten digits.
    private static string RoutingFor(int i)
    {
        int[] prefixes = [61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 80];
        var first8 = $"{prefixes[i % prefixes.Length]:00}{(i * 7919) % 1_000_000:000000}";
        int[] weights = [3, 7, 1, 3, 7, 1, 3, 7];
        var sum = first8.Select((c, k) => (c - '0') * weights[k]).Sum();
        var routing = first8 + (10 - sum % 10) % 10;
        Assert.True(AbaRouting.IsValid(routing), routing);
        return routing;
    }
}
