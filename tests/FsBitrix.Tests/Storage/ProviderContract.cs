namespace FsBitrix.Tests.Storage;

/// <summary>
/// A storage contract fixture, run once per provider (<c>[TestFixture("sqlite")]</c>, <c>[TestFixture("postgres")]</c>):
/// each test gets a database of its own (<see cref="Db"/>), deleted afterwards with every store opened on it.
/// </summary>
public abstract class ProviderContract(string provider)
{
    private ProviderDatabase? _db;

    private protected ProviderDatabase Db => _db ?? throw new InvalidOperationException("the test's database is made in SetUp");

    [SetUp]
    public async Task CreateDatabase() => _db = await ProviderDatabase.CreateAsync(provider);

    // Not made when the test was ignored (no PostgreSQL here).
    [TearDown]
    public async Task DropDatabase()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
            _db = null;
        }
    }
}
