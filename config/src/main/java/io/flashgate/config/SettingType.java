package io.flashgate.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What values a setting takes, and the rule it states when a value breaks it. A value arrives as text (environment,
 * flag) or as what the YAML reader made of it (Long, Double, Boolean, String); either way it ends up as the one Java
 * type the tree holds, or is refused with {@link #rule()}.
 */
public sealed interface SettingType
{
    /** The rule as one phrase for messages and docs: "must be 1..65535". */
    String rule();

    /** The short type name for docs and help: "port", "integer", "one of ...". */
    String typeName();

    /** The placeholder in a flag's synopsis: {@code --http-port N}. */
    String valueName();

    /** The typed value of {@code text}, or null if it breaks the rule. */
    Object fromText(String text);

    /** The typed value of what the YAML reader produced, or null if it breaks the rule. */
    default Object fromYaml(final Object value)
    {
        if (value instanceof String text)
        {
            return fromText(text);
        }
        return value instanceof Map || value instanceof Iterable ? null : fromText(String.valueOf(value));
    }

    /** How {@code value} is written in YAML (and in help and docs). */
    default String yaml(final Object value)
    {
        return String.valueOf(value);
    }

    /** A whole number in {@code min..max}; with {@code powerOfTwo}, also a power of two. */
    record Whole(long min, long max, boolean powerOfTwo, String why) implements SettingType
    {
        public static Whole range(final long min, final long max)
        {
            return new Whole(min, max, false, "");
        }

        @Override
        public String valueName()
        {
            return "N";
        }

        @Override
        public String rule()
        {
            return "must be " + (powerOfTwo ? "a power of two in " : "") + min + ".." + max + why;
        }

        @Override
        public String typeName()
        {
            return powerOfTwo ? "power of two" : "integer";
        }

        @Override
        public Object fromText(final String text)
        {
            try
            {
                final long value = Long.parseLong(text.trim().replace("_", ""));
                return value < min || value > max || (powerOfTwo && Long.bitCount(value) != 1) ? null : value;
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }

        @Override
        public Object fromYaml(final Object value)
        {
            return value instanceof Double ? null : SettingType.super.fromYaml(value);
        }
    }

    /** A number with a fraction allowed, {@code > 0} and at most {@code max}. */
    record Positive(double max) implements SettingType
    {
        @Override
        public String valueName()
        {
            return "X";
        }

        @Override
        public String rule()
        {
            return "must be a number > 0 and <= " + yaml(max);
        }

        @Override
        public String typeName()
        {
            return "number";
        }

        @Override
        public Object fromText(final String text)
        {
            try
            {
                final double value = Double.parseDouble(text.trim().replace("_", ""));
                return Double.isNaN(value) || value <= 0 || value > max ? null : value;
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }

        @Override
        public String yaml(final Object value)
        {
            final double number = ((Number)value).doubleValue();
            return number == Math.rint(number) ? Long.toString((long)number) : Double.toString(number);
        }
    }

    /** One of an enum's constants, by name (any case). */
    record Choice(Class<? extends Enum<?>> choices) implements SettingType
    {
        @Override
        public String valueName()
        {
            return "NAME";
        }

        @Override
        public String rule()
        {
            return "must be one of " + names();
        }

        @Override
        public String typeName()
        {
            return "enum";
        }

        private String names()
        {
            return Arrays.stream(choices.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        }

        @Override
        public Object fromText(final String text)
        {
            final String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            return Arrays.stream(choices.getEnumConstants()).filter(c -> c.name().equals(name)).findFirst()
                .orElse(null);
        }
    }

    /** true or false; {@code fixed} (when not null) is the only value allowed, and {@code why} says why. */
    record Switch(Boolean fixed, String why) implements SettingType
    {
        @Override
        public String valueName()
        {
            return "true|false";
        }

        @Override
        public String rule()
        {
            return fixed == null ? "must be true or false" : "must be " + fixed + why;
        }

        @Override
        public String typeName()
        {
            return "boolean";
        }

        @Override
        public Object fromText(final String text)
        {
            final String value = text.trim().toLowerCase(Locale.ROOT);
            final Boolean parsed = value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
            return parsed == null || (fixed != null && !fixed.equals(parsed)) ? null : parsed;
        }
    }

    /**
     * Text matching {@code pattern}. With {@code optional}, the empty text means "not set" (null in the tree).
     * With {@code secret}, the value is never printed.
     */
    record Text(String typeName, Pattern pattern, String describe, boolean optional, boolean secret)
        implements SettingType
    {
        @Override
        public String valueName()
        {
            return typeName.toUpperCase(Locale.ROOT).replace(' ', '_');
        }

        @Override
        public String rule()
        {
            return "must be " + describe + (optional ? ", or empty for none" : "");
        }

        @Override
        public Object fromText(final String text)
        {
            if (optional && text.isEmpty())
            {
                return "";
            }
            return pattern.matcher(text).matches() ? text : null;
        }

        @Override
        public String yaml(final Object value)
        {
            if (secret)
            {
                return "\"" + (String.valueOf(value).isEmpty() ? "" : "<hidden>") + "\"";
            }
            return "\"" + String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /**
     * The engines an edge may send to: {@code ingressHost:port/egressHost:port}, several separated by commas, no
     * endpoint twice; empty for none (then the one engine of {@code transport.ingress} / {@code transport.egress}).
     * Each endpoint follows {@code endpoint}, the rule of a single host:port.
     */
    record EngineList(Pattern endpoint) implements SettingType
    {
        @Override
        public String valueName()
        {
            return "IN/OUT,...";
        }

        @Override
        public String rule()
        {
            return "must be ingressHost:port/egressHost:port, several separated by commas, ports in 1..65535, no " +
                "endpoint twice, or empty for the one engine of transport.ingress and transport.egress";
        }

        @Override
        public String typeName()
        {
            return "engine list";
        }

        @Override
        public Object fromText(final String text)
        {
            final String value = text.trim();
            if (value.isEmpty())
            {
                return "";
            }
            final java.util.Set<String> seen = new java.util.HashSet<>();
            for (final String engine : value.split(",", -1))
            {
                final String[] ends = engine.trim().split("/", -1);
                if (ends.length != 2)
                {
                    return null;
                }
                for (final String end : ends)
                {
                    if (!endpoint.matcher(end).matches() || !seen.add(end))
                    {
                        return null;
                    }
                }
            }
            return value;
        }

        @Override
        public String yaml(final Object value)
        {
            return "\"" + value + "\"";
        }
    }

    /** A folder path (no NUL; the folder itself is checked when a process starts). */
    record Folder() implements SettingType
    {
        @Override
        public String valueName()
        {
            return "DIR";
        }

        @Override
        public String rule()
        {
            return "must be a folder path";
        }

        @Override
        public String typeName()
        {
            return "path";
        }

        @Override
        public Object fromText(final String text)
        {
            try
            {
                return text.isBlank() ? null : Path.of(text);
            }
            catch (final RuntimeException invalid)
            {
                return null;
            }
        }

        @Override
        public String yaml(final Object value)
        {
            return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
