using System.Data.Common;

namespace FsBitrix.Storage;

/// <summary>Parameters for SQL both providers run as written (<c>@name</c>, which SQLite and PostgreSQL both read).</summary>
internal static class DbParameters
{
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
