using System.Globalization;
using System.Text;
using System.Xml;

namespace Remit.Tax1099;

/// <summary>
/// The IRIS A2A transmission of a year's 1099-NEC returns (Publication 5718, namespace urn:us:gov:treasury:irs:ir):
/// the transmission manifest (who transmits, with the payer's IRIS TCC, and the counts), then one submission for the
/// payer — its header (issuer, contact, form type, count and box 1 total) and its detail, one Form1099NECDetail per
/// recipient — in the schema's element order. Originals and corrections are separate transmissions
/// (TransmissionTypeCd O or C), as IRIS requires; a corrected record names the original's receipt id, submission and
/// record (PrevSubmittedRecRecipientGrp). Written with XmlWriter, which escapes every value.
/// </summary>
public static class IrisXml
{
    public const string Namespace = "urn:us:gov:treasury:irs:ir";

    /// <summary>The one submission of a transmission: Remit files one payer and one form type at a time.</summary>
    public const string SubmissionId = "1";

    /// <param name="transmissionGuid">Unique per transmission (the IRS refuses a repeated UniqueTransmissionId).</param>
    /// <param name="test">TestCd T for the IRS's assurance testing (ATS), else P.</param>
    public static byte[] Write(int year, NecPayer payer, IReadOnlyList<NecReturn> returns, Guid transmissionGuid, bool test = false)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(returns);
        var correction = returns.Any(r => r.Corrected);
        if (correction && returns.Any(r => !r.Corrected))
            throw new ArgumentException("Original and corrected returns go in separate transmissions.", nameof(returns));
        var taxYear = year.ToString(CultureInfo.InvariantCulture);
        var total = returns.Sum(r => r.AmountCents);

        using var bytes = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
        using (var x = XmlWriter.Create(bytes, settings))
        {
            void El(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value)) x.WriteElementString(name, Namespace, value);
            }
            void Open(string name) => x.WriteStartElement(name, Namespace);
            void Close() => x.WriteEndElement();
            void BusinessName(string line1, string? line2)
            {
                Open("BusinessName");
                El("BusinessNameLine1Txt", line1);
                El("BusinessNameLine2Txt", line2);
                Close();
            }
            void Address(UsAddress a)
            {
                Open("MailingAddressGrp");
                Open("USAddress");
                El("AddressLine1Txt", a.Line1);
                El("AddressLine2Txt", a.Line2);
                El("CityNm", a.City);
                El("StateAbbreviationCd", a.State);
                El("ZIPCd", a.Zip);
                Close();
                Close();
            }

            x.WriteStartDocument();
            Open("IRTransmission");

            Open("IRTransmissionManifest");
            El("UniqueTransmissionId", $"{transmissionGuid:D}:IRIS:{payer.IrisTcc}::A");
            El("TaxYr", taxYear);
            El("PriorYearDataInd", "0");
            El("TransmissionTypeCd", correction ? "C" : "O");
            El("TestCd", test ? "T" : "P");
            Open("TransmitterGrp");
            El("TIN", payer.Ein);
            El("TINSubmittedTypeCd", "BUSINESS_TIN");
            El("TransmitterControlCd", payer.IrisTcc);
            El("ForeignEntityInd", "0");
            BusinessName(payer.Name, null);
            Open("CompanyGrp");
            BusinessName(payer.Name, null);
            Address(payer.Address);
            Close();
            Open("ContactNameGrp");
            El("PersonNm", payer.Name);
            Close();
            El("ContactEmailAddressTxt", payer.ContactEmail);
            El("ContactPhoneNum", payer.Phone);
            Close();
            El("VendorCd", "I");
            El("TotalIssuerFormCnt", "1");
            El("TotalRecipientFormCnt", returns.Count.ToString(CultureInfo.InvariantCulture));
            El("PaperSubmissionInd", "0");
            El("MediaSourceCd", "M");
            El("SubmissionChannelCd", "A2A");
            Close();

            Open("IRSubmission1Grp");
            Open("IRSubmission1Header");
            El("SubmissionId", SubmissionId);
            El("TaxYr", taxYear);
            Open("IssuerDetail");
            El("ForeignEntityInd", "0");
            El("TIN", payer.Ein);
            El("TINSubmittedTypeCd", "BUSINESS_TIN");
            BusinessName(payer.Name, null);
            Address(payer.Address);
            El("PhoneNum", payer.Phone);
            Close();
            Open("ContactPersonInformationGrp");
            El("ContactPersonNm", payer.Name);
            El("ContactPhoneNum", payer.Phone);
            El("ContactEmailAddressTxt", payer.ContactEmail);
            Close();
            El("FormTypeCd", "1099NEC");
            El("ParentFormTypeCd", "1096");
            El("CFSFElectionInd", "0");
            El("TotalReportedRcpntFormCnt", returns.Count.ToString(CultureInfo.InvariantCulture));
            Open("IRSubmission1FormTotals");
            Open("Form1099NECTotalAmtGrp");
            El("NonemployeeCompensationAmt", NecAmount.Dollars(total));
            Close();
            Close();
            Close();

            Open("IRSubmission1Detail");
            foreach (var r in returns)
            {
                Open("Form1099NECDetail");
                El("TaxYr", taxYear);
                El("RecordId", r.RecordId);
                El("VoidInd", "0");
                El("CorrectedInd", r.Corrected ? "1" : "0");
                if (r.Correction is { } c)
                {
                    Open("PrevSubmittedRecRecipientGrp");
                    El("UniqueRecordId", $"{c.OriginalReceiptId}|{SubmissionId}|{r.RecordId}");
                    Close();
                }
                var recipient = r.Recipient;
                Open("RecipientDetail");
                El("TIN", recipient.Tin);
                El("TINSubmittedTypeCd", recipient.IsIndividual ? "INDIVIDUAL_TIN" : "BUSINESS_TIN");
                if (recipient.IsIndividual)
                {
                    var (first, middle, last) = recipient.NameParts;
                    Open("PersonName");
                    El("PersonFirstNm", first);
                    El("PersonMiddleNm", middle);
                    El("PersonLastNm", last);
                    Close();
                }
                else
                {
                    BusinessName(recipient.Name, recipient.BusinessName);
                }
                Address(recipient.Address);
                Close();
                El("RecipientAccountNum", r.RecordId);
                El("SecondTINNoticeInd", "0");
                El("NonemployeeCompensationAmt", NecAmount.Dollars(r.AmountCents));
                Close();
            }
            Close();
            Close();

            Close();
            x.WriteEndDocument();
        }
        return bytes.ToArray();
    }
}
