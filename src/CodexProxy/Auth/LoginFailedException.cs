namespace CodexProxy.Auth;

/// <summary>An interactive login did not complete (timeout, denied, cancelled); the message says what to do next.</summary>
internal sealed class LoginFailedException(string message, Exception? inner = null) : Exception(message, inner);
