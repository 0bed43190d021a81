using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CodexProxy.Auth;

/// <summary>
/// The name of one ChatGPT account the proxy holds: <c>default</c> (the seed's <c>tokens.json</c>) or a further one
/// under <c>accounts/&lt;name&gt;/</c>. Lower-case letters, digits, <c>_</c> and <c>-</c>, at most 32 characters and
/// starting with a letter or digit, so a name can never climb out of the accounts directory (<c>..</c>, <c>/</c>).
/// </summary>
internal sealed partial record AccountName
{
    public const string DefaultValue = "default";

    public static readonly AccountName Default = new(DefaultValue);

    private AccountName(string value) => Value = value;

    public string Value { get; }

    public bool IsDefault => Value == DefaultValue;

    public static bool TryParse(string? text, [NotNullWhen(true)] out AccountName? name)
    {
        name = text is not null && ValidName().IsMatch(text) ? (text == DefaultValue ? Default : new AccountName(text)) : null;
        return name is not null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a message for the user when <paramref name="text"/> is no valid name.</summary>
    public static AccountName Parse(string text) =>
        TryParse(text, out var name)
            ? name
            : throw new ArgumentException(
                $"'{text}' is not a valid account name: use 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit.",
                nameof(text));

    public override string ToString() => Value;

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
