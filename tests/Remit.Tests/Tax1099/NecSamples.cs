using Remit.Tax1099;

namespace Remit.Tests.Tax1099;

internal static class NecSamples
{
    public static readonly NecPayer Payer = new("Northwind Traders LLC", "121234567",
        new UsAddress("500 Market St", "Suite 300", "San Francisco", "CA", "94105"), "4155550100", "tax@northwind.example", "A1B2C");

    public static NecRecipient Person(long id = 7, string name = "Ada King Lovelace", string tin = "123456789") =>
        new(id, name, null, NecTinType.Ssn, tin, new UsAddress("12 Analytical Way", "Apt 4", "Austin", "TX", "73301"));

    public static NecRecipient Business(long id = 9) =>
        new(id, "Babbage Engines", "Difference Studio", NecTinType.Ein, "987654321", new UsAddress("1 Engine Rd", null, "Boston", "MA", "02110"));
}
