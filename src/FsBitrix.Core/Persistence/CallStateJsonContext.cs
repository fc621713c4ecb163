using System.Text.Json.Serialization;
using FsBitrix.Core.Calls;

namespace FsBitrix.Core.Persistence;

// Source-generated: no reflection at run time. A missing key or a null where the model has none is refused.
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    IgnoreReadOnlyProperties = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CallState))]
internal sealed partial class CallStateJsonContext : JsonSerializerContext;
