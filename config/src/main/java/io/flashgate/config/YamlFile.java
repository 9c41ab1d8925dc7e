package io.flashgate.config;

import net.openhft.chronicle.wire.WireType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A settings file read through Chronicle Wire's YAML wire. The wire reads any map it is given, so every key found is
 * checked against {@link Settings}: an unknown key is an error naming it, never silently ignored.
 */
final class YamlFile
{
    static
    {
        // Chronicle reports usage and announces itself unless told not to; the JVM flags say so too.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("disable.perf.info", "true");
        // It also logs where it was loaded from at INFO: a launcher's output is its own (one line per error).
        if (System.getProperty("org.slf4j.simpleLogger.log.net.openhft") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
        }
    }

    /** A block-style {@code key:} line: its indentation and the key. */
    private static final Pattern KEY_LINE =
        Pattern.compile("^( *)([A-Za-z0-9_]+)\\s*:(\\s.*|)$");

    private YamlFile()
    {
    }

    /** The values found in {@code file}, by setting key, as the YAML reader typed them (checked later). */
    static Map<String, Object> read(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("config file " + file + ": cannot be read (" +
                (ex instanceof java.nio.file.NoSuchFileException ? "no such file" : ex.getMessage()) + ")");
        }
        final Object document = parse(file, text);
        final Map<String, Object> found = new LinkedHashMap<>();
        if (document == null)
        {
            return found;
        }
        if (!(document instanceof Map<?, ?> sections))
        {
            throw new ConfigException("config file " + file + ": must be a map of sections (" +
                String.join(", ", Settings.sections()) + "), was " + document);
        }
        for (final Map.Entry<?, ?> section : sections.entrySet())
        {
            final String sectionName = String.valueOf(section.getKey());
            if (!Settings.sections().contains(sectionName))
            {
                throw new ConfigException(sectionName + ": unknown section, must be one of " +
                    String.join(", ", Settings.sections()) + " (file " + file + ")");
            }
            if (section.getValue() == null)
            {
                continue;
            }
            if (!(section.getValue() instanceof Map<?, ?> entries))
            {
                throw new ConfigException(sectionName + ": must be a section of settings, was " + section.getValue() +
                    " (file " + file + ")");
            }
            for (final Map.Entry<?, ?> entry : entries.entrySet())
            {
                final String key = sectionName + "." + entry.getKey();
                if (Settings.byKey(key).isEmpty())
                {
                    throw new ConfigException(key + ": unknown key, " + sectionName + " has " + namesIn(sectionName) +
                        " (file " + file + ")");
                }
                found.put(key, entry.getValue());
            }
        }
        return found;
    }

    private static Object parse(final Path file, final String text) throws ConfigException
    {
        if (text.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#")))
        {
            return null;
        }
        refuseRepeatedKeys(file, text);
        try
        {
            return WireType.YAML_ONLY.fromString(text);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException("config file " + file + ": not valid YAML (" +
                String.valueOf(ex.getMessage()).lines().findFirst().orElse(ex.getClass().getSimpleName()) + ")");
        }
    }

    /**
     * The YAML reader keeps the last of two equal keys and drops the first without a word (a second {@code engine:}
     * section would silently undo the first), so a key written twice in one section is refused here.
     */
    private static void refuseRepeatedKeys(final Path file, final String text) throws ConfigException
    {
        final Set<String> seen = new HashSet<>();
        String section = "";
        for (final String line : text.lines().toList())
        {
            final Matcher key = KEY_LINE.matcher(line);
            if (!key.matches())
            {
                continue;
            }
            final boolean topLevel = key.group(1).isEmpty();
            section = topLevel ? key.group(2) : section;
            final String path = topLevel ? section : section + "." + key.group(2);
            if (!seen.add(path))
            {
                throw new ConfigException(path + ": given twice, must be given once (file " + file + ")");
            }
        }
    }

    private static String namesIn(final String section)
    {
        return Settings.ALL_SETTINGS.stream().filter(s -> s.section().equals(section)).map(Setting::name)
            .collect(Collectors.joining(", "));
    }
}
