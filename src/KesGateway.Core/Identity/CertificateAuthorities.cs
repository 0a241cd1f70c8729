using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Core.Identity;

/// <summary>Loads the CA certificates a <c>ca:</c> setting names: a PEM file, or a directory of them like a system CA directory.</summary>
public static class CertificateAuthorities
{
    /// <summary>Loads every PEM certificate of <paramref name="path"/>; in a directory, files that are not PEM certificates are skipped.</summary>
    /// <exception cref="CertificateAuthorityException">Nothing usable: the message is the reason alone (e.g. <c>no such file or directory</c>),
    /// for the caller to put after the setting's name.</exception>
    public static X509Certificate2Collection LoadPem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var authorities = new X509Certificate2Collection();
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
            {
                try
                {
                    authorities.ImportFromPemFile(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    // Skipped, as a system CA directory's other files are.
                }
            }
        }
        else if (File.Exists(path))
        {
            try
            {
                authorities.ImportFromPemFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new CertificateAuthorityException(ex.Message, ex);
            }
        }
        else
        {
            throw new CertificateAuthorityException("no such file or directory");
        }

        return authorities.Count > 0 ? authorities : throw new CertificateAuthorityException("no PEM CA certificate found");
    }
}

/// <summary>A <c>ca:</c> setting names nothing usable; the message is the reason alone.</summary>
public sealed class CertificateAuthorityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CertificateAuthorityException()
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public CertificateAuthorityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its reason and cause.</summary>
    public CertificateAuthorityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
