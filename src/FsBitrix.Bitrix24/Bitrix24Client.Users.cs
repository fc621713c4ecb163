using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Users;

namespace FsBitrix.Bitrix24;

public sealed partial class Bitrix24Client
{
    // Guards against a portal whose "next" never ends: 2,000 pages are 100,000 users.
    private const int MaxUserPages = 2000;

    public Task<UserPage> GetUsersPageAsync(UserFilter filter, long start = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        var parameters = new BitrixParams()
            .Add("FILTER", filter.ToParams())
            .Add("sort", "ID")
            .Add("order", "ASC")
            .Add("start", start);
        return CallAsync(
            Bitrix24Methods.UserGet,
            parameters,
            RetryRule.Idempotent,
            static r => new UserPage([.. Json.JsonRead.Items(r.Result).Select(Bitrix24User.Read)], r.Total, r.Next),
            cancellationToken);
    }

    public async Task<IReadOnlyList<Bitrix24User>> GetUsersAsync(UserFilter filter, CancellationToken cancellationToken = default)
    {
        var users = new List<Bitrix24User>();
        long start = 0;
        for (int page = 0; page < MaxUserPages; page++)
        {
            UserPage current = await GetUsersPageAsync(filter, start, cancellationToken).ConfigureAwait(false);
            users.AddRange(current.Users);
            if (current.Next is not { } next || next <= start)
            {
                return users;
            }

            start = next;
        }

        throw new InvalidOperationException($"user.get kept returning 'next' after {MaxUserPages} pages; refusing to loop forever.");
    }
}
