using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Remit.Tax1099;

namespace Remit.Tests.Tax1099;

/// <summary>The IRIS A2A transmission: well-formed, in the IRS namespace, Publication 5718's element order, totals that agree.</summary>
public sealed class IrisXmlTests
{
    private static readonly XNamespace Ir = "urn:us:gov:treasury:irs:ir";

    private static XDocument Parse(byte[] bytes)
    {
        // A strict reader: a malformed document throws here.
        using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    }

    private static string[] Children(XElement e) => e.Elements().Select(c => c.Name.LocalName).ToArray();

    [Fact]
    public void The_manifest_submission_and_form_records_come_in_the_publications_order_in_the_irs_namespace()
    {
        var doc = Parse(IrisXml.Write(2026, NecSamples.Payer,
            [new NecReturn(NecSamples.Person(), 2_000_00), new NecReturn(NecSamples.Business(), 12_345_67)], Guid.Parse("6f1c4b2a-0000-4000-8000-000000000001")));

        var root = doc.Root!;
        Assert.Equal(Ir + "IRTransmission", root.Name);
        Assert.All(root.DescendantsAndSelf(), e => Assert.Equal(Ir, e.Name.Namespace));
        Assert.Equal(["IRTransmissionManifest", "IRSubmission1Grp"], Children(root));

        var manifest = root.Element(Ir + "IRTransmissionManifest")!;
        Assert.Equal(["UniqueTransmissionId", "TaxYr", "PriorYearDataInd", "TransmissionTypeCd", "TestCd", "TransmitterGrp", "VendorCd",
            "TotalIssuerFormCnt", "TotalRecipientFormCnt", "PaperSubmissionInd", "MediaSourceCd", "SubmissionChannelCd"], Children(manifest));
        Assert.Equal("6f1c4b2a-0000-4000-8000-000000000001:IRIS:A1B2C::A", manifest.Element(Ir + "UniqueTransmissionId")!.Value);
        Assert.Equal("O", manifest.Element(Ir + "TransmissionTypeCd")!.Value);
        Assert.Equal("2026", manifest.Element(Ir + "TaxYr")!.Value);
        var transmitter = manifest.Element(Ir + "TransmitterGrp")!;
        Assert.Equal(["TIN", "TINSubmittedTypeCd", "TransmitterControlCd", "ForeignEntityInd", "BusinessName", "CompanyGrp",
            "ContactNameGrp", "ContactEmailAddressTxt", "ContactPhoneNum"], Children(transmitter));
        Assert.Equal("A1B2C", transmitter.Element(Ir + "TransmitterControlCd")!.Value);

        var group = root.Element(Ir + "IRSubmission1Grp")!;
        Assert.Equal(["IRSubmission1Header", "IRSubmission1Detail"], Children(group));
        var header = group.Element(Ir + "IRSubmission1Header")!;
        Assert.Equal(["SubmissionId", "TaxYr", "IssuerDetail", "ContactPersonInformationGrp", "FormTypeCd", "ParentFormTypeCd",
            "CFSFElectionInd", "TotalReportedRcpntFormCnt", "IRSubmission1FormTotals"], Children(header));
        Assert.Equal(["ForeignEntityInd", "TIN", "TINSubmittedTypeCd", "BusinessName", "MailingAddressGrp", "PhoneNum"],
            Children(header.Element(Ir + "IssuerDetail")!));
        Assert.Equal("121234567", header.Element(Ir + "IssuerDetail")!.Element(Ir + "TIN")!.Value);
        Assert.Equal("1099NEC", header.Element(Ir + "FormTypeCd")!.Value);

        var forms = group.Element(Ir + "IRSubmission1Detail")!.Elements().ToList();
        Assert.All(forms, f => Assert.Equal(Ir + "Form1099NECDetail", f.Name));
        Assert.Equal(["TaxYr", "RecordId", "VoidInd", "CorrectedInd", "RecipientDetail", "RecipientAccountNum", "SecondTINNoticeInd",
            "NonemployeeCompensationAmt"], Children(forms[0]));
        var person = forms[0].Element(Ir + "RecipientDetail")!;
        Assert.Equal(["TIN", "TINSubmittedTypeCd", "PersonName", "MailingAddressGrp"], Children(person));
        Assert.Equal("123456789", person.Element(Ir + "TIN")!.Value);
        Assert.Equal(["PersonFirstNm", "PersonMiddleNm", "PersonLastNm"], Children(person.Element(Ir + "PersonName")!));
        Assert.Equal("Lovelace", person.Element(Ir + "PersonName")!.Element(Ir + "PersonLastNm")!.Value);
        var business = forms[1].Element(Ir + "RecipientDetail")!;
        Assert.Equal(["TIN", "TINSubmittedTypeCd", "BusinessName", "MailingAddressGrp"], Children(business));
        Assert.Equal("BUSINESS_TIN", business.Element(Ir + "TINSubmittedTypeCd")!.Value);
        Assert.Equal(["AddressLine1Txt", "CityNm", "StateAbbreviationCd", "ZIPCd"],
            Children(business.Element(Ir + "MailingAddressGrp")!.Element(Ir + "USAddress")!));
    }

    [Fact]
    public void Counts_and_amounts_agree_with_the_returns()
    {
        var returns = Enumerable.Range(1, 7).Select(i => new NecReturn(NecSamples.Person(i), 2_000_00 + i * 1_01)).ToList();
        var root = Parse(IrisXml.Write(2026, NecSamples.Payer, returns, Guid.NewGuid())).Root!;

        var forms = root.Descendants(Ir + "Form1099NECDetail").ToList();
        Assert.Equal(7, forms.Count);
        Assert.Equal("7", root.Descendants(Ir + "TotalRecipientFormCnt").Single().Value);
        Assert.Equal("7", root.Descendants(Ir + "TotalReportedRcpntFormCnt").Single().Value);
        Assert.Equal("1", root.Descendants(Ir + "TotalIssuerFormCnt").Single().Value);
        Assert.Equal(returns.Select(r => r.Recipient.AffiliateId.ToString(CultureInfo.InvariantCulture)), forms.Select(f => f.Element(Ir + "RecordId")!.Value));
        var amounts = forms.Select(f => decimal.Parse(f.Element(Ir + "NonemployeeCompensationAmt")!.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(returns.Select(r => r.AmountCents / 100m), amounts);
        var total = root.Descendants(Ir + "Form1099NECTotalAmtGrp").Single().Element(Ir + "NonemployeeCompensationAmt")!.Value;
        Assert.Equal(amounts.Sum().ToString("0.00", CultureInfo.InvariantCulture), total);
        Assert.Equal("14028.28", total);
    }

    [Fact]
    public void A_correction_is_its_own_transmission_naming_the_filed_record()
    {
        var root = Parse(IrisXml.Write(2026, NecSamples.Payer,
            [new NecReturn(NecSamples.Person(), 2_400_00, new NecCorrection("2026-00012345"))], Guid.NewGuid())).Root!;
        Assert.Equal("C", root.Descendants(Ir + "TransmissionTypeCd").Single().Value);
        var form = root.Descendants(Ir + "Form1099NECDetail").Single();
        Assert.Equal("1", form.Element(Ir + "CorrectedInd")!.Value);
        Assert.Equal(["TaxYr", "RecordId", "VoidInd", "CorrectedInd", "PrevSubmittedRecRecipientGrp", "RecipientDetail",
            "RecipientAccountNum", "SecondTINNoticeInd", "NonemployeeCompensationAmt"], Children(form));
        Assert.Equal("2026-00012345|1|7", form.Element(Ir + "PrevSubmittedRecRecipientGrp")!.Element(Ir + "UniqueRecordId")!.Value);
        Assert.Equal("2400.00", form.Element(Ir + "NonemployeeCompensationAmt")!.Value);
    }

    [Fact]
    public void Names_with_markup_characters_are_escaped_not_breaking_the_document()
    {
        var recipient = NecSamples.Business() with { Name = "Smith & Sons <Ltd>" };
        var root = Parse(IrisXml.Write(2026, NecSamples.Payer, [new NecReturn(recipient, 5_000_00)], Guid.NewGuid())).Root!;
        Assert.Equal("Smith & Sons <Ltd>", root.Descendants(Ir + "BusinessNameLine1Txt").Last().Value);
    }
}
