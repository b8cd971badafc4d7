namespace KafkaDemos.Configuration;

/// <summary>The three kinds of client; each has its own section of client properties besides the common one.</summary>
public enum ClientKind
{
    Producer,
    Consumer,
    Admin,
}
