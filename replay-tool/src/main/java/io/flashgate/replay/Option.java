package io.flashgate.replay;

/**
 * One {@code --name} a verb accepts.
 *
 * @param name      without the leading dashes.
 * @param valueName placeholder shown in help ("N", "ISO-8601"), or null for a flag that takes no value.
 * @param help      one line.
 */
record Option(String name, String valueName, String help)
{
    static final Option DATA_DIR = valued("data-dir", "DIR",
        "the engine's data folder (holding journal/ and snapshots/), or a journal folder");

    static Option flag(final String name, final String help)
    {
        return new Option(name, null, help);
    }

    static Option valued(final String name, final String valueName, final String help)
    {
        return new Option(name, valueName, help);
    }

    boolean takesValue()
    {
        return valueName != null;
    }

    String synopsis()
    {
        return "--" + name + (takesValue() ? " " + valueName : "");
    }
}
