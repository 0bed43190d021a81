namespace CodexProxy.Auth;

/// <summary>The auth server could not refresh the login for a passing reason (unreachable, 5xx). Unlike
/// <see cref="NotLoggedInException"/>, trying again later may work.</summary>
internal sealed class AuthServerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
