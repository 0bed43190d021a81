namespace CodexProxy.Anthropic;

/// <summary>The client's request is malformed or asks for something we cannot carry: a 400 <c>invalid_request_error</c>.</summary>
internal sealed class InvalidRequestException(string message) : Exception(message);
