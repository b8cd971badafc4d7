using System.Text;
using Confluent.Kafka;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Tests;

public sealed class JsonInputLineTests
{
    [Fact]
    public void Null_key_and_null_value_are_nulls_not_the_text_null()
    {
        var message = JsonInputLine.Parse("""{"key": null, "value": null}""", 1, 7, "default", null);

        Assert.Equal(7, message.Number);
        Assert.Null(message.Key);
        Assert.Null(message.Value);
        Assert.Null(message.Headers);
    }

    [Fact]
    public void A_missing_key_is_the_one_key_would_give_and_a_json_value_is_sent_as_its_text()
    {
        var message = JsonInputLine.Parse("""{"value": {"num": 1}, "partition": 3, "event": "consumed"}""", 1, 0, "k0", null);

        Assert.Equal("k0", message.Key);
        Assert.Equal("""{"num": 1}""", message.Value);
    }

    [Fact]
    public void Headers_from_flags_come_first_then_the_lines_in_either_form()
    {
        var flags = new Headers { { "from", Encoding.UTF8.GetBytes("flag") } };

        var asObject = JsonInputLine.Parse("""{"value": "v", "headers": {"a": "1", "b": null, "c": ""}}""", 1, 0, null, flags);
        var asList = JsonInputLine.Parse("""{"value": "v", "headers": [{"key": "raw", "value": "/wA=", "base64": true}, {"key": "a", "value": "2"}]}""", 1, 0, null, null);

        Assert.Equal(["from", "a", "b", "c"], asObject.Headers!.Select(h => h.Key));
        Assert.Null(asObject.Headers!.GetLastBytes("b"));
        Assert.Empty(asObject.Headers!.GetLastBytes("c"));
        Assert.Equal([0xff, 0x00], asList.Headers!.GetLastBytes("raw"));
        Assert.Equal("2", Encoding.UTF8.GetString(asList.Headers!.GetLastBytes("a")));
    }

    [Theory]
    [InlineData("""{"key": "k"}""", "has no \"value\"")]
    [InlineData("""plain text""", "is not valid JSON")]
    [InlineData("""42""", "is not a JSON object")]
    [InlineData("""{"value": "v", "headers": "h"}""", "neither an object")]
    [InlineData("""{"value": "v", "headers": {"h": 1}}""", "header 'h'")]
    [InlineData("""{"value": "v", "headers": [{"value": "x"}]}""", "not {\"key\"")]
    public void A_bad_line_is_a_usage_error_naming_its_number_and_text(string line, string what)
    {
        var error = Assert.Throws<UsageException>(() => JsonInputLine.Parse(line, 4, 0, null, null));

        Assert.Contains("input line 4", error.Message);
        Assert.Contains(what, error.Message);
        Assert.Contains("--input-format json", error.Message);
    }
}
