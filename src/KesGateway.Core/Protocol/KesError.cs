namespace KesGateway.Core.Protocol;

/// <summary>An error as KES sends it: a status code and a message that clients compare byte for byte.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Message">The message; clients (kms-go, MinIO) match errors by (status, message).</param>
public readonly record struct KesError(int Status, string Message);
