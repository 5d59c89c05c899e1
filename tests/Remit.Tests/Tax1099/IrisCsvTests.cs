using System.IO.Compression;
using System.Text;
using Remit.Tax1099;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax1099;

/// <summary>The IRIS Taxpayer Portal CSV, read back by the tests' own RFC 4180 reader, column by column.</summary>
public sealed class IrisCsvTests
{
    /// <summary>
    /// The IRS's 1099-NEC CSV template header (IRIS Taxpayer Portal, "Form 1099-NEC" bulk upload template), copied
    /// here on its own so the writer's list is checked against it rather than against itself.
    /// </summary>
    private const string TemplateHeader =
        "Form Type,Tax Year,Payer TIN Type,Payer Taxpayer ID Number,Payer Name Type,Payer Business or Entity Name Line 1," +
        "Payer Business or Entity Name Line 2,Payer First Name,Payer Middle Name,Payer Last Name (Surname),Payer Suffix," +
        "Payer Country,Payer Address Line 1,Payer Address Line 2,Payer City/Town,Payer State/Province/Territory," +
        "Payer ZIP/Postal Code,Payer Phone Type,Payer Phone,Payer Email Address,Recipient TIN Type," +
        "Recipient Taxpayer ID Number,Recipient Name Type,Recipient Business or Entity Name Line 1," +
        "Recipient Business or Entity Name Line 2,Recipient First Name,Recipient Middle Name,Recipient Last Name (Surname)," +
        "Recipient Suffix,Recipient Country,Recipient Address Line 1,Recipient Address Line 2,Recipient City/Town," +
        "Recipient State/Province/Territory,Recipient ZIP/Postal Code,Office Code,Form Account Number,2nd TIN Notice," +
        "Box 1 - Nonemployee Compensation," +
        "Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale," +
        "Box 4 - Federal income tax withheld,Combined Federal/State Filing," +
        "State 1,State 1 - State Tax Withheld,State 1 - State/Payer state number,State 1 - State income," +
        "State 1 - Local income tax withheld,State 1 - Special Data Entries," +
        "State 2,State 2 - State Tax Withheld,State 2 - State/Payer state number,State 2 - State income," +
        "State 2 - Local income tax withheld,State 2 - Special Data Entries";

    private static List<Dictionary<string, string>> Read(byte[] bytes)
    {
        var records = Rfc4180.Parse(Encoding.UTF8.GetString(bytes));
        Assert.Equal(TemplateHeader.Split(','), records[0]);
        Assert.All(records.Skip(1), r => Assert.Equal(records[0].Length, r.Length));
        return records.Skip(1).Select(r => records[0].Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public void Every_column_of_the_template_holds_what_the_return_says()
    {
        var rows = Read(IrisCsv.Write(2026, NecSamples.Payer,
            [new NecReturn(NecSamples.Person(), 2_000_00), new NecReturn(NecSamples.Business(), 12_345_67)]));

        Assert.Equal(2, rows.Count);
        var person = rows[0];
        var expected = new Dictionary<string, string>
        {
            ["Form Type"] = "1099-NEC", ["Tax Year"] = "2026", ["Payer TIN Type"] = "EIN", ["Payer Taxpayer ID Number"] = "121234567",
            ["Payer Name Type"] = "B", ["Payer Business or Entity Name Line 1"] = "Northwind Traders LLC",
            ["Payer Business or Entity Name Line 2"] = "", ["Payer First Name"] = "", ["Payer Middle Name"] = "",
            ["Payer Last Name (Surname)"] = "", ["Payer Suffix"] = "", ["Payer Country"] = "US",
            ["Payer Address Line 1"] = "500 Market St", ["Payer Address Line 2"] = "Suite 300", ["Payer City/Town"] = "San Francisco",
            ["Payer State/Province/Territory"] = "CA", ["Payer ZIP/Postal Code"] = "94105", ["Payer Phone Type"] = "D",
            ["Payer Phone"] = "4155550100", ["Payer Email Address"] = "tax@northwind.example",
            ["Recipient TIN Type"] = "SSN", ["Recipient Taxpayer ID Number"] = "123456789", ["Recipient Name Type"] = "I",
            ["Recipient Business or Entity Name Line 1"] = "", ["Recipient Business or Entity Name Line 2"] = "",
            ["Recipient First Name"] = "Ada", ["Recipient Middle Name"] = "King", ["Recipient Last Name (Surname)"] = "Lovelace",
            ["Recipient Suffix"] = "", ["Recipient Country"] = "US", ["Recipient Address Line 1"] = "12 Analytical Way",
            ["Recipient Address Line 2"] = "Apt 4", ["Recipient City/Town"] = "Austin", ["Recipient State/Province/Territory"] = "TX",
            ["Recipient ZIP/Postal Code"] = "73301", ["Office Code"] = "", ["Form Account Number"] = "7", ["2nd TIN Notice"] = "N",
            ["Box 1 - Nonemployee Compensation"] = "2000.00",
            ["Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale"] = "N",
            ["Box 4 - Federal income tax withheld"] = "", ["Combined Federal/State Filing"] = "N",
        };
        foreach (var column in TemplateHeader.Split(','))
            Assert.True(expected.GetValueOrDefault(column, "") == person[column], $"{column}: expected '{expected.GetValueOrDefault(column, "")}', got '{person[column]}'");

        var business = rows[1];
        Assert.Equal("EIN", business["Recipient TIN Type"]);
        Assert.Equal("987654321", business["Recipient Taxpayer ID Number"]);
        Assert.Equal("B", business["Recipient Name Type"]);
        Assert.Equal("Babbage Engines", business["Recipient Business or Entity Name Line 1"]);
        Assert.Equal("Difference Studio", business["Recipient Business or Entity Name Line 2"]);
        Assert.Equal("", business["Recipient First Name"]);
        Assert.Equal("", business["Recipient Last Name (Surname)"]);
        Assert.Equal("12345.67", business["Box 1 - Nonemployee Compensation"]);
        Assert.Equal("02110", business["Recipient ZIP/Postal Code"]);
    }

    [Fact]
    public void A_hundred_returns_make_one_file_and_a_hundred_and_one_make_two()
    {
        NecReturn[] Returns(int n) => Enumerable.Range(1, n).Select(i => new NecReturn(NecSamples.Person(i), 2_500_00)).ToArray();

        var one = Assert.Single(IrisCsv.Files(2026, NecSamples.Payer, Returns(100)));
        Assert.Equal("iris-1099-nec-2026.csv", one.Name);
        Assert.Equal(100, Read(one.Bytes).Count);

        var two = IrisCsv.Files(2026, NecSamples.Payer, Returns(101));
        Assert.Equal(["iris-1099-nec-2026-1.csv", "iris-1099-nec-2026-2.csv"], two.Select(f => f.Name));
        Assert.Equal(100, Read(two[0].Bytes).Count);
        var last = Assert.Single(Read(two[1].Bytes));
        Assert.Equal("101", last["Form Account Number"]);

        using var zip = new ZipArchive(new MemoryStream(IrisCsv.Zip(two)));
        Assert.Equal(["iris-1099-nec-2026-1.csv", "iris-1099-nec-2026-2.csv"], zip.Entries.Select(e => e.FullName));
        using var entry = new StreamReader(zip.Entries[1].Open());
        Assert.Single(Read(Encoding.UTF8.GetBytes(entry.ReadToEnd())));
    }

    [Fact]
    public void Corrected_returns_go_in_their_own_named_files()
    {
        var files = IrisCsv.Files(2026, NecSamples.Payer, [new NecReturn(NecSamples.Person(), 2_400_00, new NecCorrection("2026-12345678"))]);
        Assert.Equal("iris-1099-nec-2026-corrected.csv", Assert.Single(files).Name);
        Assert.Equal("2400.00", Assert.Single(Read(files[0].Bytes))["Box 1 - Nonemployee Compensation"]);
        Assert.Throws<ArgumentException>(() => IrisCsv.Write(2026, NecSamples.Payer,
            [new NecReturn(NecSamples.Person(1), 1), new NecReturn(NecSamples.Person(2), 1, new NecCorrection("r"))]));
    }
}
