using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>--config names a file; a directory given by mistake is named as such, with the file to give instead.</summary>
public sealed class ConfigDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ConfigRequest Request(string file) => new() { ConfigFiles = [file], CurrentDirectory = _dir.Path, BaseDirectory = _dir.Path };

    [Fact]
    public void A_directory_is_refused_as_a_directory_naming_the_file_to_give()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "conf"));

        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request("conf")));

        Assert.Contains("'conf' is a directory", e.Message);
        Assert.Contains(Path.Combine("conf", "appsettings.json"), e.Message);
        Assert.DoesNotContain("does not exist", e.Message);
    }

    /// <summary>The control: a name that is neither file nor directory still says it does not exist.</summary>
    [Fact]
    public void A_missing_path_still_says_it_does_not_exist()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request("conf")));

        Assert.Contains("does not exist", e.Message);
        Assert.DoesNotContain("is a directory", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
