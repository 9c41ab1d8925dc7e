package io.flashgate.cli;

import java.util.List;

/**
 * One thing a program does ({@code ops/flashgate run}, {@code replay-tool verify}): it declares its options once,
 * and its help text, parsing and errors all follow from that declaration.
 */
public interface Verb
{
    String name();

    /** One line for the verb list. */
    String summary();

    /** The synopsis after the program's name. */
    String synopsis();

    /** What it does and what the output means, a few lines. */
    String description();

    List<Option> options();

    /** Parses {@code argv} (the arguments after the verb) against {@link #options()}. */
    default Args parse(final String program, final List<String> argv) throws UsageException
    {
        return Args.parse(program, name(), options(), argv);
    }

    /** The text of {@code <program> <verb> --help}. */
    default String help(final String program)
    {
        final StringBuilder text = new StringBuilder()
            .append("usage: ").append(program).append(' ').append(synopsis()).append("\n\n")
            .append(description()).append("\n");
        text.append("\noptions:\n");
        for (final Option option : options())
        {
            text.append(String.format("  %-28s %s%n", option.synopsis(), option.help()));
        }
        text.append(String.format("  %-28s %s%n", "--help", "this text"));
        return text.toString();
    }

    /** The verb list of a program's usage: one line per verb, names aligned. */
    static String list(final List<? extends Verb> verbs)
    {
        final int width = verbs.stream().mapToInt(v -> v.name().length()).max().orElse(0);
        final StringBuilder text = new StringBuilder();
        for (final Verb verb : verbs)
        {
            text.append(String.format("  %-" + width + "s  %s%n", verb.name(), verb.summary()));
        }
        return text.toString();
    }
}
