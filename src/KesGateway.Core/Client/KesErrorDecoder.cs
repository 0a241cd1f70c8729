using System.Text;
using System.Text.Json;
using KesGateway.Core.Protocol;

namespace KesGateway.Core.Client;

/// <summary>
/// Turns an error answer into KES's (status, message), as kms-go's <c>parseErrorResponse</c> does: JSON bodies carry
/// <c>message</c> (current servers) or <c>error</c> (which wins when set); any other body is the message as text.
/// </summary>
internal static class KesErrorDecoder
{
    /// <summary>Decodes the error of <paramref name="status"/> from its (already bounded) body.</summary>
    public static KesError Decode(int status, string? contentType, ReadOnlySpan<byte> body)
    {
        if (contentType is not null && contentType.Trim().StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            if (TryReadMessage(body, out var message))
            {
                return Legacy(new KesError(status, message));
            }

            // Not the JSON it claims to be: keep the status and show what was sent.
            return new KesError(status, Text(body));
        }

        return new KesError(status, Text(body));
    }

    // Servers up to v0.22 used other texts for two errors that clients compare.
    private static KesError Legacy(KesError error) => error switch
    {
        (400, "key does already exist") => KesErrors.KeyExists,
        (403, "prohibited by policy") => KesErrors.NotAuthorized,
        _ => error,
    };

    private static string Text(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body);

    // Reads the first JSON value only (Go's Decoder ignores what follows); names match case-insensitively and the last
    // duplicate wins, as Go's encoding/json does.
    private static bool TryReadMessage(ReadOnlySpan<byte> body, out string message)
    {
        message = string.Empty;
        string? fromMessage = null;
        string? fromError = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    return false;
                }

                var isMessage = string.Equals(name, "message", StringComparison.OrdinalIgnoreCase);
                var isError = string.Equals(name, "error", StringComparison.OrdinalIgnoreCase);
                if ((isMessage || isError) && reader.TokenType is JsonTokenType.String or JsonTokenType.Null)
                {
                    var value = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    if (isMessage)
                    {
                        fromMessage = value;
                    }
                    else
                    {
                        fromError = value;
                    }
                }
                else if (isMessage || isError)
                {
                    return false;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        message = !string.IsNullOrEmpty(fromError) ? fromError : fromMessage ?? string.Empty;
        return true;
    }
}
