using KafkaDemos.IntegrationTests.Infrastructure;

// One broker for the whole assembly; test classes still run in parallel against it.
[assembly: AssemblyFixture(typeof(KafkaFixture))]
