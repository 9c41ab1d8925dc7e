package io.flashgate.config;

import io.flashgate.cli.Option;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One setting: its key in the YAML file (a path such as {@code edge.httpPort}), what it takes, its default, its
 * environment variable and its flag, what it means, and which process kinds read it.
 *
 * @param key          the YAML path, section and name.
 * @param type         the values it takes and the rule it states.
 * @param defaultValue the value when no source sets it (typed as the tree holds it; "" for an optional text unset).
 * @param env          the {@code FLASHGATE_*} variable.
 * @param flag         the flag, without the leading dashes.
 * @param meaning      one line for help and docs.
 * @param usedBy       the process kinds whose commands accept the flag.
 */
public record Setting(String key, SettingType type, Object defaultValue, String env, String flag, String meaning,
    Set<ProcessKind> usedBy)
{
    public Setting
    {
        usedBy = Set.copyOf(usedBy);
    }

    /** The name after the section: {@code httpPort} for {@code edge.httpPort}. */
    public String name()
    {
        return key.substring(key.indexOf('.') + 1);
    }

    /** The section: {@code edge} for {@code edge.httpPort}. */
    public String section()
    {
        return key.substring(0, key.indexOf('.'));
    }

    /** The default as YAML; "(none)" for an optional value that is unset by default. */
    public String defaultText()
    {
        return "".equals(defaultValue) ? "(none)" : type.yaml(defaultValue);
    }

    /** The command-line option a verb declares for it. */
    public Option option()
    {
        return Option.valued(flag, type.valueName(), meaning + " (" + env + ", default " + defaultText() + ")");
    }

    /** The derived names of a new setting: {@code engine.ringSize} gives FLASHGATE_RING_SIZE and --ring-size. */
    static Setting derived(final String key, final SettingType type, final Object defaultValue, final String meaning,
        final Set<ProcessKind> usedBy)
    {
        final String name = key.substring(key.indexOf('.') + 1);
        final String kebab = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        return new Setting(key, type, defaultValue, "FLASHGATE_" + kebab.replace('-', '_').toUpperCase(Locale.ROOT),
            kebab, meaning, usedBy);
    }

    static Set<ProcessKind> kinds(final ProcessKind first, final ProcessKind... rest)
    {
        return EnumSet.of(first, rest);
    }
}
