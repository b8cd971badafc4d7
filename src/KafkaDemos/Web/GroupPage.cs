using System.Reflection;

namespace KafkaDemos.Web;

/// <summary>
/// The live page as one self-contained HTML document: its markup, style and scripts are separate
/// files in the source (each readable on its own) shipped inside the executable, and put together
/// here into one response. Nothing on the page is fetched from anywhere but this server.
/// </summary>
public static class GroupPage
{
    private static readonly string[] Parts = ["page.css", "lanes.js", "charts.js", "page.js"];

    public static string Html()
    {
        string html = Read("index.html");
        foreach (string part in Parts) html = html.Replace($"/*{part}*/", Read(part), StringComparison.Ordinal);
        return html;
    }

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"KafkaDemos.Web.Page.{name}")
            ?? throw new InvalidOperationException($"the page's {name} is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
