namespace CodexProxy.Auth;

/// <summary>
/// Where each account lives under the proxy's home: the default account is <c>tokens.json</c> (with <c>usage.json</c>
/// and the refresh lock beside it), a further account is <c>accounts/&lt;name&gt;/tokens.json</c> with its own
/// <c>usage.json</c> and lock beside it. An account exists while its <c>tokens.json</c> does.
/// </summary>
internal static class AccountDirectory
{
    public const string AccountsFolder = "accounts";

    public static string TokensPath(string home, AccountName account) =>
        account.IsDefault ? Path.Combine(home, "tokens.json") : Path.Combine(home, AccountsFolder, account.Value, "tokens.json");

    /// <summary>The further accounts that have a login on disk, by name. Directories with other names are ignored.</summary>
    public static IReadOnlyList<AccountName> FurtherAccounts(string home)
    {
        var root = Path.Combine(home, AccountsFolder);
        if (!Directory.Exists(root))
        {
            return [];
        }

        try
        {
            return [.. Directory.EnumerateDirectories(root)
                .Select(Path.GetFileName)
                .Select(name => AccountName.TryParse(name, out var parsed) && !parsed.IsDefault ? parsed : null)
                .OfType<AccountName>()
                .Where(name => File.Exists(TokensPath(home, name)))
                .OrderBy(name => name.Value, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Removes what the proxy keeps for a further account (tokens, usage, lock) and its directory when that is
    /// then empty; anything else the user put there is left alone.</summary>
    public static void RemoveFurtherAccount(string home, AccountName account)
    {
        if (account.IsDefault)
        {
            throw new ArgumentException("The default account has no directory of its own.", nameof(account));
        }

        var tokens = TokensPath(home, account);
        var directory = Path.GetDirectoryName(tokens)!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in new[] { tokens, tokens + ".lock", Path.Combine(directory, "usage.json") })
        {
            File.Delete(file);
        }

        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }
    }
}
