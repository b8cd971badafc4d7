using KafkaDemos.Core;

namespace KafkaDemos.Web;

/// <summary>
/// The live page is served: {"event":"web_page","url":"http://127.0.0.1:5080/","loopback":true}.
/// <see cref="Loopback"/> false means anyone who can reach this machine can open it.
/// </summary>
public sealed record WebPageEvent(string Url, bool Loopback) : DemoEvent("web_page")
{
    public override string? ToText() => Loopback
        ? $"Live page: {Url}"
        : $"Live page: {Url} (listening on a non-loopback address: anyone who can reach this machine can open it)";
}
