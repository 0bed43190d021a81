using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredTokens))]
[JsonSerializable(typeof(TokenEndpointResponse))]
[JsonSerializable(typeof(RefreshTokenRequest))]
[JsonSerializable(typeof(RevokeTokenRequest))]
[JsonSerializable(typeof(DeviceUserCodeRequest))]
[JsonSerializable(typeof(DeviceUserCodeResponse))]
[JsonSerializable(typeof(DeviceTokenRequest))]
[JsonSerializable(typeof(DeviceTokenResponse))]
[JsonSerializable(typeof(UsageSnapshot))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
