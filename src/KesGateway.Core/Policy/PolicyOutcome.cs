namespace KesGateway.Core.Policy;

/// <summary>Why a request was allowed or refused.</summary>
public enum PolicyOutcome
{
    /// <summary>The caller is the admin identity; policies do not apply.</summary>
    Admin,

    /// <summary>An allow pattern of the caller's policy matched and no deny pattern did.</summary>
    Allowed,

    /// <summary>A deny pattern of the caller's policy matched.</summary>
    Denied,

    /// <summary>No pattern of the caller's policy matched.</summary>
    NotAllowed,

    /// <summary>The caller is not the admin and is assigned to no policy.</summary>
    UnknownIdentity,
}
