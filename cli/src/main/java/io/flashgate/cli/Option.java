package io.flashgate.cli;

/**
 * One {@code --name} a verb accepts.
 *
 * @param name      without the leading dashes.
 * @param valueName placeholder shown in help ("N", "ISO-8601"), or null for a flag that takes no value.
 * @param help      one line.
 */
public record Option(String name, String valueName, String help)
{
    public static Option flag(final String name, final String help)
    {
        return new Option(name, null, help);
    }

    public static Option valued(final String name, final String valueName, final String help)
    {
        return new Option(name, valueName, help);
    }

    public boolean takesValue()
    {
        return valueName != null;
    }

    public String synopsis()
    {
        return "--" + name + (takesValue() ? " " + valueName : "");
    }
}
