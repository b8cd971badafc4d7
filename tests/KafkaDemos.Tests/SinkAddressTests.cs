using KafkaDemos.Core;
using KafkaDemos.Sink;

namespace KafkaDemos.Tests;

/// <summary>`demo sink --to`: the two kinds of address, and a clear exit 2 for anything else.</summary>
public sealed class SinkAddressTests
{
    [Fact]
    public void The_default_is_numbers_db_in_the_current_directory()
    {
        var address = Assert.IsType<SqliteAddress>(SinkAddress.Parse(SinkAddress.Default));
        Assert.Equal("numbers.db", address.Path);
    }

    [Fact]
    public void A_MongoDB_address_keeps_its_database_or_takes_the_courses()
    {
        var named = Assert.IsType<MongoAddress>(SinkAddress.Parse("mongodb://db.example:27018/counting"));
        var unnamed = Assert.IsType<MongoAddress>(SinkAddress.Parse("mongodb://localhost:27017"));

        Assert.Equal("counting", named.Database);
        Assert.Equal("db.example:27018", named.Servers);
        Assert.Equal(SinkAddress.DefaultMongoDatabase, unnamed.Database);
    }

    [Fact]
    public void A_password_in_a_MongoDB_address_is_never_shown()
    {
        var address = SinkAddress.Parse("mongodb://user:s3cret@localhost:27017/testnum");
        var bad = Assert.Throws<UsageException>(() => SinkAddress.Parse("mongodb://user:s3cret@:notaport"));

        Assert.DoesNotContain("s3cret", address.Text);
        Assert.DoesNotContain("s3cret", bad.Message);
    }

    [Theory]
    [InlineData("postgres://localhost/db", "'postgres://localhost/db'")]
    [InlineData("numbers.db", "'numbers.db'")]
    [InlineData("sqlite:", "'sqlite:'")]
    [InlineData("mongodb://localhost:notaport/db", "'mongodb://localhost:notaport/db'")]
    public void A_malformed_address_is_a_usage_error_naming_it(string to, string named)
    {
        var e = Assert.Throws<UsageException>(() => SinkAddress.Parse(to));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(named, e.Message);
        Assert.Contains("--to", e.Message);
    }

    [Theory]
    [InlineData("sink_positions")]
    [InlineData("sqlite_master")]
    [InlineData(" ")]
    public void A_reserved_or_empty_table_name_is_a_usage_error(string table)
    {
        var e = Assert.Throws<UsageException>(() => SinkAddress.Parse("sqlite:unused.db").Open(table, TimeSpan.FromSeconds(1)));

        Assert.Contains($"--table '{table}'", e.Message);
    }
}
