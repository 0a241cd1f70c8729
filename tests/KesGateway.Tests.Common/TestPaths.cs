namespace KesGateway.Tests.Common;

/// <summary>Finds the shared KES test vectors beside the repository (../shared/vectors).</summary>
public static class TestPaths
{
    public static string Vectors => VectorsPath.Value;

    private static readonly Lazy<string> VectorsPath = new(FindVectors);

    private static string FindVectors()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KESGW_VECTORS");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "KES test vectors not found: expected a 'shared/vectors' folder beside the repository, or set KESGW_VECTORS.");
    }
}
