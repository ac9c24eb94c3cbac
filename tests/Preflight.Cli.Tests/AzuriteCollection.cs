using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>One Azurite for every CLI test class that needs Azure Storage; each test uses its own containers and queues.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
