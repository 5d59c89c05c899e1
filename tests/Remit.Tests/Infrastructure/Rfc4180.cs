using System.Text;

namespace Remit.Tests.Infrastructure;

/// <summary>
/// A strict RFC 4180 reader for the tests, so a CSV is never read back by the library that wrote it: records end with
/// CRLF (the last one too), a field is either plain (no quote, CR or LF) or wholly quoted with quotes doubled, and
/// anything else fails the test rather than being read leniently.
/// </summary>
public static class Rfc4180
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "A quoted field is not closed.");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                Assert.True(i < text.Length && text[i] is ',' or '\r', $"Text after a closing quote at {i}.");
            }
            else
            {
                while (i < text.Length && text[i] is not ',' and not '\r')
                {
                    Assert.False(text[i] is '"' or '\n', $"A quote or bare LF in an unquoted field at {i}.");
                    field.Append(text[i++]);
                }
            }
            fields.Add(field.ToString());
            field.Clear();
            Assert.True(i < text.Length, "The last record does not end with CRLF.");
            if (text[i] == ',') { i++; continue; }
            Assert.True(i + 1 < text.Length && text[i + 1] == '\n', $"A bare CR at {i}.");
            i += 2;
            records.Add(fields.ToArray());
            fields.Clear();
        }
        Assert.True(records.Count == 0 || records.All(r => r.Length == records[0].Length), "Records differ in field count.");
        return records;
    }
}
