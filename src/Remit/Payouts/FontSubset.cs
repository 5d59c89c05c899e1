using System.Runtime.InteropServices;
using SkiaSharp;

namespace Remit.Payouts;

// Skia's PDF backend embeds every font file whole (several MB for a CJK face), so each face is cut down to the
// characters a statement uses before Skia sees it. HarfBuzzSharp's managed API has no subsetter, but the native
// library it ships exports hb-subset.
internal static class FontSubset
{
    private const string HarfBuzz = "libHarfBuzzSharp";
    private const int MemoryModeReadOnly = 1;

    // Viewers rasterise with their own hinting, so the TrueType instructions are dead weight in a PDF.
    private const uint NoHintingFlag = 0x1;

    /// <summary>
    /// A copy of <paramref name="typeface"/> holding only the glyphs for <paramref name="codepoints"/> and whatever
    /// its GSUB rules can turn them into, so shaping the subset (Arabic joining forms, ligatures) still works.
    /// </summary>
    public static SKTypeface Subset(SKTypeface typeface, IEnumerable<int> codepoints)
    {
        using var stream = typeface.OpenStream(out var faceIndex);
        using var font = SKData.Create(stream);
        var blob = hb_blob_create(font.Data, checked((uint)font.Size), MemoryModeReadOnly, IntPtr.Zero, IntPtr.Zero);
        var face = hb_face_create(blob, (uint)faceIndex);
        var input = hb_subset_input_create_or_fail();
        var subsetFace = IntPtr.Zero;
        var subsetBlob = IntPtr.Zero;
        try
        {
            if (input == IntPtr.Zero)
            {
                throw new InvalidOperationException("HarfBuzz could not allocate a subset input.");
            }
            var unicodes = hb_subset_input_unicode_set(input);
            foreach (var codepoint in codepoints)
            {
                hb_set_add(unicodes, (uint)codepoint);
            }
            hb_subset_input_set_flags(input, NoHintingFlag);
            subsetFace = hb_subset_or_fail(face, input);
            if (subsetFace == IntPtr.Zero)
            {
                throw new InvalidOperationException($"HarfBuzz could not subset the font {typeface.FamilyName}.");
            }
            subsetBlob = hb_face_reference_blob(subsetFace);
            var data = hb_blob_get_data(subsetBlob, out var length);
            return SKTypeface.FromData(SKData.CreateCopy(data, length))
                ?? throw new InvalidOperationException($"Skia rejected the subset of {typeface.FamilyName}.");
        }
        finally
        {
            hb_blob_destroy(subsetBlob);
            hb_face_destroy(subsetFace);
            hb_subset_input_destroy(input);
            hb_face_destroy(face);
            hb_blob_destroy(blob);
        }
    }

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_blob_create(IntPtr data, uint length, int mode, IntPtr userData, IntPtr destroy);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_blob_get_data(IntPtr blob, out uint length);

    [DllImport(HarfBuzz)]
    private static extern void hb_blob_destroy(IntPtr blob);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_face_create(IntPtr blob, uint index);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_face_reference_blob(IntPtr face);

    [DllImport(HarfBuzz)]
    private static extern void hb_face_destroy(IntPtr face);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_input_create_or_fail();

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_input_unicode_set(IntPtr input);

    [DllImport(HarfBuzz)]
    private static extern void hb_subset_input_set_flags(IntPtr input, uint flags);

    [DllImport(HarfBuzz)]
    private static extern void hb_subset_input_destroy(IntPtr input);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_or_fail(IntPtr face, IntPtr input);

    [DllImport(HarfBuzz)]
    private static extern void hb_set_add(IntPtr set, uint codepoint);
}
