package io.flashgate.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads samples out of a Prometheus text exposition ({@code GET /metrics}), whatever the order of the labels and
 * the form of the number ({@code 3}, {@code 3.0}, {@code 1.2E7}), so tests assert figures, not formatting.
 */
public final class PrometheusSamples
{
    private PrometheusSamples()
    {
    }

    /**
     * The value of the one sample named {@code name} whose labels include {@code labelPairs} (name, value, name,
     * value, ...); fails naming the text when there is none or more than one.
     */
    public static double value(final String text, final String name, final String... labelPairs)
    {
        final List<Double> found = values(text, name, labelPairs);
        if (found.size() != 1)
        {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labelPairs) + " in:\n" + text);
        }
        return found.get(0);
    }

    /** The values of every sample named {@code name} whose labels include {@code labelPairs}. */
    public static List<Double> values(final String text, final String name, final String... labelPairs)
    {
        if (labelPairs.length % 2 != 0)
        {
            throw new IllegalArgumentException("label names and values come in pairs");
        }
        final List<Double> out = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("#") || !line.startsWith(name) || line.length() == name.length())
            {
                continue;
            }
            final char next = line.charAt(name.length());
            if (next != ' ' && next != '{')
            {
                continue;
            }
            final Map<String, String> labels = new LinkedHashMap<>();
            int valueStart = name.length();
            if (next == '{')
            {
                valueStart = parseLabels(line, name.length() + 1, labels);
            }
            boolean matches = true;
            for (int i = 0; i < labelPairs.length; i += 2)
            {
                matches &= labelPairs[i + 1].equals(labels.get(labelPairs[i]));
            }
            if (matches)
            {
                final String[] rest = line.substring(valueStart).trim().split(" ");
                out.add(Double.parseDouble(rest[0]));
            }
        }
        return out;
    }

    /** @return the index after the closing brace. */
    private static int parseLabels(final String line, final int from, final Map<String, String> labels)
    {
        int i = from;
        while (line.charAt(i) != '}')
        {
            final int eq = line.indexOf('=', i);
            final String key = line.substring(i, eq).trim();
            final StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"')
            {
                if (line.charAt(j) == '\\')
                {
                    j++;
                    value.append(line.charAt(j) == 'n' ? '\n' : line.charAt(j));
                }
                else
                {
                    value.append(line.charAt(j));
                }
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',')
            {
                i++;
            }
        }
        return i + 1;
    }
}
