namespace CodexProxy.Auth;

/// <summary>One account the server can send a request with: its credentials (own refresh, own lock file) and its
/// last-seen usage windows (own <c>usage.json</c>).</summary>
internal sealed record CodexAccount(AccountName Name, ICodexCredentials Credentials, UsageWindowsStore Usage);
