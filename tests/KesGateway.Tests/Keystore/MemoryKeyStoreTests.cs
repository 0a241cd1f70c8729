using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;

namespace KesGateway.Tests.Keystore;

public class MemoryKeyStoreTests : KeyStoreContractTests
{
    protected override IKeyStore CreateStore() => new MemoryKeyStore();
}
