package io.flashgate.replay;

import java.io.IOException;
import java.util.List;

/** One operator verb: {@code replay-tool <name> [options]}. */
sealed interface Verb permits Verify, Dump, Rebuild, Export, Repair, WriteSnapshot, Diff
{
    /** Every verb, in the order help lists them. */
    static List<Verb> all()
    {
        return List.of(new Verify(), new Dump(), new Rebuild(), new Export(), new Repair(), new WriteSnapshot(),
            new Diff());
    }

    String name();

    /** One line for the verb list. */
    String summary();

    /** The synopsis after {@code replay-tool}. */
    String synopsis();

    /** What it does and what the output means, a few lines. */
    String description();

    List<Option> options();

    /**
     * @return the exit code (see {@link ExitCode}).
     * @throws ToolException for a one-line error.
     */
    int run(Args args, Terminal terminal) throws ToolException, IOException;

    /** The text of {@code --help}. */
    default String help()
    {
        final StringBuilder text = new StringBuilder()
            .append("usage: replay-tool ").append(synopsis()).append("\n\n")
            .append(description()).append("\n");
        text.append("\noptions:\n");
        for (final Option option : options())
        {
            text.append(String.format("  %-24s %s%n", option.synopsis(), option.help()));
        }
        text.append(String.format("  %-24s %s%n", "--help", "this text"));
        return text.toString();
    }
}
