namespace KesGateway.Tests.Common.Vault;

/// <summary>Who a JWT from the double's table of accepted JWTs speaks for.</summary>
internal sealed record KubernetesServiceAccount(string Name, string Namespace, string Uid, string SecretName);
