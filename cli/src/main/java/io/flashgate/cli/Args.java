package io.flashgate.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A verb's command line, parsed against the options it declares: {@code --name value}, {@code --name=value},
 * flags, positional arguments and {@code --help} / {@code -h}. Anything undeclared is a usage error.
 */
public final class Args
{
    private final String program;
    private final String verb;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positionals = new ArrayList<>();
    private boolean help;

    private Args(final String program, final String verb)
    {
        this.program = program;
        this.verb = verb;
    }

    /**
     * @param program the program's name as the user types it ("replay-tool", "ops/flashgate"), for messages.
     * @param verb    the verb, for messages.
     * @param options what the verb accepts.
     * @param argv    the arguments after the verb.
     */
    public static Args parse(final String program, final String verb, final List<Option> options, final List<String> argv) throws UsageException
    {
        final Args args = new Args(program, verb);
        for (int i = 0; i < argv.size(); i++)
        {
            final String token = argv.get(i);
            if (token.equals("--help") || token.equals("-h"))
            {
                args.help = true;
                continue;
            }
            if (token.equals("--"))
            {
                args.positionals.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (!token.startsWith("-") || token.equals("-"))
            {
                args.positionals.add(token);
                continue;
            }
            final int equals = token.indexOf('=');
            final String name = token.startsWith("--")
                ? token.substring(2, equals < 0 ? token.length() : equals)
                : token.substring(1);
            final Option option = options.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new UsageException("unknown option " + token + " for '" + verb
                    + "' (see: " + program + " " + verb + " --help)"));
            if (args.values.containsKey(name) || args.flags.contains(name))
            {
                throw new UsageException("option --" + name + " given twice");
            }
            if (!option.takesValue())
            {
                if (equals >= 0)
                {
                    throw new UsageException("option --" + name + " takes no value");
                }
                args.flags.add(name);
                continue;
            }
            final String value;
            if (equals >= 0)
            {
                value = token.substring(equals + 1);
            }
            else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--"))
            {
                value = argv.get(++i);
            }
            else
            {
                throw new UsageException("option --" + name + " needs a value (" + option.valueName() + ")");
            }
            if (value.isEmpty())
            {
                throw new UsageException("option --" + name + " needs a value (" + option.valueName() + ")");
            }
            args.values.put(name, value);
        }
        return args;
    }

    public boolean help()
    {
        return help;
    }

    /** Every valued option given, by name (without dashes), for a caller that layers flags over other sources. */
    public Map<String, String> values()
    {
        return Map.copyOf(values);
    }

    public boolean flag(final String name)
    {
        return flags.contains(name);
    }

    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    public Optional<String> value(final String name)
    {
        return Optional.ofNullable(values.get(name));
    }

    public String required(final String name) throws UsageException
    {
        final String value = values.get(name);
        if (value == null)
        {
            throw new UsageException("missing --" + name + " (see: " + program + " " + verb + " --help)");
        }
        return value;
    }

    /** A whole number >= {@code min}, if given. */
    public Optional<Long> number(final String name, final long min) throws UsageException
    {
        final String value = values.get(name);
        if (value == null)
        {
            return Optional.empty();
        }
        try
        {
            final long number = Long.parseLong(value.replace("_", ""));
            if (number < min)
            {
                throw new UsageException("--" + name + " must be at least " + min + ", was " + value);
            }
            return Optional.of(number);
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException("--" + name + " expects a whole number, was '" + value + "'");
        }
    }

    /** A decimal number >= {@code min} ("0.05", "2.5", "13000"), if given. */
    public Optional<Double> decimal(final String name, final double min) throws UsageException
    {
        final String value = values.get(name);
        if (value == null)
        {
            return Optional.empty();
        }
        final double number;
        try
        {
            number = Double.parseDouble(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException("--" + name + " expects a number, was '" + value + "'");
        }
        if (!Double.isFinite(number) || number < min)
        {
            throw new UsageException("--" + name + " must be a number of at least " + min + ", was " + value);
        }
        return Optional.of(number);
    }

    /** One of an enum's constants, named in any case ("sleeping", "LITE_BLOCKING"), if given. */
    public <E extends Enum<E>> Optional<E> choice(final String name, final Class<E> type) throws UsageException
    {
        final String value = values.get(name);
        if (value == null)
        {
            return Optional.empty();
        }
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equalsIgnoreCase(value))
            {
                return Optional.of(constant);
            }
        }
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            names.add(constant.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new UsageException("--" + name + " expects one of " + String.join("|", names) + ", was '" + value + "'");
    }

    /** An ISO-8601 instant ({@code 2026-11-24T19:00:00Z}, or with an offset such as {@code +08:00}), if given. */
    public Optional<Instant> instant(final String name) throws UsageException
    {
        final String value = values.get(name);
        if (value == null)
        {
            return Optional.empty();
        }
        try
        {
            return Optional.of(Instant.parse(value));
        }
        catch (final DateTimeParseException notUtc)
        {
            try
            {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            }
            catch (final DateTimeParseException ex)
            {
                throw new UsageException("--" + name + " expects an ISO-8601 time such as 2026-11-24T19:00:00Z, was '"
                    + value + "'");
            }
        }
    }

    /** The positional arguments; exactly {@code count} of them, named for the message. */
    public List<String> positionals(final String... names) throws UsageException
    {
        if (positionals.size() > names.length)
        {
            throw new UsageException("unexpected argument '" + positionals.get(names.length) + "' for '" + verb
                + "' (see: " + program + " " + verb + " --help)");
        }
        if (positionals.size() < names.length)
        {
            throw new UsageException("missing argument " + names[positionals.size()] + " (see: " + program + " " + verb
                + " --help)");
        }
        return List.copyOf(positionals);
    }

    /** At most one of the named options may be given. */
    public void exclusive(final String... names) throws UsageException
    {
        final List<String> given = new ArrayList<>();
        for (final String name : names)
        {
            if (values.containsKey(name) || flags.contains(name))
            {
                given.add("--" + name);
            }
        }
        if (given.size() > 1)
        {
            throw new UsageException(String.join(" and ", given) + " cannot be used together");
        }
    }
}
