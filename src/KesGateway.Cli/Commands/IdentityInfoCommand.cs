using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw identity info</c>: describes an identity (<c>GET /v1/identity/describe/ID</c>), or without one the
/// caller's own identity and policy (<c>GET /v1/identity/self/describe</c>).
/// </summary>
internal sealed class IdentityInfoCommand : ClientCommand
{
    private readonly Argument<string?> _identity = new("IDENTITY")
    {
        Description = "The identity (64 hex characters) to describe. [default: your own]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _json = JsonOption("the identity's description");

    /// <summary>Creates the command.</summary>
    public IdentityInfoCommand(CliContext context)
        : base("info", """
            Print an identity's role (Admin or User), its policy and when it was assigned. Without IDENTITY, print
            the identity you connect with and, unless you are the admin, the rules of your policy.

            Examples:
              kesgw identity info
              kesgw identity info 3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22
            """, context)
    {
        Arguments.Add(_identity);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetValue(_identity));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var identity = parseResult.GetValue(_identity);
        IdentityInfoResult result;
        if (identity is null)
        {
            var self = await connection.CallAsync("failed to describe your identity", c => c.DescribeSelfAsync(cancellationToken),
                $"Your identity is {connection.Client.Identity}. The server has it neither as admin nor in a policy "
                + "(KES servers, unlike KesGateway, answer this for every identity but the admin's)");
            result = new IdentityInfoResult
            {
                Identity = self.Identity,
                Admin = self.Admin,
                Policy = string.IsNullOrEmpty(self.Policy) ? null : self.Policy,
                Allow = self.Allow,
                Deny = self.Deny,
                CreatedAt = self.CreatedAt,
                CreatedBy = string.IsNullOrEmpty(self.CreatedBy) ? null : self.CreatedBy,
            };
        }
        else
        {
            var info = await connection.CallAsync($"failed to describe identity '{identity}'", c => c.DescribeIdentityAsync(identity, cancellationToken),
                "List the identities with 'kesgw identity ls'");
            result = new IdentityInfoResult
            {
                Identity = identity,
                Admin = info.Admin,
                Policy = string.IsNullOrEmpty(info.Policy) ? null : info.Policy,
                CreatedAt = info.CreatedAt,
                CreatedBy = string.IsNullOrEmpty(info.CreatedBy) ? null : info.CreatedBy,
            };
        }

        var stdout = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(_json) || !Context.IsTerminal)
        {
            await stdout.WriteAsync(Json(result, CliJsonContext.Relaxed.IdentityInfoResult));
            return CliExitCodes.Success;
        }

        var text = new StringBuilder();
        Row(text, "Identity", result.Identity);
        if (identity is not null && result.Policy is not null)
        {
            Row(text, "Policy", result.Policy);
        }

        Row(text, "Created At", Date(result.CreatedAt));
        Row(text, "Role", result.Admin ? "Admin" : "User");
        if (result.CreatedBy is not null)
        {
            Row(text, "Created By", result.CreatedBy);
        }

        if (identity is null && result.Policy is not null)
        {
            text.Append('\n');
            Row(text, "Policy", result.Policy);
            Rules(text, "Allow", result.Allow);
            Rules(text, "Deny", result.Deny);
        }

        await stdout.WriteAsync(text.ToString());
        return CliExitCodes.Success;
    }

    private static void Rules(StringBuilder text, string label, IReadOnlyDictionary<string, EmptyObject>? rules)
    {
        if (rules is not { Count: > 0 })
        {
            return;
        }

        text.Append(label).Append('\n');
        foreach (var rule in rules.Keys.Order(StringComparer.Ordinal))
        {
            text.Append(' ', 11).Append(" · ").Append(rule).Append('\n');
        }
    }
}
