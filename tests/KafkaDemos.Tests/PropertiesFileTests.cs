using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

public sealed class PropertiesFileTests
{
    [Fact]
    public void Reads_the_java_properties_forms()
    {
        var entries = PropertiesFile.Parse([
            "# comment", "! also a comment", "", "a=1", "b: 2", "c 3", "  d = spaced value  ",
            "long=first \\", "   second", "escaped=tab\\there", "unicode=\\u0041", "empty=",
        ], "x.properties").ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("1", entries["a"]);
        Assert.Equal("2", entries["b"]);
        Assert.Equal("3", entries["c"]);
        Assert.Equal("spaced value", entries["d"]);
        Assert.Equal("first second", entries["long"]);
        Assert.Equal("tab\there", entries["escaped"]);
        Assert.Equal("A", entries["unicode"]);
        Assert.Equal("", entries["empty"]);
        Assert.Equal(8, entries.Count);
    }

    [Fact]
    public void Malformed_unicode_escape_names_file_and_line()
    {
        var e = Assert.Throws<UsageException>(() => PropertiesFile.Parse(["ok=1", "bad=\\u00"], "client.properties"));

        Assert.Contains("client.properties:2", e.Message);
    }

    [Theory]
    [InlineData("orders", "orders", 4)]
    [InlineData("orders:6", "orders", 6)]
    public void Topic_declarations_parse(string text, string name, int partitions)
    {
        Assert.Equal(new TopicDeclaration(name, partitions), TopicDeclaration.Parse(text));
    }

    [Theory]
    [InlineData("orders:0")]
    [InlineData("orders:x")]
    [InlineData(":4")]
    [InlineData("a:1:2")]
    public void Bad_topic_declarations_are_usage_errors(string text)
    {
        var e = Assert.Throws<UsageException>(() => TopicDeclaration.Parse(text));
        Assert.Contains(text, e.Message);
    }
}
