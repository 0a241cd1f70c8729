namespace KesGateway.Server.Hosting;

/// <summary>The composition root that the CLI's <c>server</c> command and the tests call.</summary>
public static class GatewayApp
{
    /// <summary>Gets the product version reported by <c>/version</c> and <c>kesgw --version</c>.</summary>
    public static string Version { get; } =
        typeof(GatewayApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Gets the source commit the build came from, or <c>&lt;unknown&gt;</c>, as KES reports it.</summary>
    public static string Commit { get; } =
        typeof(GatewayApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute { InformationalVersion: var v }, ..] && v.Contains('+', StringComparison.Ordinal)
            ? v[(v.IndexOf('+', StringComparison.Ordinal) + 1)..]
            : "<unknown>";
}
