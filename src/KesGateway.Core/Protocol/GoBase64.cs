using System.Buffers;
using System.Buffers.Text;

namespace KesGateway.Core.Protocol;

/// <summary>
/// Base64 as Go's <c>base64.StdEncoding</c> decodes it (the rule for every <c>[]byte</c> in KES's JSON and for stored
/// key versions): standard alphabet, padding required, CR and LF ignored anywhere, every other character an error,
/// and (unlike the BCL) non-zero unused bits in the last character before the padding ignored.
/// </summary>
internal static class GoBase64
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Validates <paramref name="utf8"/> and returns the length it decodes to.</summary>
    internal static bool TryGetDecodedLength(ReadOnlySpan<byte> utf8, out int length)
    {
        length = 0;
        if (HasForbiddenWhitespace(utf8))
        {
            return false;
        }

        if (Base64.IsValid(utf8, out length))
        {
            return true;
        }

        if (!TryFindNonCanonicalTail(utf8, out var index, out var replacement))
        {
            return false;
        }

        var copy = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            utf8.CopyTo(copy);
            copy[index] = replacement;
            return Base64.IsValid(copy.AsSpan(0, utf8.Length), out length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy, clearArray: true);
        }
    }

    /// <summary>Decodes <paramref name="utf8"/> into <paramref name="destination"/>; false if it is not valid or does not fit.</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> utf8, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (HasForbiddenWhitespace(utf8))
        {
            return false;
        }

        if (TryDecodeCore(utf8, destination, out bytesWritten))
        {
            return true;
        }

        if (!TryFindNonCanonicalTail(utf8, out var index, out var replacement))
        {
            return false;
        }

        var copy = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            utf8.CopyTo(copy);
            copy[index] = replacement;
            return TryDecodeCore(copy.AsSpan(0, utf8.Length), destination, out bytesWritten);
        }
        finally
        {
            // The text may be a key in base64.
            ArrayPool<byte>.Shared.Return(copy, clearArray: true);
        }
    }

    private static bool TryDecodeCore(ReadOnlySpan<byte> utf8, Span<byte> destination, out int bytesWritten)
    {
        var status = Base64.DecodeFromUtf8(utf8, destination, out var consumed, out bytesWritten, isFinalBlock: true);
        return status == OperationStatus.Done && consumed == utf8.Length;
    }

    // The BCL also skips spaces and tabs, which Go rejects.
    private static bool HasForbiddenWhitespace(ReadOnlySpan<byte> utf8) => utf8.IndexOfAny((byte)' ', (byte)'\t') >= 0;

    // Finds the last character before one or two '=' (CR/LF skipped) whose unused low bits are set, and the
    // character with those bits cleared, which is what Go effectively decodes.
    private static bool TryFindNonCanonicalTail(ReadOnlySpan<byte> utf8, out int index, out byte replacement)
    {
        index = -1;
        replacement = 0;
        var padding = 0;
        for (var i = utf8.Length - 1; i >= 0; i--)
        {
            var c = utf8[i];
            if (c is (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            if (c == '=')
            {
                padding++;
                continue;
            }

            var value = Alphabet.IndexOf((char)c, StringComparison.Ordinal);
            var used = padding switch { 1 => 0x3C, 2 => 0x30, _ => 0x3F };
            if (value < 0 || (value & ~used) == 0)
            {
                return false;
            }

            index = i;
            replacement = (byte)Alphabet[value & used];
            return true;
        }

        return false;
    }
}
